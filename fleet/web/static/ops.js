// The operations page: floor plan, robots, lifts and doors, queue, plan, KPIs,
// alerts; REST for the state, the WebSocket for changes.
import { LiveEvents, Session, el, placeLabel, signIn, words } from "./common.js";
import { FloorPlan } from "./floorplan.js";
import { showKpis } from "./kpis.js";
import { Alerts, facilitiesTable, queueTable, robotsTable, stopsList } from "./ops_tables.js";

const session = new Session("porter.ops.token");
const $ = (id) => document.getElementById(id);
const OPEN = ["requested", "assigned", "to_pickup", "loading", "to_dropoff", "unloading",
  "returning", "recovery"];
const STAFF = new Set(["operator", "admin"]);

const robots = new Map();
const jobs = new Map();
const names = {};
let plan = null;
let facilities = { lifts: [], doors: [] };
let floor = null;
let alerts = null;
let level = null;
const pending = new Map();
const timers = [];

// Run `work` at most once per `ms` however many events ask for it.
function soon(key, ms, work) {
  if (pending.has(key)) return;
  pending.set(key, setTimeout(() => {
    pending.delete(key);
    work();
  }, ms));
}

// Re-render a table without losing the keyboard focus on one of its buttons.
function keepingFocus(render) {
  const focused = document.activeElement;
  const label = focused && focused.getAttribute ? focused.getAttribute("aria-label") : null;
  render();
  if (label && !focused.isConnected) {
    const again = document.querySelector(`button[aria-label="${CSS.escape(label)}"]`);
    if (again) again.focus();
  }
}

function renderRobots() {
  keepingFocus(() => robotsTable($("robots"), robots, names, act, show));
}

function renderQueue() {
  queueTable($("queue"), $("queue-empty"), jobs, names);
  stopsList($("stops"), $("stops-empty"), plan, jobs, names);
}

// The robot's level on the plan, and its marker ringed for a few seconds.
async function show(robot) {
  if (robot.level !== level) await selectLevel(robot.level);
  floor.highlight(robot.id);
  $("floor").scrollIntoView({ block: "nearest" });
}

async function act(robotId, path, button) {
  $("robots-error").textContent = "";
  button.disabled = true;
  try {
    const robot = await session.post(`/api/v1/robots/${robotId}/${path}`);
    robots.set(robot.id, robot);
    floor.robot(robot);
    renderRobots();
  } catch (failure) {
    $("robots-error").textContent = `${robotId}: ${failure.status === 409
      ? "not possible in its current state." : failure.message}`;
    button.disabled = false;
  }
}

async function selectLevel(id) {
  level = id;
  for (const button of $("levels").children) {
    button.setAttribute("aria-pressed", String(button.dataset.level === id));
  }
  floor.draw(await session.get(`/api/v1/web/levels/${encodeURIComponent(id)}/drawing`));
  for (const robot of robots.values()) floor.robot(robot);
  floor.facilities(facilities);
}

async function loadPlan() {
  plan = await session.get("/api/v1/plan");
  renderQueue();
}

async function loadKpis() {
  showKpis(await session.get("/api/v1/web/kpis/today"));
}

async function loadFacilities() {
  const previous = new Map(facilities.lifts.map((lift) => [lift.id, lift.mode]));
  facilities = await session.get("/api/v1/web/facilities");
  facilitiesTable($("facilities"), facilities);
  floor.facilities(facilities);
  const burning = facilities.lifts.filter((lift) => lift.mode === "fire");
  $("fire").hidden = burning.length === 0;
  $("fire").textContent = burning.length
    ? `Fire mode: ${burning.map((lift) => lift.name).join(", ")} — robots keep out of these lifts.` : "";
  for (const lift of burning) {
    if (previous.size && previous.get(lift.id) !== "fire") {
      alerts.add({ kind: "fire_mode", message: `${lift.name} is in fire mode.` });
    }
  }
}

async function loadAll() {
  const open = OPEN.map((s) => `status=${s}`).join("&");
  const [robotList, jobList] = await Promise.all([
    session.get("/api/v1/robots"),
    session.get(`/api/v1/requests?${open}&limit=1000`),
  ]);
  robots.clear();
  for (const robot of robotList) {
    robots.set(robot.id, robot);
    floor.robot(robot);
  }
  jobs.clear();
  for (const job of jobList) jobs.set(job.id, job);
  renderRobots();
  await Promise.all([loadPlan(), loadKpis(), loadFacilities()]);
}

function guarded(work) {
  return () => work().catch((failure) => console.warn("refresh failed", failure.message));
}

function onEvent(event) {
  if (event.kind === "robot") {
    robots.set(event.robot.id, event.robot);
    floor.robot(event.robot);
    soon("robots", 500, renderRobots);
  } else if (event.kind === "job") {
    const known = jobs.get(event.job.id);
    if (known && known.version > event.job.version) return;
    if (["completed", "cancelled", "failed"].includes(event.job.status)) {
      jobs.delete(event.job.id); // the queue shows open jobs only; a day is long
      soon("kpis", 1000, guarded(loadKpis));
    } else {
      jobs.set(event.job.id, event.job);
    }
    soon("queue", 300, renderQueue);
  } else if (event.kind === "alert") {
    alerts.add(event.alert);
  } else if (event.kind === "plan") {
    soon("plan", 300, guarded(loadPlan));
  }
}

function setLive(connected) {
  $("live").hidden = false;
  $("live").textContent = connected ? "Live" : "Reconnecting…";
  $("live").classList.toggle("down", !connected);
}

async function start() {
  $("sign-in").hidden = true;
  $("app").hidden = false;
  $("sign-out").hidden = false;
  floor = new FloorPlan($("floor"), words);
  alerts = new Alerts($("alerts"), $("alerts-empty"));
  const [levels, places] = await Promise.all([
    session.get("/api/v1/building/levels"),
    session.get("/api/v1/building/places"),
  ]);
  for (const place of places) {
    names[place.id] = placeLabel(place);
    names[place.waypoint] = names[place.waypoint] || placeLabel(place); // robots report waypoints
  }
  // "L2 · Second floor": the name up to its first colon, the rest as a tooltip.
  $("levels").replaceChildren(...levels.map((lv) => el("button", { type: "button",
    "data-level": lv.id, "aria-pressed": "false", title: lv.name,
    onclick: () => selectLevel(lv.id) },
  lv.name === lv.id ? `Level ${lv.id}` : `${lv.id} · ${lv.name.split(":")[0]}`)));
  await selectLevel(levels[0].id);
  await loadAll();
  $("app").dataset.ready = "true";
  const live = new LiveEvents(session, onEvent, setLive);
  live.start(guarded(loadAll));
  timers.push(setInterval(guarded(loadFacilities), 2000));
  timers.push(setInterval(guarded(loadKpis), 30000));
  timers.push(setInterval(guarded(loadPlan), 10000));
  timers.push(setInterval(renderQueue, 30000)); // "in N min" keeps moving
}

function acceptOperator(me) {
  return STAFF.has(me.role) ? null
    : "This page is for the operations desk: sign in with an operator token.";
}

window.addEventListener("DOMContentLoaded", async () => {
  signIn({ session, form: $("sign-in-form"), input: $("token"), error: $("sign-in-error"),
    onSignedIn: start, accept: acceptOperator });
  $("sign-out").addEventListener("click", () => {
    session.token = null;
    location.reload();
  });
  if (session.token) {
    try {
      const me = await session.get("/api/v1/web/me");
      if (!acceptOperator(me)) await start();
    } catch (failure) {
      session.token = null;
      $("sign-in-error").textContent = failure.message;
    }
  }
});

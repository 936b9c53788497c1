// The operations page's tables: robots with their controls, the job queue, the
// planned stops, lifts and doors; and the alert list.
import { ENDED, STATUS_WORDS, clockTime, el, fromNow, words } from "./common.js";

const ROBOT_ACTIONS = [
  ["pause", "Pause", (r) => !["paused", "offline", "out_of_service"].includes(r.state)],
  ["resume", "Resume", (r) => r.state === "paused"],
  ["send-to-charger", "Charge", (r) => !["charging", "offline", "out_of_service"].includes(r.state)],
];

function head(...names) {
  return el("thead", {}, el("tr", {}, names.map((name) => el("th", { scope: "col" }, name))));
}

export function battery(soc) {
  const level = Math.round(Math.max(0, Math.min(1, soc)) * 100);
  const fill = level < 20 ? "#b3261e" : "#1f6f3a";
  return el("span", {},
    el("span", { class: "battery", style: `--level:${level}%;--fill:${fill}`, "aria-hidden": "true" }),
    `${level}%`);
}

export function robotsTable(table, robots, names, act, show) {
  const rows = [...robots.values()].sort((a, b) => a.id.localeCompare(b.id)).map((robot) => {
    const buttons = ROBOT_ACTIONS.filter(([, , allowed]) => allowed(robot)).map(([path, label]) =>
      el("button", { type: "button", class: "secondary", "aria-label": `${label} ${robot.id}`,
        onclick: (event) => act(robot.id, path, event.currentTarget) }, label));
    return el("tr", { "data-robot-id": robot.id, "data-state": robot.state },
      el("th", { scope: "row" }, el("button", { type: "button", class: "link",
        "aria-label": `Show ${robot.id} on the plan`, onclick: () => show(robot) }, robot.id)),
      el("td", {}, el("span", { class: `state state-${robot.state}` }, words(robot.state))),
      el("td", { class: "nowrap" }, battery(robot.battery_soc)),
      el("td", {}, `${robot.level} · ${names[robot.waypoint] || robot.waypoint}`),
      el("td", {}, el("div", { class: "buttons" }, buttons)));
  });
  table.replaceChildren(head("Robot", "State", "Battery", "Where", "Actions"), el("tbody", {}, rows));
}

function eta(job) {
  const moment = ["requested", "assigned", "to_pickup"].includes(job.status)
    ? job.eta_pickup : job.eta_dropoff;
  return moment ? `${clockTime(moment)} (${fromNow(moment)})` : "";
}

export function queueTable(table, empty, jobs, names) {
  const open = [...jobs.values()].filter((job) => !ENDED.has(job.status));
  const rank = { stat: 0, urgent: 1, routine: 2 };
  open.sort((a, b) => rank[a.priority] - rank[b.priority] || a.created_at.localeCompare(b.created_at));
  empty.hidden = open.length > 0;
  const place = (id) => names[id] || words(id);
  const rows = open.map((job) => el("tr", { "data-job-id": job.id, "data-status": job.status },
    el("td", {}, el("span", { class: `prio prio-${job.priority}` },
      job.priority === "stat" ? "STAT" : words(job.priority))),
    el("td", {}, job.kind === "guidance" ? "Guidance" : words(job.category),
      el("div", { class: "hint" }, `${place(job.pickup)} → ${place(job.dropoff)}`)),
    el("td", { class: "status" }, STATUS_WORDS[job.status] || words(job.status)),
    el("td", { class: "nowrap" }, job.robot_id || "–"),
    el("td", {}, eta(job))));
  table.replaceChildren(head("Priority", "Job", "Status", "Robot", "ETA"), el("tbody", {}, rows));
}

// Statuses in which a job's pickup stop is behind its robot.
const PICKED_UP = new Set(["to_dropoff", "unloading", "returning", "recovery"]);

// A plan is made before robots move on: leave out the stops already served.
function ahead(stop, jobs) {
  if (!stop.job_id) return true;
  const job = jobs.get(stop.job_id);
  if (!job) return false; // ended (the queue keeps open jobs only)
  return !(stop.kind === "pickup" && PICKED_UP.has(job.status));
}

export function stopsList(root, empty, plan, jobs, names) {
  const routes = Object.entries((plan && plan.routes) || {})
    .map(([robotId, stops]) => [robotId, stops.filter((stop) => ahead(stop, jobs))])
    .filter(([, stops]) => stops.length);
  empty.hidden = routes.length > 0;
  empty.textContent = plan && plan.solver ? "Every robot is free." : "No plan yet.";
  root.replaceChildren(...routes.sort(([a], [b]) => a.localeCompare(b)).map(([robotId, stops]) =>
    el("div", { "data-robot-id": robotId },
      el("h3", {}, robotId),
      el("ol", { class: "stops" }, stops.map((stop) => {
        const job = stop.job_id ? jobs.get(stop.job_id) : null;
        const what = job ? (job.kind === "guidance" ? "guidance" : words(job.category).toLowerCase()) : "";
        const verb = { pickup: "Collect", dropoff: "Deliver", charge: "Charge at" }[stop.kind] || words(stop.kind);
        return el("li", { "data-job-id": stop.job_id || "" },
          `${verb} ${what ? `${what} ` : ""}at ${names[stop.node] || words(stop.node)}`,
          stop.arrival ? ` · ${clockTime(stop.arrival)} (${fromNow(stop.arrival)})` : "");
      })))));
}

export function facilitiesTable(table, { lifts, doors }) {
  const liftState = (lift) => {
    if (!lift.in_service) return "Out of service";
    if (!lift.mode) return "No report yet";
    const car = lift.level ? `, car at ${lift.level}` : "";
    const moving = lift.moving ? ", moving" : lift.doors_open ? ", doors open" : "";
    return `${words(lift.mode)} mode${car}${moving}`;
  };
  const doorState = (door) => {
    if (door.available === false) return "Out of service";
    if (door.open === null || door.open === undefined) return "No report yet";
    return door.open ? "Open" : "Closed";
  };
  const rows = [
    ...lifts.map((lift) => el("tr", { "data-lift": lift.id },
      el("th", { scope: "row" }, lift.name), el("td", {}, "Lift"),
      el("td", { class: lift.mode === "fire" || !lift.in_service ? "error" : "" }, liftState(lift)))),
    // Closed, working doors are the normal case: counted, not listed.
    ...doors.filter((door) => !quiet(door)).map((door) => el("tr", { "data-door": door.id },
      el("th", { scope: "row" }, door.name === door.id ? words(door.id) : door.name),
      el("td", {}, `Door, ${door.level}`),
      el("td", { class: door.available === false ? "error" : "" }, doorState(door)))),
  ];
  const closed = doors.filter(quiet).length;
  if (closed) {
    rows.push(el("tr", { class: "hint" }, el("td", { colspan: "3" },
      closed === doors.length ? `All ${closed} doors closed and working.`
        : `${closed} other door${closed === 1 ? "" : "s"} closed and working.`)));
  }
  table.replaceChildren(head("Name", "Kind", "State"), el("tbody", {}, rows));
}

function quiet(door) {
  return door.open === false && door.available !== false;
}

const ALERT_TITLES = {
  robot_offline: "Robot offline",
  robot_failed: "Robot failed",
  recovery: "Job needs recovery",
  handoff_locked: "Hand-off locked",
  handoff_timeout: "Hand-off timed out",
  lift_unavailable: "Lift out of service",
  door_unavailable: "Door out of service",
  no_route: "No route",
  fire_mode: "Fire mode",
};

export class Alerts {
  constructor(list, empty, limit = 50) {
    Object.assign(this, { list, empty, limit });
  }

  add(alert, at = new Date()) {
    const title = ALERT_TITLES[alert.kind] || words(alert.kind);
    const dismiss = el("button", { type: "button", class: "secondary",
      "aria-label": `Dismiss alert: ${title}` }, "Dismiss");
    const item = el("li", { "data-kind": alert.kind },
      el("div", { class: "what" }, el("strong", {}, title), el("div", {}, alert.message)),
      el("time", { datetime: at.toISOString() }, clockTime(at.toISOString())), dismiss);
    dismiss.addEventListener("click", () => {
      item.remove();
      this.empty.hidden = this.list.children.length > 0;
    });
    this.list.prepend(item);
    while (this.list.children.length > this.limit) this.list.lastChild.remove();
    this.empty.hidden = true;
  }
}

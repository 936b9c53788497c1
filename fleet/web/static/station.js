// The nursing station page: sign in, request, follow the ward's jobs live.
import { LiveEvents, Session, el, newKey, placeLabel, signIn, words } from "./common.js";
import { JobBoard } from "./station_jobs.js";

const session = new Session("porter.station.token");
const $ = (id) => document.getElementById(id);

const CATEGORIES = [
  "medication", "controlled_substance", "blood_product", "specimen", "supplies",
  "meal", "linen", "soiled_linen", "waste",
];
const SECURE = new Set(["controlled_substance", "blood_product"]);
// Places no one sends to or from: where robots park, charge and wait.
const SERVICE_KINDS = new Set(["charger", "holding_point", "parking"]);
const MEETING_KINDS = new Set(["reception", "clinic"]);

let me = null;
let places = [];
let board = null;
let live = null;

function placeOptions(select, keep, preferred) {
  const own = places.filter((p) => me.places.includes(p.id) && keep(p));
  const other = places.filter((p) => !me.places.includes(p.id) && keep(p));
  const group = (label, list) => el("optgroup", { label },
    list.map((p) => el("option", { value: p.id }, `${placeLabel(p)} (${p.level})`)));
  select.replaceChildren(
    ...(own.length ? [group("Your ward", own)] : []),
    ...(other.length ? [group("Other places", other)] : []),
  );
  const choice = list => list.find((p) => p.id === preferred) || list[0];
  const first = choice([...own, ...other]);
  if (first) select.value = first.id;
}

function kind() {
  return document.querySelector("input[name=kind]:checked").value;
}

function fillForm() {
  const usable = (p) => !SERVICE_KINDS.has(p.kind);
  const ward = me.wards[0];
  if (kind() === "guidance") {
    placeOptions($("pickup"), (p) => MEETING_KINDS.has(p.kind), "reception");
    $("pickup-label").textContent = "Meet the person at";
    $("recipient-label").textContent = "Person's name (optional)";
  } else {
    placeOptions($("pickup"), usable, "pharmacy");
    $("pickup-label").textContent = "From";
    $("recipient-label").textContent = "Who receives it (optional)";
  }
  placeOptions($("dropoff"), usable, ward);
  for (const field of document.querySelectorAll("[data-for=delivery]")) {
    field.hidden = kind() !== "delivery";
  }
  showPin();
}

function showPin() {
  $("pin-field").hidden = !(kind() === "delivery" && SECURE.has($("category").value));
}

function requestBody() {
  const form = $("request-form");
  const body = {
    kind: kind(),
    pickup: form.pickup.value,
    dropoff: form.dropoff.value,
    priority: form.priority.value,
    note: form.note.value.trim(),
  };
  const recipient = form.recipient.value.trim();
  if (recipient) body.recipient = recipient;
  if (form.within.value) {
    body.due_at = new Date(Date.now() + Number(form.within.value) * 60000).toISOString();
  }
  if (body.kind === "delivery") {
    body.category = form.category.value;
    body.compartments = Number(form.compartments.value || 1);
    if (SECURE.has(body.category)) body.pin = form.pin.value.trim();
  }
  return body;
}

function clearErrors() {
  for (const node of document.querySelectorAll("#request-form .error")) node.textContent = "";
  for (const node of document.querySelectorAll("#request-form [aria-invalid]")) {
    node.removeAttribute("aria-invalid");
  }
  $("request-done").textContent = "";
}

function showErrors(failure) {
  $("request-error").textContent = failure.message;
  const fields = failure.fieldErrors ? failure.fieldErrors() : {};
  let first = null;
  for (const [field, message] of Object.entries(fields)) {
    const target = $(`${field}-error`);
    const input = $(field === "due_at" ? "within" : field);
    if (!target) continue;
    target.textContent = message;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
  }
  if (first && failure.status === 422) first.focus();
}

async function send(event) {
  event.preventDefault();
  clearErrors();
  const button = $("send");
  const form = $("request-form");
  // One key per filled-in form: a double click or a retry makes one job.
  form.dataset.key = form.dataset.key || newKey();
  button.disabled = true;
  try {
    const job = await session.post("/api/v1/requests", requestBody(), {
      "Idempotency-Key": form.dataset.key,
    });
    board.upsert(job);
    const what = job.kind === "guidance" ? "Guidance" : words(job.category);
    $("request-done").textContent =
      `Request sent: ${what} from ${board.placeName(job.pickup)} to ${board.placeName(job.dropoff)}.`;
    delete form.dataset.key;
    form.note.value = "";
    form.pin.value = "";
    form.recipient.value = "";
  } catch (failure) {
    if (failure.status !== 503 && failure.status !== 0) delete form.dataset.key;
    showErrors(failure);
  } finally {
    button.disabled = false;
  }
}

function setLive(connected) {
  const node = $("live");
  node.hidden = false;
  node.textContent = connected ? "Live" : "Reconnecting…";
  node.classList.toggle("down", !connected);
}

async function start(signedIn) {
  me = signedIn;
  $("sign-in").hidden = true;
  $("app").hidden = false;
  $("sign-out").hidden = false;
  $("who").hidden = false;
  places = await session.get("/api/v1/building/places");
  const names = Object.fromEntries(places.map((p) => [p.id, placeLabel(p)]));
  $("who").textContent = me.wards.length
    ? me.wards.map((w) => names[w] || words(w)).join(", ")
    : words(me.role);
  $("category").replaceChildren(...CATEGORIES.map((c) => el("option", { value: c }, words(c))));
  fillForm();
  board = new JobBoard({ session, me, names, list: $("jobs"), notices: $("notices"),
    empty: $("jobs-empty"), error: $("jobs-error") });
  live = new LiveEvents(session, (event) => {
    if (event.kind === "job") board.upsert(event.job);
  }, setLive);
  live.start(() => board.reload());
  await board.reload();
  $("app").dataset.ready = "true";
}

function stop() {
  session.token = null;
  if (live) live.stop();
  if (board) board.stop();
  location.reload();
}

function acceptStation(who) {
  if (who.role === "robot") return "A robot token cannot sign in here.";
  return null;
}

window.addEventListener("DOMContentLoaded", async () => {
  signIn({ session, form: $("sign-in-form"), input: $("token"), error: $("sign-in-error"),
    onSignedIn: start, accept: acceptStation });
  $("sign-out").addEventListener("click", stop);
  for (const radio of document.querySelectorAll("input[name=kind]")) {
    radio.addEventListener("change", fillForm);
  }
  $("category").addEventListener("change", showPin);
  $("request-form").addEventListener("submit", send);
  $("request-form").addEventListener("input", () => { delete $("request-form").dataset.key; });
  if (session.token) {
    try {
      await start(await session.get("/api/v1/web/me"));
    } catch (failure) {
      session.token = null;
      $("sign-in-error").textContent = failure.message;
    }
  }
  $("token").focus();
});

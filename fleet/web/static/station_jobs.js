// The ward's requests as cards, and the notices of robots waiting at the ward.
import { ENDED, STATUS_WORDS, clockTime, el, fromNow, words } from "./common.js";

const OPEN = ["requested", "assigned", "to_pickup", "loading", "to_dropoff", "unloading",
  "returning", "recovery"];
const SHOWN_ENDED = 30;

export class JobBoard {
  constructor({ session, me, names, list, notices, empty, error }) {
    Object.assign(this, { session, me, names, list, notices, empty, error });
    this.jobs = new Map();
    this.armed = new Map(); // job id -> until when a second tap cancels it
    this.errors = new Map(); // job id -> the last refusal, shown on its card
    this.timer = setInterval(() => this.render(), 30000);
  }

  stop() {
    clearInterval(this.timer);
  }

  placeName(id) {
    return this.names[id] || words(id);
  }

  async reload() {
    const today = new Date().toISOString().slice(0, 10);
    const open = OPEN.map((s) => `status=${s}`).join("&");
    try {
      const [ofToday, stillOpen] = await Promise.all([
        this.session.get(`/api/v1/requests?date=${today}&limit=1000`),
        this.session.get(`/api/v1/requests?${open}&limit=1000`),
      ]);
      this.jobs.clear();
      for (const job of [...ofToday, ...stillOpen]) this.jobs.set(job.id, job);
      this.error.textContent = "";
      this.render();
    } catch (failure) {
      this.error.textContent = failure.message;
    }
  }

  upsert(job) {
    const known = this.jobs.get(job.id);
    if (known && known.version > job.version) return; // an older event, late
    this.jobs.set(job.id, job);
    this.render();
  }

  ordered() {
    const all = [...this.jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
    const open = all.filter((job) => !ENDED.has(job.status));
    const ended = all.filter((job) => ENDED.has(job.status)).slice(0, SHOWN_ENDED);
    return [...open, ...ended];
  }

  render() {
    const jobs = this.ordered();
    this.empty.hidden = jobs.length > 0;
    // Live updates re-draw the cards: keep the keyboard focus on the same button.
    const focused = document.activeElement;
    const label = this.list.contains(focused) ? focused.getAttribute("aria-label") : null;
    this.list.replaceChildren(...jobs.map((job) => this.card(job)));
    if (label) {
      const again = this.list.querySelector(`button[aria-label="${CSS.escape(label)}"]`);
      if (again) again.focus();
    }
    this.renderNotices(jobs.filter((job) => this.waitingHere(job)));
  }

  title(job) {
    return job.kind === "guidance" ? "Guidance" : words(job.category);
  }

  eta(job) {
    if (["requested", "assigned", "to_pickup"].includes(job.status) && job.eta_pickup) {
      return `Collects ${clockTime(job.eta_pickup)} (${fromNow(job.eta_pickup)})`;
    }
    if (job.eta_dropoff && !ENDED.has(job.status) && job.status !== "unloading") {
      return `Arrives ${clockTime(job.eta_dropoff)} (${fromNow(job.eta_dropoff)})`;
    }
    return "";
  }

  card(job) {
    const route = `${this.placeName(job.pickup)} → ${this.placeName(job.dropoff)}`;
    const error = el("p", { class: "error", role: "alert" }, this.errors.get(job.id) || "");
    const actions = el("div", { class: "actions" });
    if (!ENDED.has(job.status)) actions.append(this.cancelButton(job, route));
    const waiting = ["loading", "unloading", "returning"].includes(job.status);
    const mark = this.waitingHere(job) ? " here" : waiting ? " waiting" : "";
    return el("li", { class: `job status-${job.status}${mark}`, "data-job-id": job.id,
      "data-status": job.status },
      el("div", { class: "job-head" },
        el("strong", {}, this.title(job)),
        el("span", { class: `prio prio-${job.priority}` }, job.priority === "stat" ? "STAT" : words(job.priority)),
        job.secure ? el("span", { class: "tag" }, "Secure") : null,
        el("span", { class: "time" }, `Requested ${clockTime(job.created_at)}`)),
      el("div", { class: "route" }, route),
      el("div", { class: "status-line" },
        el("span", { class: "status" }, this.statusText(job)),
        job.robot_id ? el("span", { class: "robot" }, `Robot ${job.robot_id}`) : null,
        el("span", { class: "eta" }, this.eta(job))),
      job.note ? el("div", { class: "note" }, `Note: ${job.note}`) : null,
      actions, error);
  }

  statusText(job) {
    const text = STATUS_WORDS[job.status] || words(job.status);
    const where = { loading: job.pickup, unloading: job.dropoff }[job.status];
    if (where) return `${text} at ${this.placeName(where)}`;
    return ENDED.has(job.status) && job.updated_at ? `${text} ${clockTime(job.updated_at)}` : text;
  }

  cancelButton(job, route) {
    // Two taps: a brush of the screen must not cancel a STAT delivery. The armed
    // state lives here, not in the button, because live updates re-draw cards.
    const armed = (this.armed.get(job.id) || 0) > Date.now();
    const button = el("button", { type: "button", class: armed ? "danger" : "secondary",
      "aria-label": `Cancel ${this.title(job)} ${route}` },
    armed ? "Tap again to cancel" : "Cancel");
    button.addEventListener("click", async () => {
      if ((this.armed.get(job.id) || 0) <= Date.now()) {
        this.armed.set(job.id, Date.now() + 5000);
        setTimeout(() => this.render(), 5100);
        this.render();
        return;
      }
      this.armed.delete(job.id);
      this.errors.delete(job.id);
      button.disabled = true;
      try {
        this.upsert(await this.session.post(`/api/v1/requests/${job.id}/cancel`, {
          reason: "cancelled by the ward" }));
      } catch (failure) {
        this.errors.set(job.id, failure.message);
        if (failure.status === 409 || failure.status === 404) this.reload();
        else this.render();
      }
    });
    return button;
  }

  // Where the robot of `job` waits for someone, if that is one of our places.
  waitingHere(job) {
    const place = { loading: job.pickup, unloading: job.dropoff, returning: job.pickup }[job.status];
    return Boolean(place && this.me.places.includes(place));
  }

  renderNotices(waiting) {
    const wanted = new Map(waiting.map((job) => [`${job.id}:${job.status}`, job]));
    for (const node of [...this.notices.children]) {
      if (!wanted.has(node.dataset.key)) node.remove();
    }
    const present = new Set([...this.notices.children].map((node) => node.dataset.key));
    for (const [key, job] of wanted) {
      // Kept as they are while the job waits: a PIN being typed is not wiped.
      if (!present.has(key)) this.notices.append(this.notice(key, job));
    }
  }

  notice(key, job) {
    const robot = job.robot_id ? `Robot ${job.robot_id}` : "A robot";
    const what = this.title(job);
    const texts = {
      loading: [`${robot} is waiting at ${this.placeName(job.pickup)} to be loaded`,
        `${what} to ${this.placeName(job.dropoff)}.`, "Loaded, send it"],
      unloading: [`${robot} has arrived at ${this.placeName(job.dropoff)}`,
        `${what} from ${this.placeName(job.pickup)}${job.recipient ? ` for ${job.recipient}` : ""}.`,
        "Confirm hand-off"],
      returning: [`${robot} is bringing items back to ${this.placeName(job.pickup)}`,
        `${what} could not be delivered to ${this.placeName(job.dropoff)}.`, "Items taken back"],
    }[job.status];
    const needsPin = job.status === "unloading" && job.secure;
    const error = el("p", { class: "error", role: "alert", id: `pin-error-${job.id}` });
    const pin = needsPin ? el("input", { type: "password", inputmode: "numeric",
      autocomplete: "off", maxlength: "12", id: `pin-${job.id}`, name: "pin",
      "aria-describedby": `pin-error-${job.id}` }) : null;
    const button = el("button", { type: "submit" }, texts[2]);
    const form = el("form", { class: "confirm" },
      needsPin ? el("label", { for: `pin-${job.id}` }, "Recipient's PIN") : null, pin, button);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.confirm(job, pin, button, error);
    });
    return el("div", { class: "notice", role: "alert", "data-key": key, "data-job-id": job.id },
      el("p", { class: "notice-title" }, texts[0]), el("p", {}, texts[1]),
      needsPin ? el("p", { class: "hint" }, "Secure delivery: the recipient enters their PIN.") : null,
      form, error);
  }

  async confirm(job, pin, button, error) {
    error.textContent = "";
    if (pin && !/^[0-9]{4,12}$/.test(pin.value.trim())) {
      error.textContent = "The PIN must be 4 to 12 digits.";
      pin.setAttribute("aria-invalid", "true");
      pin.focus();
      return;
    }
    button.disabled = true;
    try {
      const body = pin ? { pin: pin.value.trim() } : {};
      this.upsert(await this.session.post(`/api/v1/requests/${job.id}/handoff`, body));
    } catch (failure) {
      const fields = failure.fieldErrors ? failure.fieldErrors() : {};
      error.textContent = fields.pin || failure.message;
      button.disabled = false;
      if (pin) {
        pin.value = "";
        pin.setAttribute("aria-invalid", "true");
        pin.focus();
      }
      if (failure.status === 409) this.reload();
    }
  }
}

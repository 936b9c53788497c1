// What both pages share: the token, calls to the API, errors in plain words,
// the live-event WebSocket, and a few small formatting helpers.

export class ApiError extends Error {
  constructor(status, detail, message) {
    super(message);
    this.status = status;
    this.detail = detail; // [{loc: [...], msg, type}]
  }
  // {field: message} from a 422 (and a 403 about the PIN), for the form.
  fieldErrors() {
    const fields = {};
    for (const item of this.detail || []) {
      const loc = item.loc || [];
      const field = loc.length > 1 ? String(loc[loc.length - 1]) : null;
      if (field && !(field in fields)) fields[field] = plainFieldMessage(field, item);
    }
    return fields;
  }
}

const FIELD_WORDS = {
  pin: "The PIN must be 4 to 12 digits.",
  compartments: "Choose between 1 and 16 compartments.",
  pickup: "Choose where the robot collects from.",
  dropoff: "Choose where the robot takes it.",
  category: "Choose what is being sent.",
  note: "The note is too long (500 characters at most).",
  recipient: "The recipient's name is too long.",
};

function plainFieldMessage(field, item) {
  if (item.type === "invalid_request") return capitalise(item.msg);
  if (item.type === "handoff_locked") return "Too many wrong PINs: the hand-off is locked. Call the operations desk.";
  if (item.type === "forbidden" && field === "pin") return "Wrong PIN. Please try again.";
  return FIELD_WORDS[field] || capitalise(item.msg || "Please check this field.");
}

// One sentence a nurse understands for any failed call.
export function plainMessage(status, detail) {
  const first = (detail && detail[0]) || {};
  if (status === 0) return "The system cannot be reached. Check the network and try again.";
  if (status === 401) return "Your sign-in is no longer valid. Please sign in again.";
  if (first.type === "handoff_locked") return "Too many wrong PINs: the hand-off is locked. Call the operations desk.";
  if (status === 403 && (first.loc || []).includes("pin")) return "Wrong PIN. Please try again.";
  if (status === 403) return "This request is for another ward.";
  if (status === 404) return "This request no longer exists.";
  if (status === 409) return "This has already changed (the robot may have moved on). The list is up to date now.";
  if (status === 422) return "Some details need checking: see the marked fields.";
  if (status === 503) return "The system is busy, your request was not sent, try again.";
  return "Something went wrong, your request was not sent. Try again or call the operations desk.";
}

export function capitalise(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

export class Session {
  constructor(key) {
    this.key = key;
  }
  get token() {
    return sessionStorage.getItem(this.key);
  }
  set token(value) {
    if (value) sessionStorage.setItem(this.key, value);
    else sessionStorage.removeItem(this.key);
  }

  async call(method, path, body, headers = {}) {
    const init = {
      method,
      headers: { Authorization: `Bearer ${this.token}`, ...headers },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, [], plainMessage(0, []));
    }
    if (response.ok) return response.json();
    let detail = [];
    try {
      detail = (await response.json()).detail || [];
    } catch (error) {
      detail = [];
    }
    if (!Array.isArray(detail)) detail = [{ loc: [], msg: String(detail), type: "" }];
    throw new ApiError(response.status, detail, plainMessage(response.status, detail));
  }
  get(path) {
    return this.call("GET", path);
  }
  post(path, body, headers) {
    return this.call("POST", path, body ?? {}, headers);
  }
}

// The live-event stream: reconnects with back-off; `onOpen` lets the page re-read
// the state over REST (events missed while disconnected are not replayed).
export class LiveEvents {
  constructor(session, onEvent, onStatus) {
    this.session = session;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.delay = 500;
    this.closed = false;
  }
  start(onOpen) {
    this.onOpen = onOpen;
    this.connect();
  }
  connect() {
    if (this.closed) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const token = encodeURIComponent(this.session.token || "");
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/events?token=${token}`);
    this.socket = socket;
    socket.onopen = () => {
      this.delay = 500;
      this.onStatus(true);
      if (this.onOpen) this.onOpen();
    };
    socket.onmessage = (message) => {
      try {
        this.onEvent(JSON.parse(message.data));
      } catch (error) {
        console.error("live event", error);
      }
    };
    socket.onclose = () => {
      this.onStatus(false);
      if (this.closed) return;
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 10000);
    };
  }
  stop() {
    this.closed = true;
    if (this.socket) this.socket.close();
  }
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const STATUS_WORDS = {
  requested: "Waiting for a robot",
  assigned: "Robot assigned",
  to_pickup: "Robot on its way to collect",
  loading: "Robot waiting to be loaded",
  to_dropoff: "On its way",
  unloading: "Robot waiting for hand-off",
  returning: "Coming back to the sender",
  recovery: "Held: the operations desk is on it",
  completed: "Delivered",
  cancelled: "Cancelled",
  failed: "Failed",
};
export const ENDED = new Set(["completed", "cancelled", "failed"]);

export function clockTime(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// "in 4 min", "now", or "" for no ETA.
export function fromNow(iso, now = Date.now()) {
  if (!iso) return "";
  const minutes = Math.round((new Date(iso).getTime() - now) / 60000);
  if (minutes <= 0) return "now";
  return `in ${minutes} min`;
}

export function words(id) {
  return capitalise(String(id || "").replaceAll("_", " "));
}

// A place's name for people: its own name, or its id in words ("Charger 1").
export function placeLabel(place) {
  return place.name && place.name !== place.id ? place.name : words(place.id);
}

export function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// The sign-in form shared by both pages: checks the token with /web/me.
export function signIn({ session, form, input, error, onSignedIn, accept }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    session.token = input.value.trim();
    try {
      const me = await session.get("/api/v1/web/me");
      const refusal = accept(me);
      if (refusal) {
        session.token = null;
        error.textContent = refusal;
        input.focus();
        return;
      }
      input.value = "";
      await onSignedIn(me);
    } catch (failure) {
      session.token = null;
      document.getElementById("app").hidden = true; // half started: back to sign-in
      form.closest("section").hidden = false;
      error.textContent = failure.status === 401
        ? "This token is not valid. Check it and try again."
        : failure.message;
      input.focus();
    }
  });
}

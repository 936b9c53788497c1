// The floor plan of one level as SVG, in metres of the building frame (y up),
// drawn from /api/v1/web/levels/{level}/drawing; robots are moved in place.

const NS = "http://www.w3.org/2000/svg";
const PAD = 4;
const ZONE_FILL = { clean: "#dcebfa", quiet: "#ece3f7", restricted: "#fbe0dc" };
const STATE_FILL = {
  idle: "#1f6f3a", busy: "#0b5cad", charging: "#8a5a00", paused: "#8a5a00",
  offline: "#b3261e", error: "#b3261e", out_of_service: "#5d6470",
};

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function titled(node, text) {
  node.append(svg("title", {}, text));
  return node;
}

export class FloorPlan {
  constructor(root, words) {
    this.root = root;
    this.words = words;
    this.drawing = null;
    this.robotLayer = null;
    this.markers = new Map();
  }

  // Building frame (y up) to SVG (y down).
  at([x, y]) {
    const [, minY, , maxY] = this.drawing.bounds;
    return [x, maxY + minY - y];
  }

  draw(drawing) {
    this.drawing = drawing;
    const [minX, minY, maxX, maxY] = drawing.bounds;
    const width = maxX - minX + 2 * PAD;
    const height = maxY - minY + 2 * PAD;
    this.unit = Math.max(width, height) / 100; // text and marks scale with the map
    this.root.setAttribute("viewBox", `${minX - PAD} ${minY - PAD} ${width} ${height}`);
    this.root.dataset.level = drawing.level;
    this.root.querySelector("title").textContent =
      `Floor plan of ${drawing.level_name}: robots, lifts, doors and zones`;
    for (const node of [...this.root.children]) if (node.tagName !== "title") node.remove();
    this.root.append(this.defs(), this.zones(), this.lanes(), this.doorLayer(),
      this.places(), this.liftLayer());
    this.declutter();
    this.robotLayer = svg("g", { class: "robots" });
    this.root.append(this.robotLayer);
    this.markers.clear();
  }

  // Place names that would overlap an earlier one move below their mark, or,
  // if that overlaps too, stay in the tooltip only.
  declutter() {
    const taken = [];
    const clashes = (box) => taken.some((other) => box.x < other.x + other.width &&
      other.x < box.x + box.width && box.y < other.y + other.height && other.y < box.y + box.height);
    for (const text of this.root.querySelectorAll(".places text")) {
      let box = text.getBBox();
      if (clashes(box)) {
        text.setAttribute("y", String(Number(text.getAttribute("y")) + 3.9 * this.unit));
        box = text.getBBox();
      }
      if (clashes(box)) text.remove();
      else taken.push(box);
    }
  }

  defs() {
    const u = this.unit;
    const defs = svg("defs");
    const marker = svg("marker", { id: "one-way", viewBox: "0 0 10 10", refX: "5", refY: "5",
      markerWidth: String(4 * u), markerHeight: String(4 * u), markerUnits: "userSpaceOnUse",
      orient: "auto" });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#4a5260" }));
    defs.append(marker);
    return defs;
  }

  zones() {
    const group = svg("g", { class: "zones" });
    for (const zone of this.drawing.zones) {
      const points = zone.polygon.map((p) => this.at(p).join(",")).join(" ");
      group.append(titled(svg("polygon", { points, fill: ZONE_FILL[zone.kind] || "#eee",
        stroke: "#8894a3", "stroke-width": String(0.15 * this.unit),
        "stroke-dasharray": `${this.unit} ${0.6 * this.unit}`, "data-zone": zone.id }),
        `${zone.label}: ${zone.rule}`));
      // The rule, written small in the zone's lower left corner.
      const corners = zone.polygon.map((p) => this.at(p));
      const x = Math.min(...corners.map(([cx]) => cx)) + 0.6 * this.unit;
      const y = Math.max(...corners.map(([, cy]) => cy)) - 0.6 * this.unit;
      group.append(svg("text", { x, y, "font-size": String(1.3 * this.unit), fill: "#3d4450",
        "font-style": "italic", class: "zone-rule" }, `${zone.label}: ${zone.rule}`));
    }
    return group;
  }

  lanes() {
    const group = svg("g", { class: "lanes", stroke: "#9aa4b1", "stroke-linecap": "round" });
    for (const lane of this.drawing.lanes) {
      const [x1, y1] = this.at(lane.start);
      const [x2, y2] = this.at(lane.end);
      const line = svg("line", { x1, y1, x2, y2, "stroke-width": String(Math.max(lane.width_m * 0.35, 0.5)) });
      group.append(line);
      if (lane.one_way) {
        // The arrow sits mid-lane, pointing the way robots may drive.
        const mx = (x1 + x2) / 2, my = (y1 + y2) / 2;
        group.append(svg("line", { x1: mx - (x2 - x1) * 0.01, y1: my - (y2 - y1) * 0.01,
          x2: mx, y2: my, "marker-end": "url(#one-way)", stroke: "none" }));
      }
    }
    return group;
  }

  places() {
    const group = svg("g", { class: "places" });
    const u = this.unit;
    const hidden = new Set(["holding_point"]);
    for (const place of this.drawing.places) {
      if (hidden.has(place.kind)) continue;
      const [x, y] = this.at(place.position);
      const mark = svg("g", { "data-place": place.id });
      const charger = place.kind === "charger";
      mark.append(svg("circle", { cx: x, cy: y, r: String((charger ? 0.7 : 0.9) * u),
        fill: charger ? "#fff" : "#123456", stroke: "#123456", "stroke-width": String(0.25 * u) }));
      // Chargers are many and close together: their names go in the tooltip only.
      if (!charger) mark.append(svg("text", { x, y: y - 1.5 * u, "text-anchor": "middle",
        "font-size": String(1.6 * u), fill: "#1b1f24", "paint-order": "stroke",
        stroke: "#fff", "stroke-width": String(0.5 * u) }, place.label));
      group.append(titled(mark, `${place.label} (${this.words(place.kind)})`));
    }
    return group;
  }

  liftLayer() {
    this.lifts = new Map();
    const group = svg("g", { class: "lifts" });
    const u = this.unit;
    for (const lift of this.drawing.lifts) {
      const [x, y] = this.at(lift.position);
      const box = svg("rect", { x: x - 1.6 * u, y: y - 1.6 * u, width: 3.2 * u, height: 3.2 * u,
        rx: 0.4 * u, fill: lift.in_service ? "#444" : "#b3261e" });
      const label = svg("text", { x, y: y + 0.7 * u, "text-anchor": "middle",
        "font-size": String(1.8 * u), fill: "#fff", "font-weight": "700" }, "L");
      const mark = titled(svg("g", { "data-lift": lift.id }), lift.label);
      mark.append(box, label);
      this.lifts.set(lift.id, { mark, box, label, lift });
      group.append(mark);
    }
    return group;
  }

  doorLayer() {
    this.doors = new Map();
    const group = svg("g", { class: "doors" });
    const u = this.unit;
    for (const door of this.drawing.doors) {
      const [ax, ay] = this.at(door.start);
      const [bx, by] = this.at(door.end);
      const [x, y] = this.at(door.position);
      const length = Math.hypot(bx - ax, by - ay) || 1;
      // A bar across the lane at its middle.
      const nx = (-(by - ay) / length) * 1.6 * u, ny = ((bx - ax) / length) * 1.6 * u;
      const bar = svg("line", { x1: x - nx, y1: y - ny, x2: x + nx, y2: y + ny,
        stroke: "#1b1f24", "stroke-width": String(0.6 * u), "stroke-linecap": "round" });
      this.doors.set(door.id, { bar, door });
      group.append(titled(svg("g", { "data-door": door.id }), door.label));
      group.lastChild.append(bar);
    }
    return group;
  }

  // Lift and door states from /api/v1/web/facilities.
  facilities({ lifts, doors }) {
    if (!this.drawing) return;
    for (const lift of lifts) {
      const drawn = this.lifts.get(lift.id);
      if (!drawn) continue;
      const down = !lift.in_service || ["fire", "emergency", "offline"].includes(lift.mode);
      drawn.box.setAttribute("fill", down ? "#b3261e" : "#444");
      drawn.label.textContent = lift.mode === "fire" ? "F" : "L";
      drawn.mark.querySelector("title").textContent =
        `${lift.name}: ${lift.mode ? this.words(lift.mode) : "no report"}` +
        (lift.level ? `, car at ${lift.level}` : "");
    }
    for (const door of doors) {
      const drawn = this.doors.get(door.id);
      if (!drawn) continue;
      const colour = door.available === false ? "#b3261e" : door.open ? "#1f6f3a" : "#1b1f24";
      drawn.bar.setAttribute("stroke", colour);
      drawn.bar.setAttribute("stroke-dasharray", door.open ? `${0.6 * this.unit} ${0.6 * this.unit}` : "none");
    }
  }

  // Robots standing on one spot (a pickup, a charger bank) are fanned out
  // side by side so each stays visible and clickable.
  spread() {
    const spots = new Map();
    for (const [id, marker] of [...this.markers].sort(([a], [b]) => a.localeCompare(b))) {
      const [x, y] = this.at([Number(marker.dataset.x), Number(marker.dataset.y)]);
      const key = `${Math.round(x)},${Math.round(y)}`;
      if (!spots.has(key)) spots.set(key, []);
      spots.get(key).push({ id, marker, x, y });
    }
    const step = 6 * this.unit; // room for the name to the right of each
    for (const group of spots.values()) {
      group.forEach(({ marker, x, y }, index) => {
        const dx = (index - (group.length - 1) / 2) * step;
        marker.style.transform = `translate(${x + dx}px, ${y}px)`;
      });
    }
  }

  highlight(robotId) {
    const marker = this.markers.get(robotId);
    if (!marker) return;
    const ring = marker.querySelector("circle");
    ring.setAttribute("stroke", "#ffbf47");
    ring.setAttribute("stroke-width", String(0.9 * this.unit));
    marker.classList.add("highlight");
    setTimeout(() => {
      ring.setAttribute("stroke", "#fff");
      ring.setAttribute("stroke-width", String(0.35 * this.unit));
      marker.classList.remove("highlight");
    }, 4000);
  }

  // Place, move or remove the marker of `robot` (a RobotOut).
  robot(robot) {
    if (!this.drawing) return;
    let marker = this.markers.get(robot.id);
    if (robot.level !== this.drawing.level) {
      if (marker) marker.remove();
      this.markers.delete(robot.id);
      return;
    }
    const u = this.unit;
    if (!marker) {
      // Not a tab stop: the robots table carries the same facts for the keyboard.
      marker = svg("g", { class: "robot", "data-robot-id": robot.id });
      marker.append(svg("title"), svg("circle", { r: String(1.5 * u), stroke: "#fff",
        "stroke-width": String(0.35 * u) }),
      // The name to the right: above would cover the name of the place it is at.
      svg("text", { x: String(1.9 * u), y: String(0.6 * u), "text-anchor": "start",
        "font-size": String(1.8 * u),
        "font-weight": "700", fill: "#1b1f24", "paint-order": "stroke", stroke: "#fff",
        "stroke-width": String(0.5 * u) }),
      svg("rect", { class: "battery-bg", x: String(-1.5 * u), y: String(1.9 * u),
        width: String(3 * u), height: String(0.7 * u), fill: "#fff", stroke: "#1b1f24",
        "stroke-width": String(0.12 * u) }),
      svg("rect", { class: "battery-fill", x: String(-1.5 * u), y: String(1.9 * u),
        height: String(0.7 * u) }));
      this.robotLayer.append(marker);
      this.markers.set(robot.id, marker);
    }
    marker.dataset.x = String(robot.x);
    marker.dataset.y = String(robot.y);
    // One layout pass for a burst of updates (hundreds of robots report often).
    if (!this.spreading) {
      this.spreading = setTimeout(() => {
        this.spreading = null;
        this.spread();
      }, 50);
    }
    marker.dataset.state = robot.state;
    marker.querySelector("circle").setAttribute("fill", STATE_FILL[robot.state] || "#5d6470");
    marker.querySelector("text").textContent = robot.id.replace(/^porter-/, "P");
    const soc = Math.max(0, Math.min(1, robot.battery_soc));
    const fill = marker.querySelector(".battery-fill");
    fill.setAttribute("width", String(3 * u * soc));
    fill.setAttribute("fill", soc < 0.2 ? "#b3261e" : "#1f6f3a");
    marker.querySelector("title").textContent =
      `${robot.id}: ${this.words(robot.state)}, battery ${Math.round(soc * 100)}%`;
  }
}

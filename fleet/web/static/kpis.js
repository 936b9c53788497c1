// Today's figures and the lead-time chart (an SVG histogram, minutes).
const NS = "http://www.w3.org/2000/svg";
const PRIORITY_FILL = { stat: "#b3261e", urgent: "#8a5a00", routine: "#0b5cad" };

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function minutes(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  return seconds < 90 ? `${Math.round(seconds)} s` : `${(seconds / 60).toFixed(1)} min`;
}

export function showKpis(kpis) {
  const $ = (id) => document.getElementById(id);
  $("kpi-deliveries").textContent = String(kpis.deliveries);
  $("kpi-on-time").textContent =
    kpis.on_time_rate === null ? "–" : `${Math.round(kpis.on_time_rate * 100)}%`;
  $("kpi-on-time-label").textContent = kpis.with_due
    ? `On time (${kpis.with_due} with a deadline)` : "On time (no deadlines yet)";
  $("kpi-stat").textContent = minutes(kpis.stat_p95_s);
  $("kpi-open").textContent = String(kpis.open);
  leadChart($("lead-chart"), kpis);
}

// Stacked histogram of lead times by priority, with the p95 marked.
export function leadChart(root, kpis) {
  // Drawn in the element's own pixels, so text is never stretched.
  const width = root.clientWidth || 400, height = root.clientHeight || 90;
  const left = 4, bottom = 16, top = 4;
  root.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const desc = root.querySelector("desc");
  for (const node of [...root.children]) if (node !== desc) node.remove();
  const leads = kpis.lead_times || [];
  if (!leads.length) {
    desc.textContent = "No completed jobs yet.";
    root.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle",
      "font-size": 13, fill: "#4a5260" }, "No completed jobs yet"));
    return;
  }
  const values = leads.map((item) => item.lead_s / 60);
  const top95 = (kpis.lead_p95_s || Math.max(...values) * 60) / 60;
  const span = Math.max(1, Math.ceil(Math.max(...values, top95)));
  const bins = 12;
  const size = span / bins;
  const counts = Array.from({ length: bins }, () => ({ stat: 0, urgent: 0, routine: 0 }));
  for (const item of leads) {
    const bin = Math.min(bins - 1, Math.floor(item.lead_s / 60 / size));
    counts[bin][item.priority] += 1;
  }
  const highest = Math.max(...counts.map((c) => c.stat + c.urgent + c.routine), 1);
  const barWidth = (width - left) / bins;
  const scale = (height - bottom - top) / highest;
  counts.forEach((count, bin) => {
    let y = height - bottom;
    for (const priority of ["routine", "urgent", "stat"]) {
      const h = count[priority] * scale;
      if (!h) continue;
      y -= h;
      root.append(svg("rect", { x: left + bin * barWidth + 1, y, width: barWidth - 2, height: h,
        fill: PRIORITY_FILL[priority] }));
    }
  });
  const p95x = left + (top95 / span) * (width - left);
  root.append(svg("line", { x1: p95x, x2: p95x, y1: top, y2: height - bottom, stroke: "#1b1f24",
    "stroke-dasharray": "4 3", "stroke-width": 1.5 }));
  root.append(svg("line", { x1: left, x2: width, y1: height - bottom, y2: height - bottom,
    stroke: "#4a5260" }));
  for (const tick of [0, span / 2, span]) {
    const x = left + (tick / span) * (width - left);
    root.append(svg("text", { x: Math.min(Math.max(x, 8), width - 24), y: height - 3,
      "font-size": 11, fill: "#4a5260", "text-anchor": "middle" },
    `${tick.toFixed(tick < 10 ? 1 : 0)}${tick === span ? " min" : ""}`));
  }
  desc.textContent = `${leads.length} completed jobs; median ${minutes(kpis.lead_p50_s)}, ` +
    `95th percentile ${minutes(kpis.lead_p95_s)}.`;
}

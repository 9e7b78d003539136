/**
 * The browser side of the report's space-time diagram: plain JavaScript that
 * reads the LamportDiagram JSON in `#lamport-data` and draws it as SVG in
 * `#lamport`, redrawing only what the time window shows, so a long run stays
 * responsive. Wheel zooms around the pointer, dragging pans, the toolbar sets a
 * window and filters message kinds; every element has a <title> for hovering.
 * Text is set with textContent only, so nothing from the scenario becomes markup.
 */
export const LAMPORT_SCRIPT = String.raw`
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("lamport-data").textContent);
  var root = document.getElementById("lamport");
  var svg = document.getElementById("lamport-svg");
  var status = document.getElementById("lamport-status");
  var NS = "http://www.w3.org/2000/svg";
  var LANE_H = 56, LEFT = 110, TOP = 44, RIGHT = 24, MAX_ARROWS = 6000;
  var PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#e45756", "#72b7b2", "#bab0ac", "#eeca3b", "#ff9da6"];
  var kindColor = {};
  data.kinds.forEach(function (k, i) { kindColor[k.kind] = PALETTE[i % PALETTE.length]; });
  var span0 = data.end > data.start ? data.end - data.start : 1;
  var full = { t0: data.start, t1: data.start + span0 };
  var view = { t0: full.t0, t1: full.t1 };
  var hidden = {};
  var show = { calls: true, dropped: true, commits: true, suspicions: true };
  var height = TOP + data.lanes.length * LANE_H + 24;

  function width() { return Math.max(480, Math.floor(root.clientWidth || 960)); }
  function x(t) { return LEFT + ((t - view.t0) / (view.t1 - view.t0)) * (width() - LEFT - RIGHT); }
  function tAt(px) { return view.t0 + ((px - LEFT) / (width() - LEFT - RIGHT)) * (view.t1 - view.t0); }
  function y(lane) { return TOP + lane * LANE_H + LANE_H / 2; }
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function titled(g, text) { el("title", {}, g, text); return g; }
  function visible(a, b) { return Math.max(a, b) >= view.t0 && Math.min(a, b) <= view.t1; }
  function fmt(t) { return String(Number(t.toPrecision(6))); }
  function niceStep(span) {
    var raw = span / 10, p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
  }

  var MARKS = {
    crash: function (g, cx, cy) {
      el("path", { d: "M" + (cx - 7) + " " + (cy - 7) + "L" + (cx + 7) + " " + (cy + 7) + "M" + (cx + 7) + " " + (cy - 7) + "L" + (cx - 7) + " " + (cy + 7), stroke: "#d62728", "stroke-width": 3.5 }, g);
    },
    recover: function (g, cx, cy) { el("path", { d: "M" + cx + " " + (cy - 8) + "L" + (cx + 7) + " " + (cy + 5) + "L" + (cx - 7) + " " + (cy + 5) + "Z", fill: "#2ca02c" }, g); },
    candidate: function (g, cx, cy) { el("circle", { cx: cx, cy: cy, r: 5, fill: "white", stroke: "#ff7f0e", "stroke-width": 2 }, g); },
    leader: function (g, cx, cy) { el("path", { d: "M" + cx + " " + (cy - 8) + "L" + (cx + 7) + " " + cy + "L" + cx + " " + (cy + 8) + "L" + (cx - 7) + " " + cy + "Z", fill: "#e6a700", stroke: "#7a5900" }, g); },
    step_down: function (g, cx, cy) { el("path", { d: "M" + (cx - 6) + " " + (cy - 5) + "L" + (cx + 6) + " " + (cy - 5) + "L" + cx + " " + (cy + 6) + "Z", fill: "#888" }, g); },
    view: function (g, cx, cy) { el("rect", { x: cx - 5, y: cy - 5, width: 10, height: 10, fill: "#9467bd" }, g); },
    commit: function (g, cx, cy) { el("line", { x1: cx, x2: cx, y1: cy - 9, y2: cy + 1, stroke: "#1f4e9c", "stroke-width": 2 }, g); },
    decide: function (g, cx, cy) { el("path", { d: "M" + cx + " " + (cy - 6) + "L" + (cx + 5) + " " + cy + "L" + cx + " " + (cy + 6) + "L" + (cx - 5) + " " + cy + "Z", fill: "#1f4e9c" }, g); },
    suspect: function (g, cx, cy) { el("text", { x: cx, y: cy - 4, "text-anchor": "middle", fill: "#c2185b", "font-weight": "bold", "font-size": 14 }, g, "?"); },
    trust: function (g, cx, cy) { el("circle", { cx: cx, cy: cy - 8, r: 3, fill: "#c2185b" }, g); },
    retry: function (g, cx, cy) { el("circle", { cx: cx, cy: cy + 8, r: 3, fill: "#ff7f0e" }, g); },
    reject: function (g, cx, cy) { el("rect", { x: cx - 3, y: cy - 3, width: 6, height: 6, fill: "#d62728" }, g); }
  };
  var LABEL_COLOR = { crash: "#d62728", recover: "#2ca02c", leader: "#7a5900", candidate: "#b35900", view: "#6a3d9a", step_down: "#555", suspect: "#c2185b", trust: "#c2185b", commit: "#1f4e9c", decide: "#1f4e9c" };
  var ALWAYS_LABELLED = { crash: 1, recover: 1, leader: 1, candidate: 1, view: 1, step_down: 1 };

  function render() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var w = width();
    svg.setAttribute("width", w);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", "0 0 " + w + " " + height);
    svg.setAttribute("data-t0", view.t0);
    svg.setAttribute("data-t1", view.t1);
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "lamport-head", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0 0L10 5L0 10Z", fill: "#333" }, marker);
    var hatch = el("pattern", { id: "lamport-hatch", width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
    el("rect", { width: 8, height: 8, fill: "#fdecea" }, hatch);
    el("line", { x1: 0, y1: 0, x2: 0, y2: 8, stroke: "#f4b6ae", "stroke-width": 3 }, hatch);
    var clip = el("clipPath", { id: "lamport-clip" }, defs);
    el("rect", { x: LEFT, y: 0, width: w - LEFT - RIGHT + 12, height: height }, clip);

    // Time axis.
    var axis = el("g", { class: "axis" }, svg);
    var step = niceStep(view.t1 - view.t0);
    for (var t = Math.ceil(view.t0 / step) * step; t <= view.t1 + 1e-9; t += step) {
      var tx = x(t);
      el("line", { x1: tx, x2: tx, y1: TOP - 14, y2: height - 20, stroke: "#eee" }, axis);
      el("text", { x: tx, y: TOP - 18, "text-anchor": "middle", "font-size": 11, fill: "#555" }, axis, fmt(t) + " s");
    }
    var plot = el("g", { "clip-path": "url(#lamport-clip)" }, svg);

    data.partitions.forEach(function (p) {
      if (!visible(p.start, p.end)) return;
      var g = titled(el("g", { class: "partition" }, plot), p.summary);
      el("rect", { x: x(p.start), y: TOP - 8, width: Math.max(1, x(p.end) - x(p.start)), height: data.lanes.length * LANE_H + 8, fill: "url(#lamport-hatch)", opacity: 0.8 }, g);
      el("text", { x: Math.max(x(p.start), LEFT) + 4, y: TOP + 2, "font-size": 11, fill: "#b03a2e" }, g, "partition");
    });
    data.terms.forEach(function (s) {
      if (!visible(s.start, s.end)) return;
      var g = titled(el("g", { class: "term" }, plot), data.lanes[s.lane] + ": " + s.label + " from " + fmt(s.start) + " s to " + fmt(s.end) + " s");
      el("rect", { x: x(s.start), y: y(s.lane) - LANE_H / 2 + 3, width: Math.max(1, x(s.end) - x(s.start)), height: LANE_H - 6, fill: "#fff4cc" }, g);
    });
    data.lanes.forEach(function (name, i) {
      el("line", { x1: LEFT, x2: w - RIGHT, y1: y(i), y2: y(i), stroke: "#999" }, svg);
      el("text", { x: LEFT - 8, y: y(i) + 4, "text-anchor": "end", "font-size": 12, "font-weight": "bold", class: "lane-label" }, svg, name);
    });
    if (show.calls) {
      var calls = el("g", { class: "calls" }, plot);
      data.bars.forEach(function (b) {
        if (!visible(b.start, b.end)) return;
        var fill = b.outcome === "ok" ? (b.straggler ? "#f2a65a" : "#8fbf7f") : b.outcome === "failed" ? "#e57373" : "#c8c8c8";
        var g = titled(el("g", { class: "call " + b.outcome }, calls), b.summary);
        el("rect", { x: x(b.start), y: y(b.lane) + 3, width: Math.max(1.5, x(b.end) - x(b.start)), height: 9, fill: fill, stroke: "#557a4a", "stroke-width": 0.5 }, g);
      });
    }
    var arrows = el("g", { class: "messages" }, plot);
    var drawn = 0, inView = 0;
    for (var i = 0; i < data.arrows.length; i++) {
      var a = data.arrows[i];
      if (hidden[a.kind] || (!show.dropped && a.fate === "dropped") || !visible(a.sent, a.at)) continue;
      inView++;
      if (drawn >= MAX_ARROWS) continue;
      drawn++;
      var g = titled(el("g", { class: "message " + a.fate + (a.heldAt !== undefined ? " held" : ""), "data-kind": a.kind }, arrows), a.summary);
      var color = a.fate === "dropped" ? "#d62728" : kindColor[a.kind] || "#333";
      var x1 = x(a.sent), y1 = y(a.from), x2 = x(a.at), y2 = y(a.to);
      if (a.from === a.to) y2 = y1 - 0.001;
      var attrs = { x1: x1, y1: y1, x2: x2, y2: y2, stroke: color, "stroke-width": 1.2, opacity: 0.8 };
      if (a.fate === "delivered") attrs["marker-end"] = "url(#lamport-head)";
      if (a.fate !== "delivered") attrs["stroke-dasharray"] = "4 3";
      el("line", attrs, g);
      // A wide transparent twin makes thin arrows easy to hover.
      el("line", { x1: x1, y1: y1, x2: x2, y2: y2, stroke: "transparent", "stroke-width": 6 }, g);
      if (a.fate === "dropped") {
        el("path", { d: "M" + (x2 - 4) + " " + (y2 - 4) + "L" + (x2 + 4) + " " + (y2 + 4) + "M" + (x2 + 4) + " " + (y2 - 4) + "L" + (x2 - 4) + " " + (y2 + 4), stroke: "#d62728", "stroke-width": 2 }, g);
      }
      if (a.heldAt !== undefined) {
        var f = a.at > a.sent ? (a.heldAt - a.sent) / (a.at - a.sent) : 0;
        el("circle", { cx: x1 + (x2 - x1) * f, cy: y1 + (y2 - y1) * f, r: 3.5, fill: "#ff7f0e", stroke: "#8a4500" }, g);
      }
    }
    var marksG = el("g", { class: "marks" }, plot);
    var visibleMarks = data.marks.filter(function (m) {
      if (!show.commits && (m.kind === "commit" || m.kind === "decide")) return false;
      if (!show.suspicions && (m.kind === "suspect" || m.kind === "trust")) return false;
      return m.t >= view.t0 && m.t <= view.t1;
    });
    // Minor labels (commits, decisions, suspicions) only where they do not collide.
    var lastLabel = {};
    visibleMarks.forEach(function (m) {
      var g = titled(el("g", { class: "mark " + m.kind }, marksG), m.summary);
      var cx = x(m.t), cy = y(m.lane);
      MARKS[m.kind](g, cx, cy);
      var minor = !ALWAYS_LABELLED[m.kind];
      // Minor labels end where the previous one on the lane ended (about 5.5 px a character).
      var labelled = !minor || lastLabel[m.lane] === undefined || cx + 6 > lastLabel[m.lane] + 4;
      if (m.label && labelled) {
        lastLabel[m.lane] = Math.max(lastLabel[m.lane] || -1e9, cx + 6 + m.label.length * (minor ? 5.5 : 6.5));
        // Candidates label below the lane, so an election's two marks (often close) both read.
        var ly = m.kind === "candidate" || m.kind === "step_down" || m.kind === "recover" ? cy + 24 : m.kind === "leader" || m.kind === "crash" || m.kind === "view" ? cy - 10 : cy - 12;
        el("text", { x: cx + 6, y: ly, "font-size": ALWAYS_LABELLED[m.kind] ? 11 : 9, "font-weight": ALWAYS_LABELLED[m.kind] ? "bold" : "normal", fill: LABEL_COLOR[m.kind] || "#333", class: "mark-label" }, g, m.label);
      }
    });
    status.textContent = "showing " + fmt(view.t0) + " s to " + fmt(view.t1) + " s; " + drawn + " of " + inView + " messages in view drawn" + (drawn < inView ? " (zoom in to see them all)" : "");
    document.getElementById("lamport-from").value = fmt(view.t0);
    document.getElementById("lamport-to").value = fmt(view.t1);
  }

  function setView(t0, t1) {
    var minSpan = 1e-3;
    if (!(t1 - t0 >= minSpan)) { var mid = (t0 + t1) / 2; t0 = mid - minSpan / 2; t1 = mid + minSpan / 2; }
    view = { t0: t0, t1: t1 };
    render();
  }
  function zoom(factor, around) {
    var c = around === undefined ? (view.t0 + view.t1) / 2 : around;
    setView(c - (c - view.t0) * factor, c + (view.t1 - c) * factor);
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var rect = svg.getBoundingClientRect();
    zoom(ev.deltaY > 0 ? 1.25 : 0.8, tAt(ev.clientX - rect.left));
  }, { passive: false });
  var drag = null;
  svg.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, t0: view.t0, t1: view.t1 }; svg.style.cursor = "grabbing"; });
  window.addEventListener("mousemove", function (ev) {
    if (drag === null) return;
    var dt = ((ev.clientX - drag.x) / (width() - LEFT - RIGHT)) * (drag.t1 - drag.t0);
    if (dt !== 0) setView(drag.t0 - dt, drag.t1 - dt);
  });
  window.addEventListener("mouseup", function () { drag = null; svg.style.cursor = "grab"; });
  document.getElementById("lamport-zoom-in").addEventListener("click", function () { zoom(0.5); });
  document.getElementById("lamport-zoom-out").addEventListener("click", function () { zoom(2); });
  document.getElementById("lamport-left").addEventListener("click", function () { var d = (view.t1 - view.t0) / 2; setView(view.t0 - d, view.t1 - d); });
  document.getElementById("lamport-right").addEventListener("click", function () { var d = (view.t1 - view.t0) / 2; setView(view.t0 + d, view.t1 + d); });
  document.getElementById("lamport-fit").addEventListener("click", function () { setView(full.t0, full.t1); });
  document.getElementById("lamport-window").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var a = Number(document.getElementById("lamport-from").value), b = Number(document.getElementById("lamport-to").value);
    if (isFinite(a) && isFinite(b) && b > a) setView(a, b);
  });
  var filters = document.getElementById("lamport-kinds");
  function checkbox(label, checked, onChange, color) {
    var l = document.createElement("label");
    var c = document.createElement("input");
    c.type = "checkbox";
    c.checked = checked;
    c.addEventListener("change", function () { onChange(c.checked); render(); });
    l.appendChild(c);
    if (color) { var s = document.createElement("span"); s.className = "swatch"; s.style.background = color; l.appendChild(s); }
    l.appendChild(document.createTextNode(label));
    filters.appendChild(l);
  }
  checkbox("LLM calls", true, function (v) { show.calls = v; });
  checkbox("dropped", true, function (v) { show.dropped = v; }, "#d62728");
  checkbox("commits/decisions", true, function (v) { show.commits = v; });
  checkbox("suspicions", true, function (v) { show.suspicions = v; });
  data.kinds.forEach(function (k) {
    checkbox(k.kind + " (" + k.count + ")", true, function (v) { if (v) delete hidden[k.kind]; else hidden[k.kind] = true; }, kindColor[k.kind]);
  });
  window.addEventListener("resize", render);
  svg.style.cursor = "grab";
  render();
})();
`;

// The run's design beside its timeline: a node per step, an edge per "after", coloured live.
// cytoscape draws and lets the user pan/zoom; dagre lays the steps out top to bottom in layers.
//
// Any design: the trigger starts it, each step has its service's colour, a step whose outgoing edges
// follow different outcomes is a decision (a hexagon), an end is a double-bordered oval with its result
// word, an edge says the outcome it follows, and a join that runs on the first of its edges has dashed
// edges into it and says "first". Statuses show as a fill, a sign before the name and (skipped) a
// dashed grey border: never colour alone.
//
// Two colourings: by status (live, the default while the run runs) and by timing (once steps have
// ended: queue wait + execution on a colour scale, the duration in the label, the slowest path
// through the dependencies outlined). The page switches to timing when the run ends; the user's
// choice wins.

import { STATUS_COLORS } from "./status_colours.js";
import { TRIGGER, criticalPath, dependencyOrder, forwardDependencies } from "./critical_path.js";
import { isEnd } from "./timeline_model.js";
import { el, clear, formatMs } from "./dom.js";
import { serviceColour, serviceLabel } from "./vocabulary.js";

const DAGRE_LIMIT = 150; // beyond this, cytoscape's own breadth-first layout is much faster
const NO_TIMING = "#eef0f3";
const PATH_COLOR = "#1f2430";

/** The scale's colour for a duration, as a fraction of the slowest step's (pale yellow to dark red). */
export function timingColor(fraction) {
  const t = 0.1 + 0.85 * Math.max(0, Math.min(1, fraction));
  return window.d3 && window.d3.interpolateYlOrRd
    ? window.d3.interpolateYlOrRd(t)
    : `hsl(${50 - 50 * t}, 90%, ${88 - 50 * t}%)`;
}

/** Dark or white text, whichever reads on this colour. */
function inkOn(color) {
  const match = /rgb\((\d+), (\d+), (\d+)\)/.exec(color) || [];
  const [r, g, b] = match.length ? match.slice(1).map(Number) : [255, 255, 255];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#1f2430" : "#ffffff";
}

const TRIGGER_NODE = "⚑trigger"; // no step id can be this (ids are slugs)
/** Besides the colour, a sign per status (never colour alone). */
const GLYPHS = {
  queued: "… ",
  started: "▶ ",
  succeeded: "✓ ",
  failed: "✗ ",
  retrying: "↻ ",
  cancelled: "⊗ ",
  compensating: "↺ ",
  compensated: "↺ ",
  skipped: "⊘ ",
};
const SKIPPED_FILL = "#eef0f3";
const SKIPPED_LINE = "#9aa5b4";
const END_INK = "#1f2430";

/** A service's colour washed out, for a step that has not run yet. */
function tint(color) {
  return typeof window !== "undefined" && window.d3 && window.d3.interpolateRgb
    ? window.d3.interpolateRgb(color, "#ffffff")(0.8)
    : "#f4f6f9";
}

/**
 * The graph as cytoscape elements: the trigger, a node per step (ends and decisions marked), an edge
 * per "after" entry, labelled with the outcome it follows; steps that follow nothing start at the trigger.
 */
export function graphElements(graph) {
  const steps = (graph && graph.steps) || [];
  const ids = new Set(steps.map((step) => step.id));
  const outcomes = new Map(); // step id → the outcomes its outgoing edges follow
  const edges = new Map();
  for (const step of steps) {
    const entries = step.after && step.after.length ? step.after : [TRIGGER];
    for (const entry of entries) {
      const [from, outcome = ""] = String(entry).split(":");
      const source = from === TRIGGER ? TRIGGER_NODE : from;
      if (source !== TRIGGER_NODE && !ids.has(source)) continue;
      if (outcome) {
        if (!outcomes.has(source)) outcomes.set(source, new Set());
        outcomes.get(source).add(outcome);
      }
      const id = `${source}->${step.id}|${outcome}`;
      const classes = [step.join === "first" ? "first" : "", source === step.id ? "loop" : ""];
      edges.set(id, { data: { id, source, target: step.id, label: outcome }, classes: classes.join(" ").trim() });
    }
  }
  const nodes = steps.map((step) => {
    const end = isEnd(step);
    const decision = !end && (outcomes.get(step.id) || new Set()).size > 1;
    const colour = end ? END_INK : serviceColour(step.service);
    const classes = [end ? "end" : "step", decision ? "decision" : "", step.join === "first" ? "first" : ""];
    return {
      data: {
        id: step.id,
        kind: end ? "end" : "step",
        end: end ? String(step.end) : null,
        // An end is as wide as its result word needs (up to a limit past which the word wraps).
        width: end ? Math.max(104, Math.min(200, String(step.end).length * 7 + 40)) : 124,
        service: end ? "" : step.service,
        serviceLabel: end ? "" : serviceLabel(step.service),
        join: step.join || "all",
        status: "pending",
        colour,
        border: colour,
        fill: end ? "#ffffff" : tint(colour),
        ink: "#1f2430",
        label: "",
      },
      classes: classes.filter(Boolean).join(" "),
    };
  });
  const trigger = {
    data: {
      id: TRIGGER_NODE,
      kind: "trigger",
      label: `▶ ${(graph && graph.trigger) || "trigger"}\n${graph && graph.trigger_service ? serviceLabel(graph.trigger_service) : ""}`,
      border: graph && graph.trigger_service ? serviceColour(graph.trigger_service) : "#1f2430",
    },
    classes: "trigger",
  };
  return [trigger, ...nodes, ...edges.values()];
}

/** How many layers the layout will have: the trigger, then the longest chain of steps (loops' way back aside). */
export function graphDepth(steps) {
  const deps = forwardDependencies(steps);
  const depth = new Map();
  for (const id of dependencyOrder(steps))
    depth.set(id, 1 + Math.max(0, ...deps.get(id).map((d) => depth.get(d) || 0)));
  return 1 + Math.max(1, ...depth.values());
}

const LAYER_PX = 74; // a node and the room for its edges' labels

export class DesignGraph {
  /**
   * @param {HTMLElement} container
   * @param {{trigger?: string, trigger_service?: string, steps: Array}} graph the run's graph
   * @param {{onSelectStep?: Function, legend?: HTMLElement}} options legend: where the mode switch and the scale go
   */
  constructor(container, graph, { onSelectStep = () => {}, legend = null } = {}) {
    const cytoscape = window.cytoscape;
    if (window.cytoscapeDagre && !DesignGraph.registered) {
      cytoscape.use(window.cytoscapeDagre);
      DesignGraph.registered = true;
    }
    const steps = (graph && graph.steps) || [];
    this.steps = steps;
    this.container = container;
    // Tall enough that a deep design keeps readable names (the page scrolls past a very deep one).
    container.style.height = `${Math.max(300, Math.min(720, graphDepth(steps) * LAYER_PX + 20))}px`;
    this.legend = legend;
    this.mode = "status";
    container.dataset.mode = this.mode;
    this.chosen = false; // the user picked a mode: the page no longer switches it
    this.statuses = {};
    this.timings = null;
    this.path = { path: [], total: 0 };
    this.cy = cytoscape({
      container,
      elements: graphElements(graph),
      boxSelectionEnabled: false,
      autoungrabify: true,
      layout:
        steps.length <= DAGRE_LIMIT && window.cytoscapeDagre
          ? { name: "dagre", rankDir: "TB", nodeSep: 18, rankSep: 34, edgeSep: 8, padding: 10 }
          : { name: "breadthfirst", directed: true, padding: 12 },
      style: STYLE,
    });
    this.cy.on("tap", "node.step, node.end", (event) => onSelectStep(event.target.id()));
    container.dataset.decisions = this.cy
      .nodes(".decision")
      .map((node) => node.id())
      .join(" ");
    container.dataset.ends = this.cy
      .nodes(".end")
      .map((node) => node.id())
      .join(" ");
    this.cy.batch(() => this._paint());
    this._drawLegend();
  }

  /** Let go of cytoscape's renderer and listeners (its page replaces the graph). */
  destroy() {
    this.cy.destroy();
  }

  /** The step nodes (the trigger aside). */
  _stepNodes() {
    return this.cy.nodes(".step, .end");
  }

  /** step id → status (pending, queued, started, succeeded, failed, retrying, cancelled, compensat…). */
  setStatuses(statuses) {
    this.statuses = statuses;
    const summary = [];
    this.cy.batch(() => {
      this._stepNodes().forEach((node) => {
        const status = statuses[node.id()] || "pending";
        if (node.data("status") !== status) node.data("status", status);
        summary.push(`${node.id()}:${status}`);
      });
      if (this.mode === "status") this._paint();
    });
    this.container.dataset.steps = summary.join(" ");
  }

  /** step id → {ms, wait, ran} for the steps that have ended (TimelineModel.stepTimings()); null: none yet. */
  setTimings(timings) {
    if (timings === this.timings) return;
    this.timings = timings;
    const durations = Object.fromEntries(Object.entries(timings || {}).map(([id, timing]) => [id, timing.ms]));
    this.path = criticalPath(this.steps, durations);
    Object.assign(this.container.dataset, {
      criticalPath: this.path.path.join(" "),
      criticalMs: String(Math.round(this.path.total)),
      timings: Object.entries(durations)
        .map(([id, ms]) => `${id}:${Math.round(ms)}`)
        .join(" "),
    });
    if (this.mode === "timing") this.cy.batch(() => this._paint());
    this._drawLegend();
  }

  /** "status" or "timing"; `byUser` makes it stick. */
  setMode(mode, { byUser = false } = {}) {
    if (byUser) this.chosen = true;
    else if (this.chosen) return;
    if (mode === this.mode) return;
    this.mode = mode;
    this.container.dataset.mode = mode;
    this.cy.batch(() => this._paint());
    this._drawLegend();
  }

  _paint() {
    const timing = this.mode === "timing";
    const timings = this.timings || {};
    const slowest = Math.max(0, ...Object.values(timings).map((t) => t.ms));
    const onPath = new Set(timing ? this.path.path : []);
    this._stepNodes().forEach((node) => {
      const look = timing ? this._timingLook(node, timings[node.id()], slowest) : this._statusLook(node);
      for (const [name, value] of Object.entries(look)) if (node.data(name) !== value) node.data(name, value);
      node.toggleClass("skipped", node.data("status") === "skipped");
      node.toggleClass("timing", timing);
      node.toggleClass("critical", onPath.has(node.id()));
    });
    this.cy.edges().forEach((edge) => {
      edge.toggleClass(
        "critical",
        onPath.has(edge.data("source")) && onPath.has(edge.data("target")) && this._consecutive(edge),
      );
      // An edge into a step that was skipped, or out of one: a branch the run did not take.
      const untaken = [edge.source(), edge.target()].some((node) => node.data("status") === "skipped");
      edge.toggleClass("untaken", untaken);
    });
  }

  /** The name lines of a node: an end's result word, else the step and (first) join's badge. */
  _name(node, glyph, second) {
    if (node.data("kind") === "end") {
      const word = `${glyph || "◉ "}${node.data("end")}`;
      return node.data("end") === node.id() ? word : `${word}\n(${node.id()})`;
    }
    const badge = node.data("join") === "first" ? "\n⋁ first" : "";
    return `${glyph}${node.id()}\n${second}${badge}`;
  }

  /** Fill, label, ink and border by status. */
  _statusLook(node) {
    const status = node.data("status");
    const end = node.data("kind") === "end";
    const colour = node.data("colour");
    const glyph = status === "pending" ? "" : GLYPHS[status] || "";
    const label = this._name(node, glyph, node.data("serviceLabel"));
    if (status === "skipped") return { fill: SKIPPED_FILL, ink: "#6b7280", border: SKIPPED_LINE, label };
    if (status === "pending")
      return { fill: end ? "#ffffff" : tint(colour), ink: "#1f2430", border: end ? END_INK : colour, label };
    return {
      fill: STATUS_COLORS[status] || STATUS_COLORS.pending,
      ink: "#ffffff",
      border: end ? END_INK : colour,
      label,
    };
  }

  /** Fill and label by how long the step took; the border keeps the status. */
  _timingLook(node, step, slowest) {
    const status = node.data("status");
    const border = STATUS_COLORS[status] || "#59606b";
    if (step) {
      const fill = timingColor(slowest ? step.ms / slowest : 0);
      return { fill, ink: inkOn(d3rgb(fill)), border, label: this._name(node, "", formatMs(step.ms)) };
    }
    const glyph = status === "pending" ? "" : GLYPHS[status] || "";
    return { fill: NO_TIMING, ink: "#1f2430", border, label: this._name(node, glyph, status) };
  }

  /** An edge is on the path when its two steps follow each other on it. */
  _consecutive(edge) {
    const path = this.path.path;
    const index = path.indexOf(edge.data("source"));
    return index >= 0 && path[index + 1] === edge.data("target");
  }

  _drawLegend() {
    const legend = this.legend;
    if (!legend) return;
    clear(legend);
    const button = (mode, text) =>
      el(
        "button",
        {
          type: "button",
          class: this.mode === mode ? "active" : "",
          "aria-pressed": String(this.mode === mode),
          dataset: { mode },
          onclick: () => this.setMode(mode, { byUser: true }),
        },
        text,
      );
    legend.append(el("span", { class: "mode-switch" }, button("status", "Status"), button("timing", "Timing")));
    if (this.mode !== "timing") {
      legend.append(
        el(
          "span",
          { class: "graph-key muted" },
          el("span", { class: "key-decision", text: "⬡ decision" }),
          el("span", { class: "key-end", text: "◎ end" }),
          el("span", { class: "key-first", text: "⇢ ⋁ first: runs on its first edge" }),
          el("span", { class: "key-skipped", text: "⊘ skipped (branch not taken)" }),
        ),
      );
      return;
    }
    const slowest = Math.max(0, ...Object.values(this.timings || {}).map((t) => t.ms));
    if (!slowest) {
      legend.append(el("span", { class: "muted", text: "no step has ended yet" }));
      return;
    }
    const stops = [0, 0.25, 0.5, 0.75, 1].map((f) => `${timingColor(f)} ${f * 100}%`).join(", ");
    legend.append(
      el(
        "span",
        { class: "scale" },
        el("span", { text: "0" }),
        el("i", { class: "ramp", style: `background: linear-gradient(90deg, ${stops})` }),
        el("span", { text: formatMs(slowest) }),
      ),
      el(
        "span",
        {
          class: "critical-key",
          title: "The chain of dependencies whose queue waits and executions add up to the most",
        },
        el("i", { class: "path-swatch" }),
        `slowest path ${formatMs(this.path.total)}: ${this.path.path.join(" → ")}`,
      ),
      el("span", { class: "muted", text: "queue wait + execution, retries included; border: status" }),
    );
  }
}

const STYLE = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: 124,
      height: 40,
      label: "data(label)",
      "text-wrap": "wrap",
      "text-max-width": 150,
      "text-valign": "center",
      "font-size": 10,
      "font-family": "system-ui, sans-serif",
      color: "data(ink)",
      "background-color": "data(fill)",
      "border-width": 3,
      "border-color": "data(border)",
    },
  },
  { selector: "node.first", style: { height: 50 } },
  { selector: "node.decision", style: { shape: "round-hexagon", width: 140 } },
  {
    selector: "node.end",
    style: {
      shape: "ellipse",
      width: "data(width)",
      height: 40,
      "text-max-width": 150,
      "border-width": 5,
      "border-style": "double",
      "font-weight": 600,
    },
  },
  {
    selector: "node.trigger",
    style: {
      shape: "round-tag",
      width: 150,
      height: 38,
      "background-color": "#1f2430",
      "border-color": "data(border)",
      color: "#ffffff",
    },
  },
  { selector: "node.skipped", style: { "border-style": "dashed", "border-width": 2 } },
  { selector: "node.timing", style: { "border-width": 3 } },
  { selector: "node.critical", style: { "outline-width": 3, "outline-color": PATH_COLOR, "outline-offset": 2 } },
  { selector: "node:selected", style: { "overlay-opacity": 0.15, "overlay-color": "#111" } },
  {
    selector: "edge",
    style: {
      width: 1.5,
      "line-color": "#9aa5b4",
      "target-arrow-color": "#9aa5b4",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      label: "data(label)",
      "font-size": 9,
      "font-family": "system-ui, sans-serif",
      color: "#44506a",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.9,
      "text-background-padding": 2,
    },
  },
  {
    // A step that runs again after itself: the loop drawn beside it.
    selector: "edge.loop",
    style: { "loop-direction": "90deg", "loop-sweep": "-60deg", "control-point-step-size": 56, "text-margin-x": 34 },
  },
  { selector: "edge.first", style: { "line-style": "dashed", "line-dash-pattern": [6, 3] } },
  { selector: "edge.untaken", style: { "line-color": "#d5d9df", "target-arrow-color": "#d5d9df", color: "#9aa5b4" } },
  {
    selector: "edge.critical",
    style: { width: 3.5, "line-color": PATH_COLOR, "target-arrow-color": PATH_COLOR },
  },
];

/** Any CSS colour d3 gives back ("rgb(…)" or "#…") as "rgb(r, g, b)". */
function d3rgb(color) {
  return window.d3 && window.d3.rgb ? window.d3.rgb(color).toString() : color;
}

// The run's design beside its timeline: a node per step, an edge per "after", coloured live.
// cytoscape draws and lets the user pan/zoom; dagre lays the steps out left to right in layers.
//
// Two colourings: by status (live, the default while the run runs) and by timing (once steps have
// ended: queue wait + execution on a colour scale, the duration in the label, the slowest path
// through the dependencies outlined). The page switches to timing when the run ends; the user's
// choice wins.

import { STATUS_COLORS } from "./timeline.js";
import { criticalPath } from "./critical_path.js";
import { el, clear, formatMs } from "./dom.js";

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

export class DesignGraph {
  /**
   * @param {HTMLElement} container
   * @param {{steps: Array}} graph the run's graph (steps with id, service, after)
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
    const ids = new Set(steps.map((step) => step.id));
    const elements = [
      ...steps.map((step) => ({
        data: {
          id: step.id,
          label: `${step.id}\n${step.service}`,
          service: step.service,
          status: "pending",
          fill: STATUS_COLORS.pending,
          ink: "#1f2430",
        },
      })),
      ...steps.flatMap((step) =>
        (step.after || [])
          .filter((dep) => ids.has(dep))
          .map((dep) => ({ data: { id: `${dep}->${step.id}`, source: dep, target: step.id } })),
      ),
    ];
    this.container = container;
    this.legend = legend;
    this.mode = "status";
    container.dataset.mode = this.mode;
    this.chosen = false; // the user picked a mode: the page no longer switches it
    this.statuses = {};
    this.timings = null;
    this.path = { path: [], total: 0 };
    this.cy = cytoscape({
      container,
      elements,
      boxSelectionEnabled: false,
      autoungrabify: true,
      layout:
        steps.length <= DAGRE_LIMIT && window.cytoscapeDagre
          ? { name: "dagre", rankDir: "TB", nodeSep: 16, rankSep: 30, padding: 10 }
          : { name: "breadthfirst", directed: true, padding: 12 },
      style: [
        {
          selector: "node",
          style: {
            shape: "round-rectangle",
            width: 112,
            height: 38,
            label: "data(label)",
            "text-wrap": "wrap",
            "text-valign": "center",
            "font-size": 10,
            "font-family": "system-ui, sans-serif",
            color: "data(ink)",
            "background-color": "data(fill)",
            "border-width": 1,
            "border-color": "#59606b",
          },
        },
        {
          selector: "node.timing",
          style: { "border-width": 3, "border-color": (node) => STATUS_COLORS[node.data("status")] || "#59606b" },
        },
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
          },
        },
        {
          selector: "edge.critical",
          style: { width: 3.5, "line-color": PATH_COLOR, "target-arrow-color": PATH_COLOR },
        },
      ],
    });
    this.cy.on("tap", "node", (event) => onSelectStep(event.target.id()));
    this._drawLegend();
  }

  /** step id → status (pending, queued, started, succeeded, failed, retrying, cancelled, compensat…). */
  setStatuses(statuses) {
    this.statuses = statuses;
    const summary = [];
    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
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
    this.cy.nodes().forEach((node) => {
      const step = timings[node.id()];
      let fill;
      let label;
      if (!timing) {
        fill = STATUS_COLORS[node.data("status")] || STATUS_COLORS.pending;
        label = `${node.id()}\n${node.data("service")}`;
      } else if (step) {
        fill = timingColor(slowest ? step.ms / slowest : 0);
        label = `${node.id()}\n${formatMs(step.ms)}`;
      } else {
        fill = NO_TIMING;
        label = `${node.id()}\n${node.data("status")}`;
      }
      const ink = !timing && node.data("status") === "pending" ? "#1f2430" : timing ? inkOn(d3rgb(fill)) : "#ffffff";
      if (node.data("fill") !== fill) node.data("fill", fill);
      if (node.data("label") !== label) node.data("label", label);
      if (node.data("ink") !== ink) node.data("ink", ink);
      node.toggleClass("timing", timing);
      node.toggleClass("critical", onPath.has(node.id()));
    });
    this.cy.edges().forEach((edge) => {
      edge.toggleClass(
        "critical",
        onPath.has(edge.data("source")) && onPath.has(edge.data("target")) && this._consecutive(edge),
      );
    });
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
    if (this.mode !== "timing") return;
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

/** Any CSS colour d3 gives back ("rgb(…)" or "#…") as "rgb(r, g, b)". */
function d3rgb(color) {
  return window.d3 && window.d3.rgb ? window.d3.rgb(color).toString() : color;
}

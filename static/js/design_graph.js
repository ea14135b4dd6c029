// The run's design beside its timeline: a node per step, an edge per "after", coloured live.
// cytoscape draws and lets the user pan/zoom; dagre lays the steps out left to right in layers.

import { STATUS_COLORS } from "./timeline.js";

const DAGRE_LIMIT = 150; // beyond this, cytoscape's own breadth-first layout is much faster

export class DesignGraph {
  constructor(container, graph, { onSelectStep = () => {} } = {}) {
    const cytoscape = window.cytoscape;
    if (window.cytoscapeDagre && !DesignGraph.registered) {
      cytoscape.use(window.cytoscapeDagre);
      DesignGraph.registered = true;
    }
    const steps = (graph && graph.steps) || [];
    const ids = new Set(steps.map((step) => step.id));
    const elements = [
      ...steps.map((step) => ({
        data: { id: step.id, label: `${step.id}\n${step.service}`, service: step.service, status: "pending" },
      })),
      ...steps.flatMap((step) =>
        (step.after || []).filter((dep) => ids.has(dep)).map((dep) => ({ data: { id: `${dep}->${step.id}`, source: dep, target: step.id } })),
      ),
    ];
    this.container = container;
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
            color: "#ffffff",
            "background-color": (node) => STATUS_COLORS[node.data("status")] || STATUS_COLORS.pending,
            "border-width": 1,
            "border-color": "#59606b",
          },
        },
        { selector: 'node[status = "pending"]', style: { color: "#1f2430" } },
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
      ],
    });
    this.cy.on("tap", "node", (event) => onSelectStep(event.target.id()));
  }

  /** step id → status (pending, queued, started, succeeded, failed, retrying, cancelled, compensat…). */
  setStatuses(statuses) {
    const summary = [];
    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
        const status = statuses[node.id()] || "pending";
        if (node.data("status") !== status) node.data("status", status);
        summary.push(`${node.id()}:${status}`);
      });
    });
    this.container.dataset.steps = summary.join(" ");
  }
}

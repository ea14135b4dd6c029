// The design canvas: cytoscape draws the steps, edgehandles connects them, dagre lays them out.
// The canvas only shows the design; every change goes through the handlers to the editor's state.

const SERVICE_COLOURS = {
  orders: "#33407a",
  notifications: "#2f6fd6",
  sellers: "#23915a",
  logistics: "#c0760f",
  rewards: "#8a55d0",
};
const OTHER_COLOUR = "#6b7280";
const TRIGGER_ID = "trigger-node";
const MAX_NOTE = 46;

const STYLE = [
  {
    selector: "node",
    style: {
      shape: "round-rectangle",
      width: 220,
      "background-color": "#fff",
      "border-width": 2,
      "text-wrap": "wrap",
      "text-max-width": 208,
      "text-valign": "center",
      "font-size": 13,
      color: "#1f2430",
    },
  },
  { selector: "node[label]", style: { label: "data(label)" } },
  { selector: "node[height]", style: { height: "data(height)" } },
  { selector: "node[colour]", style: { "border-color": "data(colour)" } },
  {
    selector: "node.trigger",
    style: { "background-color": "#1f2430", color: "#fff", "border-color": "#1f2430", width: 150 },
  },
  { selector: "node.ghost", style: { "border-style": "dashed", "border-color": "#d23f3f", color: "#9b2323" } },
  { selector: "node.warning", style: { "border-color": "#e08a1e", "border-width": 3, "background-color": "#fff7ea" } },
  { selector: "node.error", style: { "border-color": "#d23f3f", "border-width": 3, "background-color": "#fdf0f0" } },
  { selector: "node.selected", style: { "overlay-color": "#2f6fd6", "overlay-opacity": 0.12, "border-width": 4 } },
  {
    selector: "edge",
    style: {
      width: 2,
      "curve-style": "bezier",
      "target-arrow-shape": "triangle",
      "line-color": "#8d97a8",
      "target-arrow-color": "#8d97a8",
      "font-size": 10,
      "text-wrap": "wrap",
      "text-max-width": 160,
      "text-background-color": "#fff",
      "text-background-opacity": 0.9,
      "text-background-padding": 2,
      color: "#9b2323",
    },
  },
  { selector: "edge[note]", style: { label: "data(note)" } },
  {
    selector: "edge.implicit",
    style: { "line-style": "dashed", "line-color": "#c3c9d3", "target-arrow-color": "#c3c9d3" },
  },
  { selector: "edge.error", style: { "line-color": "#d23f3f", "target-arrow-color": "#d23f3f", width: 3 } },
  { selector: "edge.selected", style: { "line-color": "#2f6fd6", "target-arrow-color": "#2f6fd6", width: 4 } },
  {
    selector: ".eh-preview, .eh-ghost-edge",
    style: { "line-color": "#2f6fd6", "target-arrow-color": "#2f6fd6", "line-style": "dashed" },
  },
  { selector: ".eh-ghost-node", style: { opacity: 0 } },
  { selector: ".eh-source, .eh-target, .eh-hover", style: { "border-color": "#2f6fd6", "border-width": 4 } },
];

function short(text) {
  return text.length > MAX_NOTE ? `${text.slice(0, MAX_NOTE - 1)}…` : text;
}

export class Canvas {
  constructor(container, handlers) {
    this.container = container;
    this.handlers = handlers;
    this.signature = "";
    this.cy = cytoscape({
      container,
      style: STYLE,
      minZoom: 0.3,
      maxZoom: 2,
      boxSelectionEnabled: false,
      autounselectify: true,
    });
    this.edges = this.cy.edgehandles({
      canConnect: (source, target) =>
        source.data("kind") === "step" &&
        target.data("kind") === "step" &&
        !source.same(target) &&
        !handlers.hasEdge(source.data("step"), target.data("step")),
      edgeParams: () => ({ data: { kind: "draft" } }),
      hoverDelay: 60,
      snap: true,
      snapThreshold: 24,
    });
    this.cy.on("ehcomplete", (event, source, target, added) => {
      const [from, to] = [source.data("step"), target.data("step")];
      added.remove();
      // Let edgehandles finish its gesture before the graph is drawn anew.
      setTimeout(() => handlers.onConnect(from, to), 0);
    });
    this.cy.on("tap", "node", (event) => {
      const node = event.target;
      handlers.onSelect(node.data("kind") === "step" ? { type: "step", id: node.data("step") } : null);
    });
    this.cy.on("tap", "edge", (event) => {
      const edge = event.target;
      if (edge.data("kind") === "dependency") {
        handlers.onSelect({ type: "edge", from: edge.data("from"), to: edge.data("to") });
      }
    });
    this.cy.on("tap", (event) => {
      if (event.target === this.cy) handlers.onSelect(null);
    });
    container.addEventListener("dragover", (event) => {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    });
    container.addEventListener("drop", (event) => {
      event.preventDefault();
      const key =
        event.dataTransfer.getData("application/x-workflowviz-action") || event.dataTransfer.getData("text/plain");
      if (key) handlers.onDropAction(key.trim());
    });
  }

  setConnectMode(on) {
    if (on) this.edges.enableDrawMode();
    else this.edges.disableDrawMode();
  }

  /** Draw the design, its problems (by "step:<id>" / "edge:<a>-><b>") and the selection. */
  render(design, problems, serviceOf, selected) {
    const byWhere = new Map();
    for (const problem of problems) {
      if (!byWhere.has(problem.where)) byWhere.set(problem.where, []);
      byWhere.get(problem.where).push(problem);
    }
    const positions = new Map();
    this.cy.nodes().forEach((node) => positions.set(node.data("key"), { ...node.position() }));
    const elements = this.elements(design, byWhere, serviceOf, selected);
    const signature = JSON.stringify(elements.map((e) => [e.data.key, e.data.source, e.data.target]));
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
    if (signature !== this.signature) {
      this.signature = signature;
      this.layout();
    } else {
      this.cy.nodes().forEach((node) => {
        const position = positions.get(node.data("key"));
        if (position) node.position(position);
      });
    }
  }

  elements(design, byWhere, serviceOf, selected) {
    const nodes = [
      {
        group: "nodes",
        data: {
          id: TRIGGER_ID,
          key: TRIGGER_ID,
          kind: "trigger",
          label: `${design.trigger || "OrderPlaced"}\n(trigger)`,
          height: 44,
          colour: "#1f2430",
        },
        classes: "trigger",
      },
    ];
    const edges = [];
    const firstIndex = new Map();
    design.steps.forEach((step, index) => {
      if (!firstIndex.has(step.id)) firstIndex.set(step.id, index);
    });
    const ghosts = new Map();
    design.steps.forEach((step, index) => {
      const found = byWhere.get(`step:${step.id}`) || [];
      const worst = found.some((p) => p.severity === "error") ? "error" : found.length ? "warning" : "";
      const lines = [step.id || "(no id)", step.action || "(no action)"];
      if (found.length)
        lines.push(
          `${worst === "error" ? "⚠" : "△"} ${short(found[0].message)}${found.length > 1 ? ` (+${found.length - 1})` : ""}`,
        );
      const isSelected = selected && selected.type === "step" && selected.id === step.id;
      nodes.push({
        group: "nodes",
        data: {
          id: `n${index}`,
          key: `step:${step.id}#${index}`,
          kind: "step",
          step: step.id,
          label: lines.join("\n"),
          height: 24 + lines.length * 16 + (found.length ? 16 : 0),
          colour: SERVICE_COLOURS[serviceOf(step.action)] || OTHER_COLOUR,
        },
        classes: [worst, isSelected ? "selected" : ""].join(" ").trim(),
      });
      const after = Array.isArray(step.after) ? step.after : [];
      if (!after.length) {
        edges.push({
          group: "edges",
          data: {
            id: `t${index}`,
            key: `t${index}`,
            kind: "implicit",
            source: TRIGGER_ID,
            target: `n${index}`,
            note: "",
          },
          classes: "implicit",
        });
      }
      after.forEach((dependency, position) => {
        let source = firstIndex.has(dependency) ? `n${firstIndex.get(dependency)}` : null;
        if (source === null) {
          if (!ghosts.has(dependency)) {
            ghosts.set(dependency, `g${ghosts.size}`);
            nodes.push({
              group: "nodes",
              data: {
                id: ghosts.get(dependency),
                key: `ghost:${dependency}`,
                kind: "ghost",
                label: `${dependency}\n(no such step)`,
                height: 44,
                colour: "#d23f3f",
              },
              classes: "ghost",
            });
          }
          source = ghosts.get(dependency);
        }
        const where = `edge:${dependency}->${step.id}`;
        const found = byWhere.get(where) || [];
        const isSelected =
          selected && selected.type === "edge" && selected.from === dependency && selected.to === step.id;
        edges.push({
          group: "edges",
          data: {
            id: `e${index}_${position}`,
            key: where,
            kind: "dependency",
            from: dependency,
            to: step.id,
            source,
            target: `n${index}`,
            note: found.length ? short(found[0].message) : "",
          },
          classes: [found.length ? "error" : "", isSelected ? "selected" : ""].join(" ").trim(),
        });
      });
    });
    return [...nodes, ...edges];
  }

  /** Lay the graph out left to right, or top to bottom when that shows it larger in this canvas. */
  layout() {
    let best = null;
    for (const rankDir of ["LR", "TB"]) {
      this.cy.layout({ name: "dagre", rankDir, nodeSep: 24, rankSep: 70, padding: 24, animate: false }).run();
      this.cy.fit(undefined, 24);
      const zoom = Math.min(this.cy.zoom(), 1);
      if (!best || zoom > best.zoom * 1.15) {
        best = { rankDir, zoom, positions: this.cy.nodes().map((node) => [node, { ...node.position() }]) };
      }
    }
    for (const [node, position] of best.positions) node.position(position);
    this.cy.fit(undefined, 24);
    if (this.cy.zoom() > 1) {
      this.cy.zoom(1);
      this.cy.center();
    }
  }

  /** Where a step's centre is in the browser window (what a pointer, or a browser test, aims at). */
  stepViewportPosition(stepId) {
    const node = this.cy
      .nodes()
      .filter((n) => n.data("step") === stepId)
      .first();
    if (!node.length) return null;
    const box = this.container.getBoundingClientRect();
    const at = node.renderedPosition();
    return { x: box.left + at.x, y: box.top + at.y };
  }
}

// The design canvas: cytoscape draws the steps, edgehandles connects them, dagre lays them out.
// The canvas only shows the design; every change goes through the handlers to the editor's state.
// A decision (an action with several outcomes) is a hexagon listing its outcomes, an end a dark stadium;
// an arrow that follows one outcome is labelled with it.

import { TRIGGER, edgeParse, isEnd } from "./model.js";

const TRIGGER_ID = "trigger-node";
const MAX_NOTE = 46;
const MAX_OUTCOMES_LINE = 34;

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
  {
    selector: "node.decision",
    style: {
      shape: "round-hexagon",
      width: 250,
      "text-max-width": 196,
      "border-width": 3,
      "background-color": "#fbfaf4",
    },
  },
  {
    selector: "node.end",
    style: {
      shape: "round-rectangle",
      "corner-radius": 22,
      width: 160,
      "text-max-width": 144,
      "background-color": "#e8ebf1",
      "border-color": "#1f2430",
      "border-width": 4,
      "border-style": "double",
      "font-weight": 600,
    },
  },
  { selector: "node.end.fails", style: { "border-color": "#9b2323", "background-color": "#f8e3e3" } },
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
      "font-size": 11,
      "text-wrap": "wrap",
      "text-max-width": 160,
      "text-background-color": "#fff",
      "text-background-opacity": 0.95,
      "text-background-padding": 3,
      "text-background-shape": "round-rectangle",
      "text-border-width": 1,
      "text-border-opacity": 1,
      "text-border-color": "#d5dae2",
      color: "#1f2430",
    },
  },
  { selector: "edge[label]", style: { label: "data(label)" } },
  // The outcome an arrow follows stands near its decision, clear of the steps an arrow may pass behind.
  { selector: "edge[outcome]", style: { "source-label": "data(outcome)", "source-text-offset": "data(offset)" } },
  { selector: "edge.outcome", style: { "line-color": "#5b6474", "target-arrow-color": "#5b6474", "font-weight": 600 } },
  {
    selector: "edge.start",
    style: { "line-style": "dashed", "line-color": "#1f2430", "target-arrow-color": "#1f2430", color: "#4b5563" },
  },
  {
    selector: "edge.implicit",
    style: { "line-style": "dashed", "line-color": "#c3c9d3", "target-arrow-color": "#c3c9d3" },
  },
  {
    selector: "edge.error",
    style: {
      "line-color": "#d23f3f",
      "target-arrow-color": "#d23f3f",
      width: 3,
      color: "#9b2323",
      "text-border-color": "#d23f3f",
    },
  },
  { selector: "edge.selected", style: { "line-color": "#2f6fd6", "target-arrow-color": "#2f6fd6", width: 4 } },
  {
    selector: ".eh-preview, .eh-ghost-edge",
    style: { "line-color": "#2f6fd6", "target-arrow-color": "#2f6fd6", "line-style": "dashed" },
  },
  { selector: ".eh-ghost-node", style: { opacity: 0 } },
  { selector: ".eh-source, .eh-target, .eh-hover", style: { "border-color": "#2f6fd6", "border-width": 4 } },
];

function short(text, most = MAX_NOTE) {
  return text.length > most ? `${text.slice(0, most - 1)}…` : text;
}

/** A step's lines of text and its kind (step, decision or end). */
function nodeText(step, action) {
  if (isEnd(step)) {
    const lines = [`■ ${step.end || "(no result)"}`, step.id];
    if (step.fails) lines.push("fails the run");
    return { lines, kind: "end" };
  }
  const lines = [step.id || "(no id)", step.action || "(no action)"];
  const decides = Boolean(action && action.outcomes && action.outcomes.length > 1);
  if (decides) lines.push(`◆ ${short(action.outcomes.map((o) => o.event).join(" | "), MAX_OUTCOMES_LINE)}`);
  if ((step.after || []).length > 1)
    lines.push(step.join === "first" ? "runs on the first arrow" : "waits for all arrows");
  if (step.max_visits > 1) lines.push(`↻ at most ${step.max_visits} visits`);
  return { lines, kind: decides ? "decision" : "" };
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
      const at = target.renderedPosition();
      added.remove();
      // Let edgehandles finish its gesture before the graph is drawn anew.
      setTimeout(() => handlers.onConnect(from, to, { x: at.x, y: at.y }), 0);
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
      this.chooserClose();
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

  /**
   * Draw the design, its problems (by "step:<id>" / "edge:<a>-><b>") and the selection. `about`:
   * actionOf(key) (the catalogue's action, for its outcomes) and colourOf(service).
   */
  render(design, problems, about, selected) {
    const byWhere = new Map();
    for (const problem of problems) {
      if (!byWhere.has(problem.where)) byWhere.set(problem.where, []);
      byWhere.get(problem.where).push(problem);
    }
    const positions = new Map();
    this.cy.nodes().forEach((node) => positions.set(node.data("key"), { ...node.position() }));
    const elements = this.elements(design, byWhere, about, selected);
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

  elements(design, byWhere, about, selected) {
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
    // Outcome labels of one decision stand at different distances from it, so that they never cover each other.
    const labelled = new Map();
    const labelOffset = (from) => {
      labelled.set(from, (labelled.get(from) || 0) + 1);
      return 26 + 24 * labelled.get(from);
    };
    const ghosts = new Map();
    const ghostOf = (name) => {
      if (!ghosts.has(name)) {
        ghosts.set(name, `g${ghosts.size}`);
        nodes.push({
          group: "nodes",
          data: {
            id: ghosts.get(name),
            key: `ghost:${name}`,
            kind: "ghost",
            label: `${name}\n(no such step)`,
            height: 44,
            colour: "#d23f3f",
          },
          classes: "ghost",
        });
      }
      return ghosts.get(name);
    };
    design.steps.forEach((step, index) => {
      const found = byWhere.get(`step:${step.id}`) || [];
      const worst = found.some((p) => p.severity === "error") ? "error" : found.length ? "warning" : "";
      const { lines, kind } = nodeText(step, about.actionOf(step.action));
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
          height: 24 + lines.length * 16 + (found.length ? 16 : 0) + (kind === "decision" ? 14 : 0),
          colour: isEnd(step) ? "#1f2430" : about.colourOf(String(step.action || "").split(".")[0]),
        },
        classes: [kind, step.fails ? "fails" : "", worst, isSelected ? "selected" : ""].join(" ").trim(),
      });
      const after = Array.isArray(step.after) ? step.after : [];
      if (!after.length) {
        edges.push({
          group: "edges",
          data: { id: `t${index}`, key: `t${index}`, kind: "implicit", source: TRIGGER_ID, target: `n${index}` },
          classes: "implicit",
        });
      }
      after.forEach((text, position) => {
        const edge = edgeParse(text);
        let source;
        if (edge.step === TRIGGER) source = TRIGGER_ID;
        else if (firstIndex.has(edge.step)) source = `n${firstIndex.get(edge.step)}`;
        else source = ghostOf(edge.step);
        const where = `edge:${edge.step}->${step.id}`;
        const problems = byWhere.get(where) || [];
        const isSelected =
          selected && selected.type === "edge" && selected.from === edge.step && selected.to === step.id;
        const label = [
          edge.step === TRIGGER ? "when the run starts" : "",
          problems.length ? `⚠ ${short(problems[0].message)}` : "",
        ]
          .filter(Boolean)
          .join("\n");
        edges.push({
          group: "edges",
          data: {
            id: `e${index}_${position}`,
            key: where,
            kind: "dependency",
            from: edge.step,
            to: step.id,
            source,
            target: `n${index}`,
            ...(label ? { label } : {}),
            ...(edge.outcome && edge.step !== TRIGGER ? { outcome: edge.outcome, offset: labelOffset(edge.step) } : {}),
          },
          classes: [
            edge.step === TRIGGER ? "start" : edge.outcome ? "outcome" : "",
            problems.length ? "error" : "",
            isSelected ? "selected" : "",
          ]
            .join(" ")
            .trim(),
        });
      });
    });
    return [...nodes, ...edges];
  }

  /**
   * A small menu over the canvas at `at` (canvas pixels): a button per choice, then onPick(value);
   * anything else (Escape, a tap on the canvas) closes it without a choice.
   */
  choose(at, { title, choices }, onPick) {
    this.chooserClose();
    const menu = document.createElement("div");
    menu.className = "edge-chooser";
    menu.setAttribute("role", "menu");
    const heading = document.createElement("p");
    heading.textContent = title;
    menu.append(heading);
    for (const { value, text } of choices) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.dataset.outcome = value;
      button.setAttribute("role", "menuitem");
      button.addEventListener("click", () => {
        this.chooserClose();
        onPick(value);
      });
      menu.append(button);
    }
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link";
    cancel.textContent = "cancel";
    cancel.addEventListener("click", () => this.chooserClose());
    menu.append(cancel);
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.chooserClose();
    });
    const host = this.container.parentElement;
    const box = this.container.getBoundingClientRect();
    const hostBox = host.getBoundingClientRect();
    menu.style.left = `${Math.max(0, Math.min(at.x + box.left - hostBox.left, box.width - 220))}px`;
    menu.style.top = `${Math.max(0, at.y + box.top - hostBox.top + 24)}px`;
    host.append(menu);
    this.chooser = menu;
    menu.querySelector("button").focus();
  }

  chooserClose() {
    if (this.chooser) this.chooser.remove();
    this.chooser = null;
  }

  /** Lay the graph out left to right, or top to bottom when that shows it larger in this canvas. */
  layout() {
    let best = null;
    for (const rankDir of ["LR", "TB"]) {
      this.cy.layout({ name: "dagre", rankDir, nodeSep: 24, rankSep: 84, padding: 24, animate: false }).run();
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

// The run page: the live timeline, the design graph and the details of what was clicked.
//
// Order matters for "nothing missing": subscribe first, then fetch the run, then apply records as
// they come; a gap in `seq`, a reconnect or a quiet spell makes the store fetch what it lacks.

import { LiveSocket } from "./live.js";
import { LiveRun } from "./live_run.js";
import { DesignGraph } from "./design_graph.js";
import { showDetails } from "./details.js";
import { el } from "./dom.js";

const root = document.getElementById("run-page");
const runId = root.dataset.runId;
const orderId = Number.parseInt(root.dataset.orderId, 10) || null;
const details = document.getElementById("details");
const statusBadge = document.getElementById("run-status");
const liveBadge = document.getElementById("live");
const counter = document.getElementById("record-count");
let selectedHit = null;
let graph = null;

const view = new LiveRun(root, document.getElementById("timeline"), runId, {
  onSelect: (hit) => {
    selectedHit = hit;
    showDetails(details, hit, { model: view.model, runId, orderId });
  },
  onUpdate: ({ store, model }) => {
    if (graph) graph.setStatuses(model.stepStatus);
    statusBadge.textContent = store.status;
    statusBadge.className = `badge status-${store.status}`;
    counter.textContent = `${store.count} record${store.count === 1 ? "" : "s"}`;
    if (selectedHit) showDetails(details, selectedHit, { model, runId, orderId });
  },
});

const socket = new LiveSocket(`/ws/runs/${runId}/`, {
  onEvents: (events) => view.receive(events),
  onStatus: (status) => {
    liveBadge.dataset.state = status;
    liveBadge.textContent = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", offline: "offline" }[status];
    root.dataset.live = status;
  },
  onOpen: (reconnect) => {
    if (view.store.loaded) view.store.fill(reconnect ? "reconnect" : "subscribed");
  },
});

document.getElementById("fit").addEventListener("click", () => view.timeline.fit());

function loadScript(src) {
  return new Promise((resolve, reject) => {
    document.head.append(el("script", { src, onload: resolve, onerror: () => reject(new Error(`could not load ${src}`)) }));
  });
}

/** The design graph, drawn after the timeline's first frame (its libraries load meanwhile). */
async function drawDesignGraph() {
  const host = document.getElementById("design-graph");
  for (const src of host.dataset.libs.split(" ")) await loadScript(src);
  graph = new DesignGraph(host, view.store.summary.graph, {
    onSelectStep: (stepId) => {
      const hit = [...view.timeline.hits].reverse().find((h) => h.type === "bar" && h.item.stepId === stepId);
      if (hit) view.timeline.select(hit);
    },
  });
  graph.setStatuses(view.model.stepStatus);
  root.dataset.graph = "ready";
}

async function start() {
  showDetails(details, null, {});
  // Subscribe and fetch at the same time; once both are done, one more fetch covers whatever was
  // committed after the first fetch read the records and before the subscription began.
  socket.connect();
  try {
    await view.store.load();
  } catch (error) {
    root.append(el("p", { class: "error", text: `Could not load the run: ${error.message}` }));
    return;
  }
  performance.mark("wfv:data");
  view.update();
  performance.mark("wfv:rendered");
  root.dataset.firstRenderMs = String(performance.measure("wfv:first-render", "wfv:data", "wfv:rendered").duration);
  view.store.watch();
  if (socket.status === "live") view.store.fill("subscribed"); // else onOpen does it
  drawDesignGraph().catch((error) => root.append(el("p", { class: "error", text: error.message })));
}

window.wfv = { view, socket };
start();

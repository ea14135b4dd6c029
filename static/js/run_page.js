// The run page: the live timeline, the design graph and the details of what was clicked.
//
// Order matters for "nothing missing": subscribe first, then fetch the run, then apply records as
// they come; a gap in `seq`, a reconnect or a quiet spell makes the store fetch what it lacks.

import { LiveSocket, liveStatusShow } from "./live.js";
import { LiveRun } from "./live_run.js";
import { DesignGraph } from "./design_graph.js";
import { showDetails } from "./details.js";
import { Replay } from "./replay.js";
import { el, formatClock, formatMs, testHooksExpose } from "./dom.js";
import { workflowsList } from "./run_input.js";
import { RunActions } from "./run_actions.js";

const root = document.getElementById("run-page");
const runId = root.dataset.runId;
const orderId = Number.parseInt(root.dataset.orderId, 10) || null;
const details = document.getElementById("details");
const statusBadge = document.getElementById("run-status");
const resultText = document.getElementById("run-result");
const liveBadge = document.getElementById("live");
const counter = document.getElementById("record-count");
const replayBar = {
  open: document.getElementById("replay-open"),
  controls: document.getElementById("replay-controls"),
  play: document.getElementById("replay-play"),
  back: document.getElementById("replay-back"),
  forward: document.getElementById("replay-forward"),
  speed: document.getElementById("replay-speed"),
  scrubber: document.getElementById("replay-scrubber"),
  position: document.getElementById("replay-position"),
  clock: document.getElementById("replay-clock"),
  live: document.getElementById("replay-live"),
};
const actions = new RunActions(document.getElementById("run-actions"), runId);
let selectedHit = null;
let graph = null;
let replay = null; // while set, the replay has the timeline and the graph; the live view keeps folding

/** The model on screen: the replay's, or the live one. */
const shownModel = () => (replay ? replay.model : view.model);

const view = new LiveRun(root, document.getElementById("timeline"), runId, {
  onSelect: (hit) => {
    selectedHit = hit;
    showDetails(details, hit, { model: shownModel(), runId, orderId });
  },
  onUpdate: ({ store, model, result }) => {
    statusBadge.textContent = store.status;
    statusBadge.className = `badge status-${store.status}`;
    actions.statusShow(store.status);
    resultShow(result);
    counter.textContent = `${store.count} record${store.count === 1 ? "" : "s"}`;
    if (replay) {
      replayMoreRecords();
      return;
    }
    showOnGraph(model, store.final);
    if (selectedHit) showDetails(details, selectedHit, { model, runId, orderId });
  },
});

/** The end word the run reached beside its status ("succeeded · approved"); nothing while none. */
function resultShow(result) {
  resultText.hidden = !result;
  resultText.textContent = result ? `· ${result}` : "";
  root.dataset.result = result;
}

/** The design's name beside its slug, from the list of designs (the page has only the slug). */
async function workflowNameShow() {
  const node = document.getElementById("run-workflow");
  try {
    const design = (await workflowsList()).find((each) => each.slug === node.dataset.slug);
    if (design && design.name && design.name !== design.slug) {
      node.textContent = design.name;
      node.title = design.slug;
    }
  } catch {
    // the slug stays
  }
}

/** Statuses and timings of a model on the design graph; timing colours once the run has ended. */
function showOnGraph(model, final) {
  if (!graph || !model) return;
  graph.setStatuses(model.stepStatus);
  graph.setTimings(model.stepTimings());
  if (final) graph.setMode("timing");
}

/** The records with none missing before them: what a replay may play. */
function replayableRecords() {
  return view.store.events().filter((event) => event.seq <= view.store.contiguous);
}

function replayStart() {
  replay = new Replay(replayableRecords(), view.store.summary, { onFrame: replayFrame });
  view.replaying = true;
  root.dataset.replay = "on";
  replayBar.open.hidden = true;
  replayBar.controls.hidden = false;
  if (graph) graph.setMode("status");
  replay.setSpeed(speedOf(replayBar.speed.value));
  replay.play();
}

function replayStop() {
  replay.stop();
  replay = null;
  view.replaying = false;
  root.dataset.replay = "off";
  replayBar.open.hidden = false;
  replayBar.controls.hidden = true;
  view.draw();
  showOnGraph(view.model, view.store.final);
}

function replayMoreRecords() {
  if (view.store.contiguous <= replay.count) return;
  replay.setRecords(replayableRecords());
  replayFrame(replay);
}

function speedOf(value) {
  return value === "max" ? Infinity : Number(value) || 1;
}

/** Draw the replay where it stands: the timeline of records 1..k, the graph, the bar. */
function replayFrame(current) {
  const { model } = current;
  const ended = current.atEnd && view.store.final;
  view.timeline.render(model, { nowRel: current.clock, running: !ended, span: Math.max(current.span, 50) });
  showOnGraph(model, false);
  replayBar.scrubber.max = String(current.count);
  replayBar.scrubber.value = String(current.position);
  replayBar.position.textContent = `record ${current.position} of ${current.count}`;
  const wall = formatClock(new Date(current.t0 + current.clock).toISOString());
  const reached = model.result ? ` · ${model.result}` : "";
  replayBar.clock.textContent = `+${formatMs(current.clock)} · ${wall} · run ${model.runStatus}${reached}`;
  replayBar.play.textContent = current.playing ? "Pause" : "Play";
  replayBar.play.setAttribute("aria-pressed", String(current.playing));
  Object.assign(root.dataset, {
    replayPosition: String(current.position),
    replayCount: String(current.count),
    replayPlaying: String(current.playing),
  });
}

replayBar.open.addEventListener("click", () => replayStart());
replayBar.live.addEventListener("click", () => replayStop());
replayBar.play.addEventListener("click", () => replay.toggle());
replayBar.back.addEventListener("click", () => replay.step(-1));
replayBar.forward.addEventListener("click", () => replay.step(1));
replayBar.speed.addEventListener("change", () => replay && replay.setSpeed(speedOf(replayBar.speed.value)));
replayBar.scrubber.addEventListener("input", () => replay.seek(Number(replayBar.scrubber.value)));

const socket = new LiveSocket(`/ws/runs/${runId}/`, {
  onEvents: (events) => view.receive(events),
  onStatus: (status) => liveStatusShow(liveBadge, root, status),
  onOpen: (reconnect) => {
    if (view.store.loaded) view.store.fill(reconnect ? "reconnect" : "subscribed");
  },
});

document.getElementById("fit").addEventListener("click", () => view.timeline.fit());

function loadScript(src) {
  return new Promise((resolve, reject) => {
    document.head.append(
      el("script", { src, onload: resolve, onerror: () => reject(new Error(`could not load ${src}`)) }),
    );
  });
}

/** The design graph, drawn after the timeline's first frame (its libraries load meanwhile). */
async function drawDesignGraph() {
  const host = document.getElementById("design-graph");
  for (const src of host.dataset.libs.split(" ")) await loadScript(src);
  graph = new DesignGraph(host, view.store.summary.graph, {
    legend: document.getElementById("design-legend"),
    onSelectStep: (stepId) => {
      // The step's latest bar; an end (or a skipped step) has none: the record that says so.
      const hits = [...view.timeline.hits].reverse();
      const hit =
        hits.find((h) => h.type === "bar" && h.item.stepId === stepId) ||
        hits.find((h) => h.type === "marker" && h.item.stepId === stepId);
      if (hit) view.timeline.select(hit);
    },
  });
  if (replay) replayFrame(replay);
  else showOnGraph(view.model, view.store.final);
  root.dataset.graph = "ready";
}

async function start() {
  showDetails(details, null, {});
  workflowNameShow();
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
  replayBar.open.disabled = false;
  if (socket.status === "live") view.store.fill("subscribed"); // else onOpen does it
  drawDesignGraph().catch((error) => root.append(el("p", { class: "error", text: error.message })));
}

testHooksExpose({
  view,
  socket,
  get replay() {
    return replay;
  },
  get graph() {
    return graph;
  },
});
start();

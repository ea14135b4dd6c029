// One run on a page: the timeline, the design graph, the details of what was clicked, and replay.
//
// The run page mounts it on a run of this server (the API, with its websocket in run_page.js); the open
// page (run_open.js) mounts it on an export file's data. Only the records' source differs.

import { LiveRun } from "./live_run.js";
import { DesignGraph } from "./design_graph.js";
import { showDetails } from "./details.js";
import { Replay } from "./replay.js";
import { el, formatClock, formatMs } from "./dom.js";
import { workflowsList } from "./run_input.js";

const scriptsLoaded = new Map(); // src → the promise of its load: a second run on the page loads nothing again

function loadScript(src) {
  if (!scriptsLoaded.has(src)) {
    scriptsLoaded.set(
      src,
      new Promise((resolve, reject) => {
        document.head.append(
          el("script", { src, onload: resolve, onerror: () => reject(new Error(`could not load ${src}`)) }),
        );
      }),
    );
  }
  return scriptsLoaded.get(src);
}

function speedOf(value) {
  return value === "max" ? Infinity : Number(value) || 1;
}

/**
 * Mount the run view on `root` (the markup of templates/web/_run_view.html and a header with
 * #run-status, #run-result, #record-count and #fit).
 * @param {HTMLElement} root
 * @param {{runId: string, orderId?: number|null, source?: object, adminLinks?: boolean, onStatus?: Function}} options
 *   source: where the records come from (run_store.js; the API by default); adminLinks: link the admin
 *   records a payload names (off for a file, whose ids are another database's); onStatus: told the
 *   run's status on every update (the run page's operator buttons follow it)
 * @returns {{view: LiveRun, start: Function, stop: Function, replay: Replay|null, graph: DesignGraph|null}}
 */
export function runViewMount(root, { runId, orderId = null, source, adminLinks = true, onStatus = () => {} }) {
  const $ = (id) => root.querySelector(`#${id}`);
  const details = $("details");
  const statusBadge = $("run-status");
  const resultText = $("run-result");
  const counter = $("record-count");
  const replayBar = {
    open: $("replay-open"),
    controls: $("replay-controls"),
    play: $("replay-play"),
    back: $("replay-back"),
    forward: $("replay-forward"),
    speed: $("replay-speed"),
    scrubber: $("replay-scrubber"),
    position: $("replay-position"),
    clock: $("replay-clock"),
    live: $("replay-live"),
  };
  const links = { runId, orderId, links: adminLinks };
  let selectedHit = null;
  const mounted = { view: null, replay: null, graph: null, start, stop };

  /** The model on screen: the replay's, or the live one. */
  const shownModel = () => (mounted.replay ? mounted.replay.model : view.model);

  const view = new LiveRun(root, $("timeline"), runId, {
    source,
    onSelect: (hit) => {
      selectedHit = hit;
      showDetails(details, hit, { model: shownModel(), ...links });
    },
    onUpdate: ({ store, model, result }) => {
      statusBadge.textContent = store.status;
      statusBadge.className = `badge status-${store.status}`;
      onStatus(store.status);
      resultShow(result);
      counter.textContent = `${store.count} record${store.count === 1 ? "" : "s"}`;
      if (mounted.replay) {
        replayMoreRecords();
        return;
      }
      showOnGraph(model, store.final);
      if (selectedHit) showDetails(details, selectedHit, { model, ...links });
    },
  });
  mounted.view = view;

  /** The end word the run reached beside its status ("succeeded · approved"); nothing while none. */
  function resultShow(result) {
    resultText.hidden = !result;
    resultText.textContent = result ? `· ${result}` : "";
    root.dataset.result = result;
  }

  /** The design's name beside its slug, from the list of designs (the page has only the slug). */
  async function workflowNameShow() {
    const node = $("run-workflow");
    if (!node || (source && !source.live)) return; // a file's design need not be on this server
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
    if (!mounted.graph || !model) return;
    mounted.graph.setStatuses(model.stepStatus);
    mounted.graph.setTimings(model.stepTimings());
    if (final) mounted.graph.setMode("timing");
  }

  /** The records with none missing before them: what a replay may play. */
  function replayableRecords() {
    return view.store.events().filter((event) => event.seq <= view.store.contiguous);
  }

  function replayStart() {
    mounted.replay = new Replay(replayableRecords(), view.store.summary, { onFrame: replayFrame });
    view.replaying = true;
    root.dataset.replay = "on";
    replayBar.open.hidden = true;
    replayBar.controls.hidden = false;
    if (mounted.graph) mounted.graph.setMode("status");
    mounted.replay.setSpeed(speedOf(replayBar.speed.value));
    mounted.replay.play();
  }

  function replayStop() {
    mounted.replay.stop();
    mounted.replay = null;
    view.replaying = false;
    root.dataset.replay = "off";
    replayBar.open.hidden = false;
    replayBar.controls.hidden = true;
    view.draw();
    showOnGraph(view.model, view.store.final);
  }

  function replayMoreRecords() {
    if (view.store.contiguous <= mounted.replay.count) return;
    mounted.replay.setRecords(replayableRecords());
    replayFrame(mounted.replay);
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
  replayBar.play.addEventListener("click", () => mounted.replay.toggle());
  replayBar.back.addEventListener("click", () => mounted.replay.step(-1));
  replayBar.forward.addEventListener("click", () => mounted.replay.step(1));
  replayBar.speed.addEventListener(
    "change",
    () => mounted.replay && mounted.replay.setSpeed(speedOf(replayBar.speed.value)),
  );
  replayBar.scrubber.addEventListener("input", () => mounted.replay.seek(Number(replayBar.scrubber.value)));
  $("fit").addEventListener("click", () => view.timeline.fit());

  /** The design graph, drawn after the timeline's first frame (its libraries load meanwhile). */
  async function drawDesignGraph() {
    const host = $("design-graph");
    for (const src of host.dataset.libs.split(" ")) await loadScript(src);
    if (mounted.stopped) return;
    mounted.graph = new DesignGraph(host, view.store.summary.graph, {
      legend: $("design-legend"),
      onSelectStep: (stepId) => {
        // The step's latest bar; an end (or a skipped step) has none: the record that says so.
        const hits = [...view.timeline.hits].reverse();
        const hit =
          hits.find((h) => h.type === "bar" && h.item.stepId === stepId) ||
          hits.find((h) => h.type === "marker" && h.item.stepId === stepId);
        if (hit) view.timeline.select(hit);
      },
    });
    if (mounted.replay) replayFrame(mounted.replay);
    else showOnGraph(view.model, view.store.final);
    root.dataset.graph = "ready";
  }

  /**
   * Load the records and draw. beforeLoad() runs first (the run page subscribes to its websocket then),
   * afterLoad() once the first frame is drawn; a failed load shows its reason and resolves false.
   */
  async function start({ beforeLoad = () => {}, afterLoad = () => {} } = {}) {
    showDetails(details, null, {});
    workflowNameShow();
    beforeLoad();
    try {
      await view.store.load();
    } catch (error) {
      root.append(el("p", { class: "error", text: `Could not load the run: ${error.message}` }));
      return false;
    }
    performance.mark("wfv:data");
    view.update();
    performance.mark("wfv:rendered");
    root.dataset.firstRenderMs = String(performance.measure("wfv:first-render", "wfv:data", "wfv:rendered").duration);
    view.store.watch();
    replayBar.open.disabled = false;
    afterLoad();
    drawDesignGraph().catch((error) => root.append(el("p", { class: "error", text: error.message })));
    return true;
  }

  /** Stop its timers (the open page mounts the next file's run in its place). */
  function stop() {
    mounted.stopped = true;
    if (mounted.replay) mounted.replay.stop();
    view.stop();
    view.timeline.stop();
    if (mounted.graph) mounted.graph.destroy();
  }

  return mounted;
}

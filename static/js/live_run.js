// One run drawn live: its records (RunStore), their model and the timeline, kept in step.
// Used by the run page (a run of this server, or one opened from an export file: the store's source),
// by the dashboard's "watching" panel and by the compare page.

import { RunStore } from "./run_store.js";
import { TimelineModel } from "./timeline_model.js";
import { Timeline } from "./timeline.js";

export class LiveRun {
  /**
   * @param {HTMLElement} root gets data-* attributes describing what is on screen (tests read them)
   * @param {HTMLElement} timelineElement
   * @param {string} runId
   * @param {{compact?: boolean, onSelect?: Function, onUpdate?: Function, source?: object}} options
   *   source: where the records come from (run_store.js); the API by default
   */
  constructor(root, timelineElement, runId, { compact = false, onSelect, onUpdate = () => {}, source } = {}) {
    this.root = root;
    this.runId = runId;
    this.onUpdate = onUpdate;
    this.model = null;
    this.replaying = false; // a replay has the timeline: records are still folded, not drawn
    this.skew = Infinity; // browser clock minus server clock, plus the smallest delivery delay seen
    this.store = new RunStore(runId, { onChange: () => this.schedule(), ...(source ? { source } : {}) });
    this.timeline = new Timeline(timelineElement, { compact, onSelect });
  }

  /** Records from a websocket (they may belong to other runs; the store keeps this run's). */
  receive(events) {
    const now = Date.now();
    for (const event of events)
      if (event.run_id === this.runId) this.skew = Math.min(this.skew, now - Date.parse(event.at));
    this.store.add(events, "ws");
  }

  async load() {
    await this.store.load();
    this.update();
    this.store.watch();
  }

  nowRel() {
    return Date.now() - (Number.isFinite(this.skew) ? this.skew : 0) - this.model.t0;
  }

  schedule() {
    if (!this._pending) this._pending = requestAnimationFrame(() => this.update());
  }

  update() {
    cancelAnimationFrame(this._pending);
    this._pending = 0;
    const { store } = this;
    if (!store.loaded) return;
    const started = performance.now();
    this.model = this._extend(this.model);
    const running = !store.final;
    if (!this.replaying) this.draw();
    this.lastUpdateMs = performance.now() - started;
    const lanes = [...this.model.active].sort();
    const barServices = [...this.model.barServices].sort();
    // What the browser test waits for: every service of the run's graph busy on screen (those that run
    // steps with a bar) while the run is still running.
    const { graphServices, stepServices, active, barServices: withBars } = this.model;
    if (
      running &&
      graphServices.length &&
      graphServices.every((s) => active.has(s)) &&
      stepServices.every((s) => withBars.has(s))
    ) {
      this.root.dataset.allServicesLive = "true";
    }
    Object.assign(this.root.dataset, {
      status: store.status,
      count: String(store.count),
      contiguous: String(store.contiguous),
      maxSeq: String(store.maxSeq),
      lanes: lanes.join(" "),
      barServices: barServices.join(" "),
      wsRecords: String(store.stats.ws),
      backfilled: String(store.stats.backfilled),
      gaps: String(store.stats.gaps),
      settled: store.settled ? "true" : "false",
      result: this.result,
    });
    this.onUpdate(this);
    if (this.ticking && !this._ticker) {
      // Running bars grow with the clock between records.
      this._ticker = setInterval(() => {
        if (this.model && !store.final && !this.replaying)
          this.timeline.setModel(this.model, { nowRel: Math.max(this.model.tMax, this.nowRel()), running: true });
      }, 100);
    } else if (!this.ticking && this._ticker) {
      clearInterval(this._ticker);
      this._ticker = null;
    }
  }

  /** The end word the run reached ("" while none): from its records, else from the API's summary. */
  get result() {
    return (this.model && this.model.result) || (this.store.summary && this.store.summary.result) || "";
  }

  /** Running bars grow with the clock: a run still running, and live (an export file's run stands still). */
  get ticking() {
    return !this.store.final && this.store.source.live;
  }

  /** Draw the live model now (also when a replay gives the timeline back). */
  draw() {
    const running = this.ticking;
    this.timeline.render(this.model, {
      nowRel: running ? Math.max(this.model.tMax, this.nowRel()) : this.model.tMax,
      running,
    });
  }

  /**
   * The model of every record present. Records that extend a complete model in sequence order are
   * applied to it; anything else (a gap, or a gap filled) rebuilds it from all the records.
   */
  _extend(model) {
    const { store } = this;
    const gapFree = store.maxSeq === store.contiguous;
    if (model && model.complete && model.count && gapFree && store.contiguous >= model.lastSeq) {
      for (let seq = model.lastSeq + 1; seq <= store.contiguous; seq += 1) model.apply(store.bySeq[seq]);
      return model;
    }
    const rebuilt = new TimelineModel(store.summary);
    for (const event of store.events()) rebuilt.apply(event);
    if (rebuilt.t0 === null) rebuilt.t0 = Date.now();
    rebuilt.complete = gapFree;
    this.rebuilds = (this.rebuilds || 0) + 1;
    return rebuilt;
  }

  stop() {
    this.store.stop();
    clearInterval(this._ticker);
  }
}

// Two live timelines, one above the other, on one time axis: the orchestration and the choreography
// run of the same pair. Each is measured from its own run's start; until the user zooms, both show
// the span of the longer run (growing while they run); a zoom or pan on one is applied to the other.

import { LiveRun } from "./live_run.js";

export const PATTERNS = ["orchestration", "choreography"];

export class PairTimelines {
  /**
   * @param {Object<string, HTMLElement>} panels pattern → its .pair-timeline element (holding
   *   [data-role=timeline], [data-role=status], [data-role=info], [data-role=link])
   * @param {{onUpdate?: Function}} options onUpdate(pattern, liveRun) after each redraw
   */
  constructor(panels, { onUpdate = () => {} } = {}) {
    this.panels = panels;
    this.onUpdate = onUpdate;
    this.views = {};
    this.pair = null;
    this.userZoomed = false;
    this.span = 0;
    this.syncs = 0;
  }

  /** Show the runs of one pair ({index, orchestration: runId, choreography: runId}). */
  show(pair) {
    if (this.pair && PATTERNS.every((p) => this.pair[p] === pair[p])) return;
    this.stop();
    this.pair = pair;
    this.userZoomed = false;
    this.span = 0;
    for (const pattern of PATTERNS) {
      const panel = this.panels[pattern];
      const host = panel.querySelector("[data-role=timeline]");
      // A fresh host: the old view's canvas, zoom and observers go with the old node.
      const fresh = host.cloneNode(false);
      host.replaceWith(fresh);
      const link = panel.querySelector("[data-role=link]");
      panel.dataset.runId = pair[pattern] || "";
      if (!pair[pattern]) {
        fresh.textContent = "No run of this pattern for this pair.";
        link.hidden = true;
        continue;
      }
      link.hidden = false;
      link.setAttribute("href", `/runs/${pair[pattern]}/`);
      const view = new LiveRun(panel, fresh, pair[pattern], {
        onUpdate: () => {
          this._align();
          this.onUpdate(pattern, view);
        },
      });
      this.views[pattern] = view;
      this._follow(pattern, view);
      view.load().catch((error) => (fresh.textContent = `Could not load the run: ${error.message}`));
    }
    this._ticker = setInterval(() => this._align(), 250);
  }

  /** Records from the websocket; each view keeps its own run's. */
  receive(events) {
    for (const view of Object.values(this.views)) view.receive(events);
  }

  /** After a (re)connect: fetch what the views may have missed. */
  fill(reason) {
    for (const view of Object.values(this.views)) if (view.store.loaded) view.store.fill(reason);
  }

  /** Back to both runs in full, on one axis. */
  fit() {
    this.userZoomed = false;
    this.span = 0;
    this._align(true);
  }

  /** A user's zoom or pan on one timeline: the other shows the same span. */
  _follow(pattern, view) {
    view.timeline.zoom.on("zoom.compare", (event) => {
      if (!event.sourceEvent) return; // programmatic (showDomain, fit): nothing to pass on
      this.userZoomed = true;
      const domain = view.timeline.visibleDomain();
      if (!domain) return;
      for (const [other, otherView] of Object.entries(this.views)) {
        if (other !== pattern && otherView.model) otherView.timeline.showDomain(domain);
      }
      this.syncs += 1;
    });
  }

  /** Where each run ends on the shared axis: its last record, or now while it runs. */
  _end(view) {
    if (!view.model) return 0;
    return view.store.final ? view.model.tMax : Math.max(view.model.tMax, view.nowRel());
  }

  /** Put both timelines on the span of the longer run; it grows in steps, so drawn items stay put. */
  _align(force = false) {
    const views = Object.values(this.views).filter((view) => view.model);
    if (this.userZoomed || !views.length) return;
    const running = views.some((view) => !view.store.final) || views.length < Object.keys(this.views).length;
    const end = Math.max(50, ...views.map((view) => this._end(view)));
    const wanted = running ? end * 1.25 : end * 1.03;
    const fits = this.span && end <= this.span && (running ? this._running : this.span <= wanted * 1.001);
    if (!fits) this.span = running ? Math.max(wanted, this.span) : wanted;
    this._running = running;
    const [t0, t1] = [-this.span * 0.015, this.span];
    for (const view of views) {
      const shown = view.timeline.frozen;
      if (force || !shown || shown[0] !== t0 || shown[1] !== t1) view.timeline.showDomain([t0, t1]);
    }
  }

  stop() {
    clearInterval(this._ticker);
    for (const view of Object.values(this.views)) view.stop();
    this.views = {};
  }
}

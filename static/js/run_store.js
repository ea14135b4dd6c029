// The event records of one run, by sequence number, with nothing missing at the end.
//
// Records reach the page twice over: the API (complete, in order) and the websocket (live, at most
// once). The store keeps them by `seq`, ignores duplicates, and when a sequence number is skipped,
// the socket reconnects, or the run goes quiet before its end, it fetches `?after_seq=` what it lacks.
// Where the records come from is the store's source: the API (a run of this server, live), or data in
// hand (an export file opened on /runs/open/: everything is there, nothing is asked for).

import { apiGet } from "./http.js";

const FINAL = new Set(["succeeded", "failed", "compensated", "cancelled"]);
const GAP_WAIT_MS = 150; // a batch from another worker may still be on its way
const QUIET_MS = 2500; // no record for this long while running: ask the API
const SETTLE_MS = 1500; // after the final record, ask once more (late records of a failed run)

export function isFinal(status) {
  return FINAL.has(status);
}

/** The run on this server: GET /api/runs/<id> first, then `?after_seq=` whatever is missing; live. */
export function apiSource(runId) {
  const path = `/api/runs/${encodeURIComponent(runId)}`;
  return { live: true, load: () => apiGet(path), after: (seq) => apiGet(`${path}?after_seq=${seq}`) };
}

/** A run's data in hand (the API's shape: summary, graph, steps, events): nothing more will come. */
export function dataSource(data) {
  return { live: false, load: async () => data, after: null };
}

export class RunStore {
  /** @param {{onChange?: Function, source?: {live: boolean, load: Function, after: Function|null}}} options */
  constructor(runId, { onChange = () => {}, source = apiSource(runId) } = {}) {
    this.runId = runId;
    this.onChange = onChange;
    this.source = source;
    this.bySeq = [];
    this.count = 0;
    this.contiguous = 0; // every record up to here is present
    this.maxSeq = 0;
    this.summary = null;
    this.loaded = false;
    this.runStatus = null; // from run.* records
    this.lastRecordAt = performance.now();
    this.stats = { ws: 0, api: 0, backfilled: 0, fetches: 0, gaps: 0, reconnects: 0, duplicates: 0 };
    this._filling = null;
    this._again = false;
  }

  get status() {
    return this.runStatus || (this.summary && this.summary.status) || "running";
  }

  get final() {
    return isFinal(this.status);
  }

  /** First load: the run's summary, graph and every record committed so far. */
  async load() {
    const started = performance.now();
    const data = await this.source.load();
    this.fetchMs = performance.now() - started;
    const { events, ...summary } = data;
    this.summary = summary;
    this.loaded = true;
    this.stats.fetches += 1;
    this.add(events, "api");
    if (this.contiguous < summary.last_seq && this.source.after) this.fill("load");
    return this;
  }

  /** Records from the websocket (or any source); a gap triggers a fetch of what is missing. */
  add(events, source = "ws") {
    let added = 0;
    for (const event of events) {
      if (!event || event.run_id !== this.runId || !Number.isInteger(event.seq) || event.seq < 1) continue;
      if (this.bySeq[event.seq]) {
        this.stats.duplicates += 1;
        continue;
      }
      this.bySeq[event.seq] = event;
      this.count += 1;
      added += 1;
      if (event.seq > this.maxSeq) this.maxSeq = event.seq;
      if (event.kind && event.kind.startsWith("run.") && event.kind !== "run.started") {
        this.runStatus = event.kind.slice(4);
      }
    }
    if (!added) return 0;
    this.stats[source === "backfill" ? "backfilled" : source] += added;
    this.lastRecordAt = performance.now();
    while (this.bySeq[this.contiguous + 1]) this.contiguous += 1;
    if (this.loaded && this.maxSeq > this.contiguous) {
      this.stats.gaps += 1;
      clearTimeout(this._gapTimer);
      this._gapTimer = setTimeout(() => {
        if (this.maxSeq > this.contiguous) this.fill("gap");
      }, GAP_WAIT_MS);
    }
    this.onChange(this);
    return added;
  }

  /** Fetch every record after the last contiguous one; concurrent calls coalesce into one more fetch. */
  fill(reason = "gap") {
    if (!this.loaded || !this.source.after) return Promise.resolve();
    if (reason === "reconnect") this.stats.reconnects += 1;
    if (this._filling) {
      this._again = true;
      return this._filling;
    }
    this._filling = (async () => {
      let failures = 0;
      do {
        this._again = false;
        try {
          const data = await this.source.after(this.contiguous);
          this.stats.fetches += 1;
          const { events, ...summary } = data;
          this.summary = { ...this.summary, ...summary };
          const added = this.add(events, "backfill");
          if (!added) this.onChange(this); // the status may have changed
        } catch {
          // a failed fetch is tried again, a little later each time
          failures += 1;
          if (failures > 5) break;
          this._again = true;
          await new Promise((resolve) => setTimeout(resolve, 500 * failures));
        }
      } while (this._again);
    })().finally(() => {
      this._filling = null;
    });
    return this._filling;
  }

  /** Ask the API now and then while the run goes quiet, and once after it ended: tail records may be lost too. */
  watch() {
    clearInterval(this._watch);
    if (!this.source.live) {
      // Data in hand: there is nothing to wait for.
      this.settled = true;
      this.onChange(this);
      return;
    }
    let settledAt = null;
    this._watch = setInterval(() => {
      if (!this.loaded) return;
      const quietFor = performance.now() - this.lastRecordAt;
      if (!this.final) {
        if (quietFor > QUIET_MS) {
          this.lastRecordAt = performance.now();
          this.fill("quiet");
        }
        return;
      }
      if (settledAt === null) settledAt = performance.now();
      if (performance.now() - settledAt > SETTLE_MS && !this._filling) {
        clearInterval(this._watch);
        this.fill("settle").then(() => {
          this.settled = true;
          this.onChange(this);
        });
      }
    }, 250);
  }

  stop() {
    clearInterval(this._watch);
    clearTimeout(this._gapTimer);
  }

  /** The records present, in sequence order. */
  events() {
    const list = [];
    for (let seq = 1; seq <= this.maxSeq; seq += 1) if (this.bySeq[seq]) list.push(this.bySeq[seq]);
    return list;
  }
}

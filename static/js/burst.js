// A burst of N orders: placed in chunks through POST /api/orders/burst, followed to the end by
// the all-runs websocket and, because the socket may drop records, by POST /api/run-statuses.

import { apiPost } from "./http.js";
import { formatMs } from "./dom.js";
import { isFinal } from "./run_store.js";

const CHUNK = 100;
const POLL_MS = 2000;
const STATUS_BATCH = 1000;

export class Burst {
  constructor({ total, order, onProgress }) {
    this.total = total;
    this.order = order; // {sku, quantity, customer_email, region, pattern, latency_ms}
    this.onProgress = onProgress;
    this.statuses = new Map(); // run id → status
    this.placed = 0;
    this.finished = 0;
    this.failed = 0; // finished other than succeeded (failed or compensated)
    this.byStatus = {};
    this.unsuccessful = []; // ids of the runs that finished without succeeding
    this.reasons = {}; // why they did: reason → runs (asked once the burst is done)
    this.cancelled = false;
    this.stoppedReason = "";
    this.startedAt = performance.now();
    this.finishedAt = null;
  }

  async run() {
    this._poll = setInterval(() => this.poll(), POLL_MS);
    try {
      while (this.placed < this.total && !this.cancelled) {
        const count = Math.min(CHUNK, this.total - this.placed);
        const data = await apiPost("/api/orders/burst", { ...this.order, count, offset: this.placed });
        for (const placed of data.placed)
          if (!this.statuses.has(placed.run_id)) this.statuses.set(placed.run_id, "running");
        this.placed += data.count;
        this.onProgress(this);
        if (data.stopped) {
          this.stoppedReason = Object.entries(data.stopped)
            .map(([field, reason]) => `${field}: ${reason}`)
            .join("; ");
          break;
        }
      }
    } catch (error) {
      this.error = error;
      this.stoppedReason = error.message;
    }
    this.onProgress(this);
    await this.poll();
  }

  /** Records from the all-runs socket: a final run.* record moves the "finished" bar at once. */
  apply(events) {
    let changed = false;
    for (const event of events) {
      if (!event.kind.startsWith("run.") || !this.statuses.has(event.run_id)) continue;
      changed = this._set(event.run_id, event.kind.slice(4)) || changed;
    }
    if (changed) this.onProgress(this);
  }

  /** Ask the API for the runs not yet known to be finished (what the socket may have dropped). */
  async poll() {
    const open = [...this.statuses].filter(([, status]) => !isFinal(status)).map(([id]) => id);
    for (let index = 0; index < open.length; index += STATUS_BATCH) {
      try {
        const data = await apiPost("/api/run-statuses", { run_ids: open.slice(index, index + STATUS_BATCH) });
        for (const [id, status] of Object.entries(data.statuses)) this._set(id, status);
      } catch (error) {
        console.warn("burst:", error.message);
      }
    }
    this._checkDone();
    this.onProgress(this);
  }

  _set(runId, status) {
    const before = this.statuses.get(runId);
    if (before === status || isFinal(before)) return false;
    this.statuses.set(runId, status);
    if (isFinal(status)) {
      this.finished += 1;
      this.byStatus[status] = (this.byStatus[status] || 0) + 1;
      if (status !== "succeeded") {
        this.failed += 1;
        this.unsuccessful.push(runId);
      }
      this._checkDone();
    }
    return true;
  }

  _checkDone() {
    if (this.done && !this.finishedAt) {
      this.finishedAt = performance.now();
      clearInterval(this._poll);
      if (this.unsuccessful.length) this._explain();
    }
  }

  /** Why the runs that did not succeed ended so, from their records (reason → runs). */
  async _explain() {
    const reasons = {};
    for (let index = 0; index < this.unsuccessful.length; index += STATUS_BATCH) {
      try {
        const ids = this.unsuccessful.slice(index, index + STATUS_BATCH);
        const data = await apiPost("/api/run-statuses", { run_ids: ids });
        for (const [reason, runs] of Object.entries(data.reasons || {}))
          reasons[reason] = (reasons[reason] || 0) + runs;
      } catch (error) {
        console.warn("burst:", error.message);
      }
    }
    this.reasons = reasons;
    this.onProgress(this);
  }

  get done() {
    return (
      (this.placed >= this.total || this.cancelled || this.stoppedReason) &&
      this.finished >= this.placed &&
      this.placed > 0
    );
  }

  summary() {
    const elapsed = (this.finishedAt || performance.now()) - this.startedAt;
    const rate = this.finished ? ` · ${(this.finished / (elapsed / 1000)).toFixed(1)} runs/s` : "";
    const statuses = Object.entries(this.byStatus)
      .map(([status, count]) => `${count} ${status}`)
      .join(", ");
    const reasons = Object.entries(this.reasons)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, count]) => `${count} ${reason}`)
      .join("; ");
    const why = reasons ? ` — ${reasons}` : "";
    return `${this.placed}/${this.total} placed · ${this.finished} finished${statuses ? ` (${statuses}${why})` : ""} · ${formatMs(elapsed)}${rate}`;
  }

  cancel() {
    this.cancelled = true;
  }
}

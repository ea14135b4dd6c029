// A burst of N orders: placed in chunks through POST /api/orders/burst, followed to the end by
// the all-runs websocket and, because the socket may drop records, by POST /api/run-statuses.
// Each chunk carries an Idempotency-Key: a chunk whose answer was lost is sent again (Resume) with the
// same key and body, and the server answers what it placed the first time instead of placing it again.

import { apiPost } from "./http.js";
import { formatMs } from "./dom.js";
import { isFinal } from "./run_store.js";
import { burstChunks, busyWaitMs, chunkFailure, chunkKey, newBurstId } from "./burst_plan.js";

const POLL_MS = 2000;
const STATUS_BATCH = 1000;
const BUSY_RETRIES = 10; // 409s in a row for one chunk: its first try is still being processed
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
    this.interrupted = false; // a chunk got no answer: Resume sends it again, then the rest
    this.waiting = ""; // why the burst is waiting for the server (a chunk answered 409)
    this.id = newBurstId();
    this.chunks = burstChunks(total);
    this.nextChunk = 0; // the first chunk the server has not confirmed
    this.startedAt = performance.now();
    this.finishedAt = null;
  }

  async run() {
    if (!this._poll) this._poll = setInterval(() => this.poll(), POLL_MS);
    this.interrupted = false;
    this.stoppedReason = "";
    this.error = null;
    this.onProgress(this);
    let busy = 0;
    while (this.nextChunk < this.chunks.length && !this.cancelled) {
      const chunk = this.chunks[this.nextChunk];
      let data;
      try {
        data = await apiPost(
          "/api/orders/burst",
          { ...this.order, count: chunk.count, offset: chunk.offset },
          { headers: { "Idempotency-Key": chunkKey(this.id, chunk.index) } },
        );
      } catch (error) {
        const failure = chunkFailure(error);
        if (failure === "busy" && busy < BUSY_RETRIES) {
          // The server has not finished this chunk's first try, or (after a restart) will take it over
          // when its Retry-After has passed and place only the orders still missing.
          busy += 1;
          const wait = busyWaitMs(error);
          this.waiting = `chunk ${chunk.index + 1} is still being processed; asking again in ${Math.round(wait / 1000)} s`;
          this.onProgress(this);
          await pause(wait);
          this.waiting = "";
          continue;
        }
        this.error = error;
        this.interrupted = failure !== "refused";
        this.stoppedReason = error.message;
        break;
      }
      busy = 0;
      this._confirmed(data);
      if (data.stopped) {
        this.stoppedReason = Object.entries(data.stopped)
          .map(([field, reason]) => `${field}: ${reason}`)
          .join("; ");
        break;
      }
    }
    this.onProgress(this);
    await this.poll();
  }

  /** Send the chunk that got no answer again (same key), then the rest. */
  async resume() {
    if (this.interrupted) await this.run();
  }

  /** A chunk the server answered: only now do its orders count as placed. */
  _confirmed(data) {
    for (const placed of data.placed)
      if (!this.statuses.has(placed.run_id)) this.statuses.set(placed.run_id, "running");
    this.placed += data.count;
    this.nextChunk += 1;
    this.onProgress(this);
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
      this._poll = null;
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

  /** Nothing more will be placed (an interrupted burst may still resume) and every placed run finished. */
  get done() {
    const placing = this.placed < this.total && !this.cancelled && (!this.stoppedReason || this.interrupted);
    return !placing && this.finished >= this.placed && this.placed > 0;
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

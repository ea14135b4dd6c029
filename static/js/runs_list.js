// Recent runs on the dashboard, kept current from the all-runs websocket; refetched after a
// reconnect or when a run's sequence numbers show that records were lost on the way.

import { apiGet } from "./http.js";
import { el, clear, formatClock, formatMs, shortId } from "./dom.js";
import { isFinal } from "./run_store.js";

const SHOWN = 15;
const KEPT = 3000;
const REFETCH_GAP_MS = 1500;

export class RunsList {
  constructor(tbody, { onRefetch = () => {} } = {}) {
    this.tbody = tbody;
    this.onRefetch = onRefetch;
    this.runs = new Map(); // run id → {run_id, pattern, workflow, status, result, order_id?, created_at, finished_at, lastSeq}
    this.refetches = 0;
  }

  async refetch() {
    this.lastRefetch = Date.now();
    try {
      const data = await apiGet(`/api/runs?limit=${SHOWN}`);
      for (const summary of data.results) {
        const known = this.runs.get(summary.run_id) || { lastSeq: null };
        this.runs.set(summary.run_id, { ...known, ...summary });
      }
      this.refetches += 1;
      this.onRefetch();
    } catch (error) {
      console.warn("runs list:", error.message);
    }
    this.render();
  }

  /** Records of any run, as the all-runs websocket sends them. */
  apply(events) {
    let missed = false;
    for (const event of events) {
      let run = this.runs.get(event.run_id);
      if (!run) {
        if (event.kind !== "run.started") {
          missed = missed || event.seq > 1;
          continue;
        }
        run = {
          run_id: event.run_id,
          pattern: event.payload.pattern,
          workflow: event.payload.design,
          status: "running",
          result: "",
          created_at: event.at,
          finished_at: null,
          lastSeq: 0,
        };
        this.runs.set(event.run_id, run);
      }
      if (run.lastSeq !== null && event.seq > run.lastSeq + 1) missed = true;
      run.lastSeq = Math.max(run.lastSeq || 0, event.seq);
      const body = event.payload && event.payload.body;
      if (run.order_id == null && body && Number.isInteger(body.order_id)) run.order_id = body.order_id;
      if (event.kind.startsWith("run.") && event.kind !== "run.started") {
        run.status = event.kind.slice(4);
        if (isFinal(run.status)) run.finished_at = event.at;
        if (event.payload && event.payload.result) run.result = event.payload.result;
      }
    }
    if (missed && Date.now() - (this.lastRefetch || 0) > REFETCH_GAP_MS) this.refetch();
    if (this.runs.size > KEPT) {
      const oldest = [...this.runs.values()]
        .sort((a, b) => a.created_at.localeCompare(b.created_at))
        .slice(0, this.runs.size - KEPT);
      oldest.forEach((run) => this.runs.delete(run.run_id));
    }
    this.scheduleRender();
  }

  scheduleRender() {
    if (this._pending) return;
    this._pending = setTimeout(() => {
      this._pending = null;
      requestAnimationFrame(() => this.render());
    }, 150);
  }

  render() {
    const shown = [...this.runs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at)).slice(0, SHOWN);
    clear(this.tbody);
    for (const run of shown) {
      const ended = run.finished_at ? Date.parse(run.finished_at) - Date.parse(run.created_at) : null;
      this.tbody.append(
        el(
          "tr",
          { dataset: { runId: run.run_id, status: run.status } },
          el("td", {}, el("a", { href: `/runs/${run.run_id}/`, class: "mono", text: shortId(run.run_id) })),
          el("td", { class: "workflow", text: run.workflow || "" }),
          el("td", {}, el("span", { class: `badge pattern-${run.pattern}`, text: run.pattern })),
          el(
            "td",
            { dataset: { result: run.result || "" } },
            el("span", { class: `badge status-${run.status}`, text: run.status }),
            run.result ? el("span", { class: "run-result", text: ` · ${run.result}` }) : null,
          ),
          el("td", { class: "num", text: run.order_id ?? "" }),
          el("td", { class: "num", text: ended === null ? "…" : formatMs(ended) }),
          el("td", { class: "muted", text: formatClock(run.created_at) }),
        ),
      );
    }
    if (!shown.length)
      this.tbody.append(el("tr", {}, el("td", { colspan: 7, class: "muted", text: "No runs yet: start one." })));
    this.tbody.closest("table").dataset.count = String(shown.length);
  }
}

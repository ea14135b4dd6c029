// One comparison, live: progress per pattern, the table of what differed, the notes, the latency
// distribution, and the two timelines of a pair of runs on one time axis.
//
// The figures come from GET /api/comparisons/<id> (measured from the event records on the server),
// fetched again while runs are running and soon after records of its runs arrive on the websocket.

import { apiGet } from "./http.js";
import { el, clear, formatMs, shortId, testHooksExpose } from "./dom.js";
import { LiveSocket, liveStatusShow } from "./live.js";
import { FaultSwitches } from "./compare_faults.js";
import { drawDistribution } from "./compare_chart.js";
import { PairTimelines, PATTERNS } from "./compare_sync.js";
import { serviceLabel } from "./vocabulary.js";

const POLL_MS = 2000;
const AFTER_RECORD_MS = 600;

const root = document.getElementById("comparison");
const comparisonId = root.dataset.comparisonId;
const canOperate = root.dataset.canOperate === "true";
const liveBadge = document.getElementById("live");
const pairSelect = document.getElementById("pair");
let data = null;
let runIds = new Set();
let timer = 0;
let dueAt = Infinity;

const panels = Object.fromEntries(PATTERNS.map((p) => [p, root.querySelector(`.pair-timeline[data-pattern=${p}]`)]));
const pairs = new PairTimelines(panels, { onUpdate: (pattern, view) => showRunHead(pattern, view) });

const socket = new LiveSocket("/ws/runs/", {
  onEvents: (events) => {
    pairs.receive(events);
    if (events.some((event) => runIds.has(event.run_id))) schedule(AFTER_RECORD_MS);
  },
  onStatus: (status) => liveStatusShow(liveBadge, root, status),
  onOpen: (reconnect) => {
    pairs.fill(reconnect ? "reconnect" : "subscribed");
    if (reconnect) schedule(0);
  },
});

/** Fetch the figures in `ms`, unless a fetch is already due sooner: a steady stream of records must
 * not keep pushing the fetch back (it would never come while many runs are running). */
function schedule(ms) {
  const due = performance.now() + ms;
  if (timer && dueAt <= due) return;
  clearTimeout(timer);
  dueAt = due;
  timer = setTimeout(refresh, ms);
}

async function refresh() {
  timer = 0;
  dueAt = Infinity;
  try {
    data = await apiGet(`/api/comparisons/${encodeURIComponent(comparisonId)}`);
  } catch (error) {
    root.dataset.error = error.message;
    schedule(POLL_MS * 2);
    return;
  }
  runIds = new Set(PATTERNS.flatMap((pattern) => data.runs[pattern].map((run) => run.run_id)));
  showProgress();
  showTable();
  showNotes();
  drawDistribution(document.getElementById("distribution"), data.distribution);
  showPairs();
  for (const [pattern, view] of Object.entries(pairs.views)) if (view.store.loaded) showRunHead(pattern, view);
  root.dataset.finished = String(data.finished);
  root.dataset.refreshes = String(Number(root.dataset.refreshes || 0) + 1);
  if (!data.finished) schedule(POLL_MS);
}

function showProgress() {
  for (const pattern of PATTERNS) {
    const row = root.querySelector(`.progress-row[data-pattern=${pattern}]`);
    const agg = data.aggregate[pattern];
    const bar = row.querySelector("progress");
    bar.max = Math.max(1, agg.runs);
    bar.value = agg.finished;
    row.querySelector(".num").textContent = `${agg.finished} of ${agg.runs} finished`;
    root.dataset[`${pattern}Finished`] = String(agg.finished);
    root.dataset[`${pattern}Runs`] = String(agg.runs);
  }
}

function showTable() {
  const body = document.querySelector("#diff-table tbody");
  clear(body);
  for (const row of data.table) {
    body.append(
      el(
        "tr",
        { class: row.differs ? "differs" : "", dataset: { key: row.key } },
        el("th", { scope: "row", text: row.label }),
        el("td", { dataset: { pattern: "orchestration" }, text: row.orchestration }),
        el("td", { dataset: { pattern: "choreography" }, text: row.choreography }),
      ),
    );
  }
}

function showNotes() {
  const list = document.getElementById("notes");
  clear(list);
  if (!data.notes.length) list.append(el("li", { class: "muted", text: "Notes appear once the runs have records." }));
  for (const note of data.notes)
    list.append(
      el("li", { dataset: { topic: note.topic } }, el("span", { class: "topic", text: note.topic }), note.text),
    );
}

function pairLabel(pair) {
  const status = (pattern) => {
    const run = data.runs[pattern].find((each) => each.index === pair.index);
    return run ? run.status : "–";
  };
  return `#${pair.index + 1}: ${status("orchestration")} / ${status("choreography")}`;
}

function showPairs() {
  const chosen = pairSelect.value === "" ? 0 : Number(pairSelect.value);
  const labels = data.pairs.map(pairLabel);
  if (labels.join("|") !== [...pairSelect.options].map((option) => option.text).join("|")) {
    clear(pairSelect);
    data.pairs.forEach((pair, i) => pairSelect.append(el("option", { value: pair.index, text: labels[i] })));
  }
  if (!data.pairs.length) return;
  pairSelect.value = String(data.pairs.some((pair) => pair.index === chosen) ? chosen : data.pairs[0].index);
  showPair();
}

function showPair() {
  const pair = data.pairs.find((each) => each.index === Number(pairSelect.value));
  if (!pair) return;
  pairs.show(pair);
  root.dataset.pair = String(pair.index);
}

/** A run's status, latency and the facts that matter beside its timeline. */
function showRunHead(pattern, view) {
  const panel = panels[pattern];
  const status = panel.querySelector("[data-role=status]");
  status.textContent = view.store.status;
  status.className = `badge status status-${view.store.status}`;
  const fact = data && data.runs[pattern].find((run) => run.run_id === view.runId);
  const parts = [`run ${shortId(view.runId)}`, `${view.store.count} records`];
  if (view.result) parts.unshift(`ended "${view.result}"`);
  if (fact) {
    if (fact.order_id) parts.push(`order #${fact.order_id}`);
    parts.push(`${fact.messages.total} messages`);
    if (fact.latency_ms !== null) parts.push(`took ${formatMs(fact.latency_ms)}`);
    const waiting = fact.waiting_at.map((w) => `${w.step_id} (${serviceLabel(w.service)})`);
    if (waiting.length) parts.push(`waiting at ${waiting.join(", ")}`);
  }
  panel.querySelector("[data-role=info]").textContent = parts.join(" · ");
}

pairSelect.addEventListener("change", showPair);
for (const [id, step] of [
  ["pair-prev", -1],
  ["pair-next", 1],
]) {
  document.getElementById(id).addEventListener("click", () => {
    const options = [...pairSelect.options];
    const next = options[pairSelect.selectedIndex + step];
    if (!next) return;
    pairSelect.value = next.value;
    showPair();
  });
}
document.getElementById("fit").addEventListener("click", () => pairs.fit());

new FaultSwitches(document.getElementById("fault-switches"), { canOperate }).start();
socket.connect();
refresh().then(() => (root.dataset.ready = "true"));
testHooksExpose({ pairs, socket, data: () => data, refresh });

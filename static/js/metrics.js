// The metrics page: GET /api/metrics for the chosen window and filters, every few seconds, drawn as
// charts (metrics_charts.js) and figures (metrics_tables.js). The filters live in the URL's query, so a
// view can be shared.

import { apiGet } from "./http.js";
import { el, clear, formatClock } from "./dom.js";
import { barChart, legend, lineChart } from "./metrics_charts.js";
import { patternCards, serviceTable, stepTable } from "./metrics_tables.js";
import { serviceColour, serviceLabel } from "./vocabulary.js";

/** Refresh often for short windows; a day of runs costs the server more to read and changes slowly. */
function refreshMs(windowSeconds) {
  return windowSeconds <= 900 ? 5000 : windowSeconds <= 3600 ? 15000 : 60000;
}
const PATTERN_COLORS = { orchestration: "#4457b8", choreography: "#e08a1e" };
const PATTERN_DASHES = { choreography: "6 4" }; // equal counts in both patterns would hide one solid line
const PERCENTILES = [
  { key: "p50", name: "p50 (median)", color: "#a9c8f0" },
  { key: "p95", name: "p95", color: "#4f8ad9" },
  { key: "p99", name: "p99", color: "#1d3f8f" },
];
const TROUBLE = [
  { key: "failed", name: "failed steps", color: "#d23f3f" },
  { key: "retries", name: "retries", color: "#e08a1e" },
  { key: "timeouts", name: "timeouts", color: "#8a55d0" },
  { key: "compensations", name: "compensations", color: "#6b7280" },
];

const root = document.getElementById("metrics");
const form = document.getElementById("metrics-filters");
const status = document.getElementById("metrics-status");
const $ = (id) => document.getElementById(id);
let last = null;
let loading = false;
let again = false;
let refreshes = 0;

function filters() {
  const data = new FormData(form);
  return { window: data.get("window"), pattern: data.get("pattern") || "", workflow: data.get("workflow") || "" };
}

function queryString() {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters())) if (value) params.set(name, value);
  return params.toString();
}

/** Filters from the address (a shared link), where the page offers them. */
function filtersFromAddress() {
  const params = new URLSearchParams(window.location.search);
  for (const name of ["window", "pattern", "workflow"]) {
    const value = params.get(name);
    if (!value) continue;
    const select = form.elements[name];
    if (![...select.options].some((option) => option.value === value))
      select.append(el("option", { value, text: value }));
    select.value = value;
  }
}

async function refresh() {
  if (loading) {
    again = true; // the filters changed meanwhile: ask once more when this answer is in
    return;
  }
  loading = true;
  root.dataset.loading = "true";
  try {
    const data = await apiGet(`/api/metrics?${queryString()}`);
    last = data;
    render(data);
    refreshes += 1;
    root.dataset.refreshes = String(refreshes);
    root.dataset.state = "ready";
    status.className = "muted";
    status.textContent = `updated ${formatClock(data.generated_at).slice(0, 8)}`;
  } catch (error) {
    root.dataset.state = "error";
    status.className = "error";
    status.textContent = `Could not load the metrics: ${error.message}`;
  } finally {
    loading = false;
    root.dataset.loading = "false";
  }
  if (again) {
    again = false;
    await refresh();
  }
}

function workflowOptions(workflows) {
  const select = form.elements.workflow;
  const current = select.value;
  const wanted = ["", ...new Set([...workflows, ...(current ? [current] : [])])];
  const have = [...select.options].map((option) => option.value);
  if (wanted.join("\n") === have.join("\n")) return;
  clear(select).append(
    ...wanted.map((slug) => el("option", { value: slug, text: slug || "all workflows", selected: slug === current })),
  );
}

function scopeText(data) {
  const parts = [`Runs started in the last ${data.window.label}`];
  if (data.filters.pattern) parts.push(`${data.filters.pattern} only`);
  if (data.filters.workflow) parts.push(`workflow ${data.filters.workflow}`);
  const runs = `${data.runs} run${data.runs === 1 ? "" : "s"}`;
  return `${parts.join(", ")}: ${runs}. Queue charts show the queues themselves, sampled every 2 s, whatever the filters.`;
}

function render(data) {
  root.dataset.runs = String(data.runs);
  root.dataset.samples = String(data.queues.samples);
  root.dataset.window = String(data.window.seconds);
  workflowOptions(data.workflows);
  $("metrics-scope").textContent = scopeText(data);
  const empty = data.runs === 0;
  $("metrics-empty").hidden = !empty;
  $("metrics-empty-text").textContent =
    `No runs in the last ${data.window.label}${data.filters.pattern ? ` (${data.filters.pattern})` : ""}`;
  for (const node of document.querySelectorAll(".needs-runs")) node.hidden = empty;
  drawQueues(data.queues);
  if (empty) return;
  patternCards($("pattern-cards"), data.patterns);
  drawThroughput(data.throughput);
  drawPatternLatency(data.patterns);
  drawStepLatency(data.steps, !data.filters.pattern);
  drawServices(data.services);
  stepTable($("step-table"), data.steps);
  serviceTable($("service-table"), data.services);
}

function times(block) {
  return block.times.map((iso) => new Date(iso));
}

function drawThroughput(throughput) {
  const common = { times: times(throughput), bucketMs: throughput.bucket_seconds * 1000 };
  const per = `per ${throughput.bucket_seconds} s`;
  const lines = (name) =>
    throughput.series.map((s) => ({
      name: s.pattern,
      color: PATTERN_COLORS[s.pattern],
      dash: PATTERN_DASHES[s.pattern],
      values: s[name],
    }));
  lineChart($("chart-runs-finished"), { ...common, series: lines("runs_finished"), yLabel: `runs finished ${per}` });
  lineChart($("chart-steps-finished"), { ...common, series: lines("steps_finished"), yLabel: `steps finished ${per}` });
  const items = throughput.series.map((s) => ({ name: s.pattern, color: PATTERN_COLORS[s.pattern] }));
  clear($("legend-throughput")).append(legend(items));
}

function drawPatternLatency(patterns) {
  const rows = patterns.map((p) => ({ label: p.pattern, color: PATTERN_COLORS[p.pattern], values: p.latency_ms }));
  barChart($("chart-pattern-latency"), {
    rows,
    keys: PERCENTILES,
    xLabel: "end-to-end latency (run created → finished)",
  });
}

function drawQueues(queues) {
  const common = { times: times(queues), bucketMs: queues.bucket_seconds * 1000, height: 170 };
  const lines = (name) =>
    queues.series.map((s) => ({ name: s.service, color: serviceColour(s.service), values: s[name] }));
  const per = `(highest per ${queues.bucket_seconds} s)`;
  lineChart($("chart-queued"), { ...common, series: lines("queued"), yLabel: "jobs queued" });
  lineChart($("chart-in-flight"), { ...common, series: lines("in_flight"), yLabel: "jobs in flight" });
  lineChart($("chart-failed"), { ...common, series: lines("failed"), yLabel: "failed jobs" });
  $("queue-bucket").textContent = per;
  clear($("legend-queues")).append(
    legend(queues.series.map((s) => ({ name: serviceLabel(s.service), color: serviceColour(s.service) }))),
  );
}

/** Step latencies; an end step (no service: it never waits nor runs) is left out of the charts. */
function drawStepLatency(steps, bothPatterns) {
  const rows = (name) =>
    steps
      .filter((s) => s.service)
      .map((s) => ({
        label: bothPatterns ? `${s.step_id} · ${s.pattern}` : s.step_id,
        color: PATTERN_COLORS[s.pattern],
        values: s[name],
      }));
  latencyCharts("step", rows);
}

/** The wait and execution percentiles of #chart-<what>-wait and #chart-<what>-execution; rows(field). */
function latencyCharts(what, rows) {
  barChart($(`chart-${what}-wait`), {
    rows: rows("wait_ms"),
    keys: PERCENTILES,
    xLabel: "wait in queue (queued → started)",
  });
  barChart($(`chart-${what}-execution`), {
    rows: rows("execution_ms"),
    keys: PERCENTILES,
    xLabel: "execution (started → finished)",
  });
}

function drawServices(services) {
  const busy = services.filter((s) => s.steps > 0 && s.service); // ends have no service
  const row = (s, values) => ({ label: serviceLabel(s.service), color: serviceColour(s.service), values });
  latencyCharts("service", (name) => busy.map((s) => row(s, s[name])));
  const trouble = busy.map((s) => row(s, s));
  barChart($("chart-trouble"), {
    rows: trouble,
    keys: TROUBLE,
    xLabel: "count in the window",
    integer: true,
    format: String,
    barHeight: 10,
  });
}

function keyLegends() {
  for (const node of document.querySelectorAll("[data-legend=percentiles]")) clear(node).append(legend(PERCENTILES));
  clear($("legend-trouble")).append(legend(TROUBLE));
}

keyLegends();
filtersFromAddress();
form.addEventListener("change", (event) => {
  if (event.target.name === "auto") return;
  history.replaceState(null, "", `${window.location.pathname}?${queryString()}`);
  refresh().then(schedule);
});
form.addEventListener("submit", (event) => event.preventDefault());
let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => last && render(last), 200);
});
let timer = null;
/** The next automatic refresh, counted from the end of the last one (a slow answer never piles up). */
function schedule() {
  clearTimeout(timer);
  const every = refreshMs(Number(filters().window));
  $("refresh-every").textContent = `every ${every / 1000} s`;
  timer = setTimeout(async () => {
    if (form.elements.auto.checked && !document.hidden) await refresh();
    schedule();
  }, every);
}
refresh().then(schedule);

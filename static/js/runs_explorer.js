// The runs explorer (/runs/): find any run by its filters, page through them, see the business state beside
// the run's status; new matching runs are counted live ("12 new") and shown on a click, never pushed in.
// The filters live in the URL: every change is a history entry, the back button restores the list before.

import { request, errorText } from "./http.js";
import { el, clear, formatMs, shortId, testHooksExpose } from "./dom.js";
import { LiveSocket, liveStatusShow } from "./live.js";
import { vocabulary } from "./vocabulary.js";
import {
  DEFAULT_SORT,
  FILTERS,
  apiPath,
  csvPath,
  filtersRead,
  filtersWithout,
  filtersWrite,
  isoBefore,
  listOpen,
} from "./runs_query.js";

const PAGE_SIZE = 50;
const NEW_CHECK_MS = 1000; // at most one "how many new?" question a second, however busy the socket
const NEW_COUNTED = 100; // past this the banner says "100+ new"
const RERUNNABLE = ["failed", "compensated"];
const STATUS_SIGN = { running: "▶", compensating: "↺", succeeded: "✓", failed: "✗", compensated: "↩" };

const root = document.getElementById("explorer");
const form = document.getElementById("filters");
const tbody = document.querySelector("#runs-table tbody");
const listStatus = document.getElementById("list-status");
const newBox = document.getElementById("new-runs");
const newButton = document.getElementById("new-runs-show");
const previousButton = document.getElementById("page-previous");
const nextButton = document.getElementById("page-next");
const pageNumber = document.getElementById("page-number");
const csvLink = document.getElementById("csv-link");
const bulk = document.getElementById("bulk"); // only on an operator's page

const state = {
  filters: {}, // as the URL says, cursor included
  cursors: [], // the cursors of the pages before this one ("" is the first page)
  results: [],
  nextCursor: null,
  baseline: undefined, // the newest start time among the matching runs when the list loaded (null: none)
  seen: new Set(), // run ids matching when the list loaded
  newCount: 0,
  loads: 0,
};
let workflows = [];

// --- the form ---------------------------------------------------------------------------------------
function optionsFill(select, entries, first) {
  const keep = select.value;
  clear(select).append(el("option", { value: "", text: first }));
  for (const [value, label] of entries) select.append(el("option", { value, text: label }));
  select.value = keep;
}

/** Set a select to `value`; one the options lack (a link from elsewhere, a typo) is added, so it shows. */
function selectSet(select, value) {
  if (value && ![...select.options].some((option) => option.value === value)) {
    select.append(el("option", { value, text: `${value} (unknown)`, dataset: { unknown: "true" } }));
  }
  select.value = value || "";
}

function versionsFill(workflow) {
  const design = workflows.find((each) => each.slug === workflow);
  const numbers = design ? Array.from({ length: design.latest_version }, (_, i) => design.latest_version - i) : [];
  optionsFill(
    form.elements.version,
    numbers.map((n) => [String(n), `v${n}`]),
    "any version",
  );
}

/** The chosen workflow's step ids, offered as the step field's suggestions (any text may still be typed). */
async function stepsSuggest(workflow) {
  const list = document.getElementById("step-names");
  const answer = workflow ? await request("GET", `/api/workflows/${encodeURIComponent(workflow)}`) : null;
  const steps = answer && answer.ok && Array.isArray(answer.data.steps) ? answer.data.steps : [];
  clear(list).append(...steps.map((step) => el("option", { value: step.id })));
}

function formFill(filters) {
  for (const name of ["status", "pattern", "service", "sort"]) {
    selectSet(form.elements[name], name === "sort" ? filters.sort || DEFAULT_SORT : filters[name]);
  }
  selectSet(form.elements.workflow, filters.workflow);
  versionsFill(filters.workflow);
  stepsSuggest(workflows.some((each) => each.slug === filters.workflow) ? filters.workflow : "");
  selectSet(form.elements.version, filters.version);
  for (const name of ["step", "since", "until", "order_id", "customer_email", "run_id"]) {
    form.elements[name].value = filters[name] || "";
  }
  const had = (filters.had || "").split(",");
  form.querySelectorAll("input[name=had]").forEach((box) => (box.checked = had.includes(box.value)));
}

function formRead() {
  const data = new FormData(form);
  const filters = {};
  for (const name of FILTERS) {
    const value = name === "had" ? data.getAll("had").join(",") : String(data.get(name) || "").trim();
    if (value && !(name === "sort" && value === DEFAULT_SORT)) filters[name] = value;
  }
  return filters;
}

function errorsShow(errors) {
  form.querySelectorAll(".field-error").forEach((slot) => (slot.textContent = ""));
  form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
  const general = form.querySelector(".form-error");
  general.textContent = "";
  for (const [field, reason] of Object.entries(errors)) {
    const slot = form.querySelector(`.field-error[data-for="${CSS.escape(field)}"]`);
    if (slot) {
      slot.textContent = reason;
      const input = form.elements[field];
      if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
    } else general.textContent += `${field === "cursor" ? "page" : field}: ${reason} `;
  }
  root.dataset.errors = Object.keys(errors).sort().join(",");
}

// --- the URL ----------------------------------------------------------------------------------------
/** Show the list of `filters` and make it a history entry (or replace the current one). */
function navigate(filters, cursors, { replace = false } = {}) {
  const url = `${location.pathname}${filtersWrite(filters)}`;
  const entry = { cursors };
  // The same list again (Enter in a field fires "change" and "submit") is not a second history entry.
  if (replace || url === `${location.pathname}${location.search}`) history.replaceState(entry, "", url);
  else history.pushState(entry, "", url);
  return load(filters, cursors);
}

function applyForm() {
  navigate(formRead(), []);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  applyForm();
});
// A choice applies at once; typed text applies on Enter or "Apply" (not on every blur).
form.addEventListener("change", (event) => {
  if (event.target.name === "workflow") {
    versionsFill(event.target.value);
    stepsSuggest(event.target.value);
  }
  if (event.target.tagName === "SELECT" || event.target.type === "checkbox") applyForm();
});
form.querySelectorAll("button[data-within]").forEach((button) =>
  button.addEventListener("click", () => {
    const seconds = Number(button.dataset.within);
    form.elements.since.value = seconds ? isoBefore(new Date(), seconds) : "";
    form.elements.until.value = "";
    applyForm();
  }),
);
document.getElementById("filters-clear").addEventListener("click", () => {
  formFill({});
  applyForm();
});
window.addEventListener("popstate", (event) => {
  const filters = filtersRead(location.search);
  formFill(filters);
  load(filters, (event.state && event.state.cursors) || []);
});

nextButton.addEventListener("click", () => {
  if (!state.nextCursor) return;
  navigate({ ...state.filters, cursor: state.nextCursor }, [...state.cursors, state.filters.cursor || ""]);
});
previousButton.addEventListener("click", () => {
  if (!state.cursors.length) return;
  const cursors = state.cursors.slice(0, -1);
  const cursor = state.cursors[state.cursors.length - 1];
  navigate({ ...filtersWithout(state.filters, ["cursor"]), ...(cursor ? { cursor } : {}) }, cursors);
});

// --- the list ---------------------------------------------------------------------------------------
/**
 * Fetch and show one page. A filter the API refuses is shown next to its field, and the list is fetched
 * again without it: the other filters still apply.
 */
async function load(filters, cursors) {
  const loadNumber = ++state.loads;
  root.dataset.state = "loading";
  listStatus.textContent = "loading…";
  let asked = filters;
  let answer = await request("GET", apiPath(asked, { limit: PAGE_SIZE }));
  let refused = {};
  // The cursor is read only once the filters are good: a second refusal can follow the first.
  for (let tries = 0; tries < 3 && answer.status === 400 && answer.data && answer.data.errors; tries += 1) {
    refused = { ...refused, ...answer.data.errors };
    asked = filtersWithout(filters, Object.keys(refused));
    answer = await request("GET", apiPath(asked, { limit: PAGE_SIZE }));
  }
  if (loadNumber !== state.loads) return; // a newer load (another click, the back button) won
  root.dataset.loads = String(loadNumber);
  errorsShow(refused);
  Object.assign(state, { filters, cursors, asked, newCount: 0 });
  csvLink.setAttribute("href", csvPath(asked));
  newShow();
  if (!answer.ok) {
    state.results = [];
    state.nextCursor = null;
    rowsRender();
    bulkRender();
    listStatus.textContent = `The list could not be read: ${errorText(answer)}`;
    root.dataset.state = "error";
    return;
  }
  state.results = answer.data.results;
  state.nextCursor = answer.data.next_cursor;
  rowsRender();
  pagerRender();
  if (bulk) clear(document.getElementById("bulk-result"));
  bulkRender();
  root.dataset.state = "ready";
  await baselineSet(loadNumber);
}

function pagerRender() {
  const page = state.cursors.length + 1;
  const count = state.results.length;
  previousButton.disabled = state.cursors.length === 0;
  nextButton.disabled = !state.nextCursor;
  pageNumber.textContent = `page ${page}`;
  const first = state.cursors.length * PAGE_SIZE + 1;
  listStatus.textContent = count
    ? `Runs ${first}–${first + count - 1}${state.nextCursor ? ", more on the next page" : ""}.`
    : state.cursors.length
      ? "No more runs."
      : "No run matches these filters.";
}

function statusCell(run) {
  return el(
    "td",
    { class: "status", dataset: { status: run.status } },
    el(
      "span",
      { class: `badge status-${run.status}` },
      el("span", { class: "sign", "aria-hidden": "true", text: STATUS_SIGN[run.status] || "•" }),
      ` ${run.status}`,
    ),
    // What the run went through on the way ("had" filter's words), beside where it ended.
    run.had && run.had.length ? el("div", { class: "had-list small muted", text: `had ${run.had.join(", ")}` }) : null,
  );
}

function duration(run) {
  if (Number.isFinite(run.duration_ms)) return formatMs(run.duration_ms);
  if (!run.finished_at) return "running…";
  return formatMs(Date.parse(run.finished_at) - Date.parse(run.created_at));
}

/** A start time as "14:03:07" today, "1 Dec 14:03:07" another day (local time; the full ISO time on hover). */
function startedText(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const clock = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  if (date.toDateString() === new Date().toDateString()) return clock;
  return `${date.toLocaleDateString([], { day: "numeric", month: "short" })} ${clock}`;
}

function businessValue(value) {
  if (value === true) return "yes";
  if (value === false) return "no";
  if (value === null || value === undefined || value === "") return "–";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function businessCell(business) {
  const entries = Object.entries(business || {});
  if (!entries.length) return el("td", { class: "business muted", text: "–" });
  return el(
    "td",
    { class: "business" },
    el(
      "dl",
      {},
      entries.map(([name, value]) =>
        el(
          "div",
          { dataset: { field: name } },
          el("dt", { text: name.replaceAll("_", " ") }),
          el("dd", { text: businessValue(value) }),
        ),
      ),
    ),
  );
}

function rowsRender() {
  clear(tbody);
  const labels = [...document.querySelectorAll("#runs-table thead th")].map((th) => th.textContent);
  for (const run of state.results) {
    const version = run.workflow_version ? ` v${run.workflow_version}` : "";
    tbody.append(
      el(
        "tr",
        { dataset: { runId: run.run_id, status: run.status, orderId: run.order_id ?? "" } },
        el(
          "td",
          {},
          el("a", { href: `/runs/${run.run_id}/`, class: "mono", title: run.run_id, text: shortId(run.run_id) }),
          run.rerun_of
            ? el(
                "div",
                { class: "rerun-of small muted" },
                "re-run of ",
                el("a", { href: `/runs/${run.rerun_of}/`, class: "mono", text: shortId(run.rerun_of) }),
              )
            : null,
        ),
        el("td", { class: "workflow", text: `${run.workflow || ""}${version}` }),
        el("td", {}, el("span", { class: `badge pattern-${run.pattern}`, text: run.pattern })),
        statusCell(run),
        el("td", { class: "result", text: run.result || "–" }),
        el("td", { class: "started", title: run.created_at, text: startedText(run.created_at) }),
        el("td", { class: "num", text: duration(run) }),
        businessCell(run.business),
      ),
    );
    // A phone shows each row as a card: every value says its column (CSS reads data-label).
    [...tbody.lastChild.children].forEach((td, i) => (td.dataset.label = labels[i]));
  }
  root.dataset.count = String(state.results.length);
}

// --- new matching runs, counted live ------------------------------------------------------------------
/** The newest start among the matching runs, whatever the sort and page: what "new" is counted after. */
async function baselineSet(loadNumber) {
  state.seen = new Set(state.results.map((run) => run.run_id));
  const base = filtersWithout(state.asked, ["cursor", "sort"]);
  let newest;
  if (!state.filters.cursor && !state.filters.sort) {
    newest = state.results[0] || null;
  } else {
    const answer = await request("GET", apiPath(base, { sort: "-started", limit: 1 }));
    if (loadNumber !== state.loads) return;
    newest = answer.ok ? answer.data.results[0] || null : null;
  }
  if (newest) state.seen.add(newest.run_id);
  state.baseline = newest ? newest.created_at : null;
}

let newTimer = null;
let newAsking = false;

function newCheckSoon() {
  if (newTimer || state.baseline === undefined) return;
  newTimer = setTimeout(() => {
    newTimer = null;
    newCheck();
  }, NEW_CHECK_MS);
}

async function newCheck() {
  if (newAsking) return newCheckSoon();
  if (root.dataset.state !== "ready" || !listOpen(state.asked, new Date())) return;
  newAsking = true;
  const loadNumber = state.loads;
  const base = filtersWithout(state.asked, ["cursor", "sort"]);
  const since = state.baseline || base.since;
  try {
    const answer = await request(
      "GET",
      apiPath(base, { ...(since ? { since } : {}), sort: "-started", limit: NEW_COUNTED }),
    );
    if (!answer.ok || loadNumber !== state.loads) return;
    const fresh = answer.data.results.filter((run) => !state.seen.has(run.run_id));
    state.newCount = fresh.length;
    state.newMore = Boolean(answer.data.next_cursor);
    newShow();
  } finally {
    newAsking = false;
  }
}

function newShow() {
  const count = state.newCount;
  newBox.hidden = count === 0;
  root.dataset.newCount = String(count);
  const figure = state.newMore && count ? `${count}+` : String(count);
  newButton.textContent = `${figure} new matching run${count === 1 ? "" : "s"} — show them`;
}

newButton.addEventListener("click", () => {
  // The newest first, from the first page: that is where new runs are.
  navigate(filtersWithout(state.filters, ["cursor", "sort"]), []);
});

const socket = new LiveSocket("/ws/runs/", {
  onEvents: (events) => {
    // A run starting or ending may enter the list (a status filter sees it when it ends).
    if (events.some((event) => event.kind && event.kind.startsWith("run."))) newCheckSoon();
  },
  onStatus: (status) => liveStatusShow(document.getElementById("live"), root, status),
  onOpen: (reconnect) => reconnect && newCheckSoon(),
});

// --- re-run the failed runs shown (operators) -------------------------------------------------------
const rerunDone = new Set(); // runs this page re-ran already: a second click does not start them again

function rerunnable() {
  return state.results
    .filter((run) => RERUNNABLE.includes(run.status) && !rerunDone.has(run.run_id))
    .map((run) => run.run_id);
}

function bulkRender() {
  if (!bulk) return;
  const ids = rerunnable();
  const button = document.getElementById("bulk-rerun");
  // The last re-run's answer stays in sight until another list is shown.
  bulk.hidden = ids.length === 0 && !document.getElementById("bulk-result").hasChildNodes();
  button.hidden = ids.length === 0;
  button.textContent = `Re-run all ${ids.length} failed run${ids.length === 1 ? "" : "s"} shown`;
}

if (bulk) {
  const button = document.getElementById("bulk-rerun");
  const result = document.getElementById("bulk-result");
  button.addEventListener("click", async () => {
    const runIds = rerunnable();
    const reason = document.getElementById("bulk-reason").value.trim();
    button.disabled = true;
    delete result.dataset.started;
    delete result.dataset.refused;
    clear(result).append(el("span", { class: "muted", text: `re-running ${runIds.length}…` }));
    const answer = await request("POST", "/api/runs/rerun", { run_ids: runIds, reason });
    button.disabled = false;
    clear(result);
    if (!answer.ok) {
      result.append(el("p", { class: "error", text: `Nothing re-run: ${errorText(answer)}` }));
      return;
    }
    const started = answer.data.started || [];
    const refused = Object.entries(answer.data.refused || {});
    started.forEach((run) => rerunDone.add(run.rerun_of));
    result.dataset.started = String(started.length);
    result.dataset.refused = String(refused.length);
    result.append(
      el("p", { class: "ok", text: `${started.length} started, ${refused.length} refused.` }),
      started.length
        ? el(
            "ul",
            { class: "started" },
            started.map((run) =>
              el(
                "li",
                {},
                el("a", { href: `/runs/${run.run_id}/`, class: "mono", text: shortId(run.run_id) }),
                ` re-runs ${shortId(run.rerun_of)}`,
              ),
            ),
          )
        : null,
      refused.length
        ? el(
            "ul",
            { class: "refused" },
            refused.map(([runId, why]) => el("li", {}, el("span", { class: "mono", text: shortId(runId) }), ` ${why}`)),
          )
        : null,
    );
    bulkRender();
  });
}

// --- start ------------------------------------------------------------------------------------------
async function start() {
  optionsFill(
    form.elements.service,
    vocabulary().services.map((service) => [service.name, service.label]),
    "any service",
  );
  const answer = await request("GET", "/api/workflows");
  workflows = answer.ok ? answer.data.results : [];
  optionsFill(
    form.elements.workflow,
    workflows.map((design) => [design.slug, design.name || design.slug]),
    "any workflow",
  );
  const filters = filtersRead(location.search);
  formFill(filters);
  const cursors = (history.state && history.state.cursors) || [];
  socket.connect();
  await navigate(filters, cursors, { replace: true });
}

testHooksExpose({ state, socket });
start();

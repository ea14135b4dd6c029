// The dashboard: start a run of any design or place an order (and watch it live), place a burst,
// recent runs, service health.

import { apiPost, ApiError } from "./http.js";
import { el, clear, shortId, testHooksExpose } from "./dom.js";
import { LiveSocket, liveStatusShow } from "./live.js";
import { LiveRun } from "./live_run.js";
import { RunsList } from "./runs_list.js";
import { Burst } from "./burst.js";
import { HealthStrip } from "./health.js";
import { policyValues, showErrors, workflowsLoad } from "./order_fields.js";
import {
  ORDER_TRIGGER,
  designOptions,
  triggerFieldsRender,
  triggerInput,
  triggersByName,
  workflowsList,
} from "./run_input.js";
import { serviceLabel } from "./vocabulary.js";

const PATTERNS = ["orchestration", "choreography"];
const root = document.getElementById("dashboard");
const canOperate = root.dataset.canOperate === "true"; // the forms are only on the page for operators
const liveBadge = document.getElementById("live");
const watchPanel = document.getElementById("watch-runs");
let watched = [];
let burst = null;

const runsList = new RunsList(document.querySelector("#runs tbody"), {
  onRefetch: () => (root.dataset.runsRefetches = String(runsList.refetches)),
});
const socket = new LiveSocket("/ws/runs/", {
  onEvents: (events) => {
    runsList.apply(events);
    for (const view of watched) view.receive(events);
    if (burst) burst.apply(events);
  },
  onStatus: (status) => liveStatusShow(liveBadge, root, status),
  onOpen: (reconnect) => {
    if (!reconnect) return;
    runsList.refetch();
    for (const view of watched) view.store.fill("reconnect");
    if (burst) burst.poll();
  },
});

// --- one order (or one per pattern) ---------------------------------------------------------------
function formValues(form) {
  const data = new FormData(form);
  const { policy, error } = policyValues(data);
  const order = {
    sku: data.get("sku"),
    quantity: Number.parseInt(data.get("quantity"), 10),
    customer_email: String(data.get("customer_email") || "").trim(),
    region: data.get("region"),
    pattern: data.get("pattern"),
    workflow: data.get("workflow"),
  };
  if (policy) order.policy = policy;
  return { order, error };
}

/**
 * POST `body` to `path` once per pattern ("both": one of each, in turn), the form's button off meanwhile;
 * the errors next to the form's fields; watch the runs started.
 */
async function startEach(form, path, body, pattern) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const started = [];
  try {
    for (const each of pattern === "both" ? PATTERNS : [pattern]) {
      started.push(await apiPost(path, { ...body, pattern: each }));
    }
  } catch (error) {
    showErrors(form, error instanceof ApiError ? error.errors : { form: error.message });
  } finally {
    button.disabled = false;
  }
  if (started.length) watch(started);
}

async function placeOrder(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const { order: values, error } = formValues(form);
  const { pattern, ...order } = values;
  showErrors(form, error ? { policy: error } : {});
  if (error) return;
  await startEach(form, "/api/orders", order, pattern);
}

/** Show the runs just started ({run_id, pattern, workflow, order_id?}), live, in the "watching" panel. */
function watch(placed) {
  watched.forEach((view) => view.stop());
  clear(watchPanel);
  watched = placed.map((run) => {
    const box = el("div", { class: "watched", dataset: { runId: run.run_id, pattern: run.pattern } });
    const status = el("span", { class: "badge status-running", text: "running" });
    const result = el("strong", { class: "run-result", hidden: true });
    const count = el("span", { class: "muted" });
    const what = run.order_id ? `order #${run.order_id}` : run.workflow;
    box.append(
      el(
        "div",
        { class: "watched-head" },
        el("span", { class: `badge pattern-${run.pattern}`, text: run.pattern }),
        status,
        result,
        el("span", { text: `${what} · run ${shortId(run.run_id)}` }),
        count,
        el("a", { class: "open-run", href: `/runs/${run.run_id}/`, text: "Open run page →" }),
      ),
    );
    const timeline = el("div", { class: "timeline-host compact" });
    box.append(timeline);
    watchPanel.append(box);
    const view = new LiveRun(box, timeline, run.run_id, {
      compact: true,
      onUpdate: ({ store, result: word }) => {
        status.textContent = store.status;
        status.className = `badge status-${store.status}`;
        result.hidden = !word;
        result.textContent = word ? `· ${word}` : "";
        count.textContent = `${store.count} records`;
      },
    });
    view.load().catch((error) => box.append(el("p", { class: "error", text: error.message })));
    return view;
  });
}

// --- a run of any design (one per pattern for "both") --------------------------------------------
const runForm = document.getElementById("run-form");
const designSelect = runForm?.querySelector("select[name=workflow]");
const designFields = runForm?.querySelector("[data-role=fields]");
const designAbout = runForm?.querySelector("[data-role=about]");
let designs = [];

/** The chosen design's trigger fields; a design an order starts points to the order form instead. */
async function designChosen() {
  const design = designs.find((each) => each.slug === designSelect.value);
  const submit = runForm.querySelector("button[type=submit]");
  showErrors(runForm, {});
  if (!design) return;
  let trigger = null;
  try {
    trigger = (await triggersByName()).get(design.trigger) || null;
  } catch (error) {
    showErrors(runForm, { form: `Could not read the design's trigger: ${error.message}` });
  }
  if (designSelect.value !== design.slug) return; // another choice meanwhile
  const byOrder = design.trigger === ORDER_TRIGGER;
  const source = trigger ? ` (published by ${serviceLabel(trigger.service)})` : "";
  designAbout.textContent = byOrder
    ? `Starts when an order is placed: use "Place an order" to run it.`
    : `Starts on ${design.trigger}${source}. ${design.description || ""}`.trim();
  if (byOrder) clear(designFields);
  else triggerFieldsRender(designFields, trigger ? trigger : { name: design.trigger, fields: [], types: {} });
  submit.disabled = byOrder;
  runForm.dataset.trigger = design.trigger;
}

async function startRuns(event) {
  event.preventDefault();
  const pattern = new FormData(runForm).get("pattern");
  showErrors(runForm, {});
  const body = { workflow: designSelect.value, input: triggerInput(designFields) };
  await startEach(runForm, "/api/runs", body, pattern);
}

async function designsLoad() {
  try {
    designs = await workflowsList();
  } catch (error) {
    showErrors(runForm, { workflow: `Could not list the designs: ${error.message}` });
    return;
  }
  // Designs that start from something else than an order first: the order form runs the others.
  const ordered = [...designs].sort((a, b) => (a.trigger === ORDER_TRIGGER) - (b.trigger === ORDER_TRIGGER));
  designOptions(designSelect, ordered);
  await designChosen();
  root.dataset.designs = String(designs.length);
}

runForm?.addEventListener("submit", startRuns);
designSelect?.addEventListener("change", designChosen);

// --- a burst -------------------------------------------------------------------------------------
const burstForm = document.getElementById("burst-form");
const burstBars = {
  placed: document.getElementById("burst-placed"),
  finished: document.getElementById("burst-finished"),
};
const burstText = document.getElementById("burst-summary");
const cancelButton = document.getElementById("burst-cancel");
const resumeButton = document.getElementById("burst-resume");

function burstState(current) {
  if (current.waiting) return ` · waiting: ${current.waiting}`;
  if (current.interrupted)
    return ` · interrupted (${current.stoppedReason}): only the orders the server confirmed are counted; Resume sends the rest`;
  return current.stoppedReason ? ` · stopped: ${current.stoppedReason}` : "";
}

function showBurst(current) {
  burstBars.placed.max = burstBars.finished.max = current.total;
  burstBars.placed.value = current.placed;
  burstBars.finished.value = current.finished;
  burstText.textContent = current.summary() + burstState(current);
  Object.assign(root.dataset, {
    burstPlaced: String(current.placed),
    burstFinished: String(current.finished),
    burstFailed: String(current.failed),
    burstInterrupted: String(current.interrupted),
  });
  const running = !current.done && !current.stoppedReason && !current.cancelled;
  cancelButton.hidden = !running;
  resumeButton.hidden = !current.interrupted || current.cancelled;
  burstForm.querySelector("button[type=submit]").disabled = running;
}

burstForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(burstForm);
  const total = Number.parseInt(data.get("count"), 10);
  showErrors(burstForm, {});
  if (!Number.isInteger(total) || total < 1 || total > 5000) {
    showErrors(burstForm, { count: "A whole number from 1 to 5000." });
    return;
  }
  const { order, error } = formValues(burstForm);
  if (error) {
    showErrors(burstForm, { policy: error });
    return;
  }
  order.latency_ms = data.get("latency") ? null : [0, 0]; // a policy's latency_ms wins over this
  burst = new Burst({ total, order, onProgress: showBurst });
  document.getElementById("burst-progress").hidden = false;
  showBurst(burst);
  await burst.run();
  if (burst.error && !burst.placed && !burst.interrupted) {
    showErrors(burstForm, burst.error instanceof ApiError ? burst.error.errors : { form: burst.stoppedReason });
  }
});
cancelButton?.addEventListener("click", () => burst && burst.cancel());
resumeButton?.addEventListener("click", () => burst && burst.resume());

document.getElementById("order-form")?.addEventListener("submit", placeOrder);

async function start() {
  new HealthStrip(document.getElementById("health"), { canOperate }).start();
  if (canOperate) {
    workflowsLoad(document.querySelectorAll("select.workflow-select")).then((count) => {
      if (count !== null) root.dataset.workflows = String(count);
    });
    if (runForm) designsLoad();
  }
  socket.connect();
  await socket.waitOpen(2000);
  await runsList.refetch();
  root.dataset.ready = "true";
}

testHooksExpose({ socket, runsList, watched: () => watched, burst: () => burst });
start();

// The compare page: start a comparison (N identical runs per pattern) and switch faults beforehand.
//
// A design an order starts takes the order's fields (POST /api/comparisons {sku, quantity, …}); any
// other design takes its trigger's input ({workflow, input, count, policy?}), each field typed.

import { apiPost, ApiError } from "./http.js";
import { FaultSwitches } from "./compare_faults.js";
import { policyValues, showErrors, workflowsLoad } from "./order_fields.js";
import { ORDER_TRIGGER, triggerFieldsRender, triggerInput, triggersByName, workflowsList } from "./run_input.js";
import { serviceLabel } from "./vocabulary.js";

const root = document.getElementById("compare");
const canOperate = root.dataset.canOperate === "true";
const form = document.getElementById("compare-form");
const part = (role) => form && form.querySelector(`[data-role=${role}]`);
const orderFields = part("order-fields");
const inputFields = part("fields");
let designs = [];

/** The chosen design, and whether an order starts it. */
function chosen() {
  const design = designs.find((each) => each.slug === form.elements.workflow.value);
  return { design, byOrder: !design || design.trigger === ORDER_TRIGGER };
}

/** Order fields for a design an order starts, its trigger's fields for any other. */
async function designChosen() {
  const { design, byOrder } = chosen();
  showErrors(form, {});
  orderFields.hidden = !byOrder;
  inputFields.hidden = byOrder;
  // Hidden order fields must not block the form (they are not sent either).
  for (const node of orderFields.querySelectorAll("input, select")) node.disabled = !byOrder;
  part("count-label").textContent = byOrder ? "Orders" : "Runs";
  if (byOrder) {
    part("about").textContent = "Started by an order: the same order is placed for every run.";
    root.dataset.trigger = ORDER_TRIGGER;
    return;
  }
  let trigger = null;
  try {
    trigger = (await triggersByName()).get(design.trigger) || null;
  } catch (error) {
    showErrors(form, { form: `Could not read the design's trigger: ${error.message}` });
  }
  if (chosen().design !== design) return; // another choice meanwhile
  const source = trigger ? ` (published by ${serviceLabel(trigger.service)})` : "";
  part("about").textContent = `Starts on ${design.trigger}${source}: every run gets the same input.`;
  triggerFieldsRender(inputFields, trigger || { name: design.trigger, fields: [], types: {} });
  root.dataset.trigger = design.trigger;
}

async function start(event) {
  event.preventDefault();
  const data = new FormData(form);
  const { policy, error } = policyValues(data);
  const count = Number(String(data.get("count") || "").trim());
  const problems = {};
  if (!Number.isInteger(count) || count < 1 || count > 100) problems.count = "A whole number from 1 to 100.";
  if (error) problems.policy = error;
  showErrors(form, problems);
  if (Object.keys(problems).length) return;
  const { byOrder } = chosen();
  const body = byOrder
    ? {
        count,
        sku: data.get("sku"),
        quantity: Number.parseInt(data.get("quantity"), 10),
        customer_email: String(data.get("customer_email") || "").trim(),
        region: data.get("region"),
        workflow: data.get("workflow"),
      }
    : { count, workflow: data.get("workflow"), input: triggerInput(inputFields) };
  if (policy) body.policy = policy;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = `Starting ${count * 2} ${byOrder ? "orders" : "runs"}…`;
  try {
    const comparison = await apiPost("/api/comparisons", body);
    root.dataset.started = comparison.id;
    location.assign(comparison.url);
  } catch (failure) {
    showErrors(form, failure instanceof ApiError ? failure.errors : { form: failure.message });
    button.disabled = false;
    button.textContent = "Run both ways";
  }
}

async function designsLoad() {
  const count = await workflowsLoad(form.querySelectorAll("select.workflow-select"), { trigger: null });
  if (count === null) return; // the default design stays the only choice
  designs = await workflowsList();
  await designChosen();
  root.dataset.designs = String(count);
}

new FaultSwitches(document.getElementById("fault-switches"), { canOperate }).start();
if (form) {
  form.addEventListener("submit", start);
  form.elements.workflow.addEventListener("change", designChosen);
  designsLoad();
}
root.dataset.ready = "true";

// The compare page: start a comparison (N identical orders per pattern) and switch faults beforehand.

import { apiPost, ApiError } from "./http.js";
import { FaultSwitches } from "./compare_faults.js";
import { policyValues, showErrors, workflowsLoad } from "./order_fields.js";

const root = document.getElementById("compare");
const canOperate = root.dataset.canOperate === "true";
const form = document.getElementById("compare-form");

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
  const body = {
    count,
    sku: data.get("sku"),
    quantity: Number.parseInt(data.get("quantity"), 10),
    customer_email: String(data.get("customer_email") || "").trim(),
    region: data.get("region"),
    workflow: data.get("workflow"),
  };
  if (policy) body.policy = policy;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  button.textContent = `Placing ${count * 2} orders…`;
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

new FaultSwitches(document.getElementById("fault-switches"), { canOperate }).start();
if (form) {
  form.addEventListener("submit", start);
  workflowsLoad(form.querySelectorAll("select.workflow-select"));
}
root.dataset.ready = "true";

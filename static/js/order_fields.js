// The order fields the dashboard's forms and the compare page share: the workflow picker, the fault
// policy for every step and the errors shown next to each field.

import { ORDER_TRIGGER, designOptions, workflowsList } from "./run_input.js";

/**
 * Fill the "Workflow" selects with the designs `trigger` starts (an order's, by default; null: every
 * design); the default stays selected. How many there are, or null when the list could not be read.
 */
export async function workflowsLoad(selects, { trigger = ORDER_TRIGGER } = {}) {
  if (!selects.length) return null;
  try {
    const list = (await workflowsList()).filter((design) => !trigger || design.trigger === trigger);
    for (const select of selects) designOptions(select, list);
    return list.length;
  } catch (error) {
    console.warn("workflows:", error.message); // the default design stays the only choice
    return null;
  }
}

/** {"*": {failure_probability, latency_ms}} from the optional fault fields, null when all are empty. */
export function policyValues(data) {
  const text = (name) => String(data.get(name) ?? "").trim();
  const settings = {};
  const probability = text("failure_probability");
  if (probability !== "") {
    const value = Number(probability);
    if (!Number.isFinite(value) || value < 0 || value > 1)
      return { error: "Failure probability: a number from 0 to 1." };
    settings.failure_probability = value;
  }
  const [low, high] = [text("latency_low"), text("latency_high")];
  if (low !== "" || high !== "") {
    const range = [Number(low === "" ? high : low), Number(high === "" ? low : high)];
    if (!range.every((ms) => Number.isInteger(ms) && ms >= 0) || range[0] > range[1])
      return { error: "Latency: whole milliseconds, low <= high." };
    settings.latency_ms = range;
  }
  return { policy: Object.keys(settings).length ? { "*": settings } : null };
}

/** Each error next to its field (`.field-error[data-for=field]`), the rest in the form's `.form-error`. */
export function showErrors(form, errors) {
  form.querySelectorAll(".field-error").forEach((node) => (node.textContent = ""));
  const general = form.querySelector(".form-error");
  general.textContent = "";
  for (const [field, reason] of Object.entries(errors || {})) {
    const slotName = field.startsWith("policy") ? "policy" : field; // "policy.*.latency_ms" → the fault fields
    const slot = form.querySelector(`.field-error[data-for="${CSS.escape(slotName)}"]`);
    if (slot) slot.textContent = `${slot.textContent} ${slotName === field ? reason : `${field}: ${reason}`}`.trim();
    else general.textContent += `${field}: ${reason} `;
  }
}

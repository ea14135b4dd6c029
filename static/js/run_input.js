// Starting a run of any design: the designs (GET /api/workflows), the events that start runs and their
// typed fields (GET /api/actions → triggers), an input per field of the chosen design's trigger, and the
// values read back as the JSON types the trigger declares. The dashboard's "Start a run" form and the
// compare page share it.

import { apiGet } from "./http.js";
import { el, clear } from "./dom.js";

/** The trigger of the shop's designs: they start when an order is placed (POST /api/orders). */
export const ORDER_TRIGGER = "OrderPlaced";

let designs = null;
let triggers = null;

/** Every design with its latest version's summary ({slug, name, trigger, …}), asked once per page. */
export function workflowsList() {
  if (!designs)
    designs = apiGet("/api/workflows")
      .then((data) => data.results)
      .catch((error) => {
        designs = null; // asked again next time
        throw error;
      });
  return designs;
}

/** Event name → {name, service, fields, types} for the events offered to start runs, asked once per page. */
export function triggersByName() {
  if (!triggers)
    triggers = apiGet("/api/actions")
      .then((data) => new Map((data.triggers || []).map((trigger) => [trigger.name, trigger])))
      .catch((error) => {
        triggers = null;
        throw error;
      });
  return triggers;
}

/** Fill a design <select> with `list` (keeping the choice when it is still there); the first is the default. */
export function designOptions(select, list, { preferred = "" } = {}) {
  const current = select.value || preferred;
  clear(select);
  for (const design of list) {
    const text = `${design.name} (${design.slug}, v${design.latest_version})`;
    select.append(el("option", { value: design.slug, text, dataset: { trigger: design.trigger } }));
  }
  if (list.some((design) => design.slug === current)) select.value = current;
}

const INPUT_TYPES = { integer: "number", number: "number", boolean: "checkbox" };

/**
 * One input per field of `trigger` ({fields, types}) in `container`, each with its error slot
 * (`.field-error[data-for="input.<field>"]`, where the server's 422 for that field goes).
 */
export function triggerFieldsRender(container, trigger) {
  clear(container);
  container.dataset.trigger = trigger ? trigger.name : "";
  if (!trigger || !trigger.fields.length) {
    container.append(
      el("p", { class: "muted small", text: "This event has no fields: the run starts without input." }),
    );
    return;
  }
  for (const field of trigger.fields) {
    const kind = (trigger.types || {})[field] || "any";
    const name = `input.${field}`;
    const attrs = { type: INPUT_TYPES[kind] || "text", name, dataset: { field, kind }, "aria-label": field };
    if (kind === "integer") attrs.step = 1;
    if (kind === "number") attrs.step = "any";
    if (kind === "array") attrs.placeholder = "a, b, c";
    if (kind === "any") attrs.placeholder = "text or JSON";
    const input = el("input", attrs);
    const error = el("small", { class: "field-error", dataset: { for: name } });
    if (kind === "boolean") {
      container.append(el("label", { class: "inline trigger-field" }, input, ` ${field}`), error);
    } else {
      container.append(
        el(
          "label",
          { class: "trigger-field" },
          field,
          el("span", { class: "muted type", text: ` ${kind}` }),
          input,
          error,
        ),
      );
    }
  }
}

/** A text as the JSON value a field of this kind takes; undefined when it is left empty. */
export function fieldValue(kind, text) {
  const value = String(text).trim();
  if (value === "") return undefined;
  if (kind === "integer" || kind === "number") return Number(value);
  if (kind === "array") {
    if (value.startsWith("[")) {
      try {
        return JSON.parse(value);
      } catch {
        return value; // the server says what is wrong with it
      }
    }
    return value.split(",").map((part) => part.trim());
  }
  if (kind === "any") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** The trigger's input from the fields triggerFieldsRender drew; an empty field is left out (the server
 * names each missing one). */
export function triggerInput(container) {
  const input = {};
  for (const node of container.querySelectorAll("input[data-field]")) {
    const { field, kind } = node.dataset;
    const value = kind === "boolean" ? node.checked : fieldValue(kind, node.value);
    if (value !== undefined) input[field] = value;
  }
  return input;
}

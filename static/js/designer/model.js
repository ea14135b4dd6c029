// The design as the editor keeps it, and the pure changes made to it: no DOM here (tests/js run these).
//
// A step's `after` holds edges as the JSON format writes them: "a" (after a, whatever its outcome),
// "a:Outcome" (only when a ended with that outcome) and "trigger" (when the run starts: a loop's entry).

export const TRIGGER = "trigger";
export const END_ITEM = "end"; // what the palette's "End" item drops (action keys always have a dot)
const EVENT_NAME = /^[A-Z][A-Za-z0-9]{1,79}$/;

/** "a:Outcome" → {step: "a", outcome: "Outcome"}; "a" → {step: "a", outcome: ""}. */
export function edgeParse(text) {
  const value = String(text);
  const colon = value.indexOf(":");
  return colon < 0 ? { step: value, outcome: "" } : { step: value.slice(0, colon), outcome: value.slice(colon + 1) };
}

export function edgeText(step, outcome = "") {
  return outcome ? `${step}:${outcome}` : step;
}

/** The edge `from` → step as written in step.after, or undefined. */
export function edgeFind(step, from) {
  return (step.after || []).find((text) => edgeParse(text).step === from);
}

/** Make `step` run after `from` (following `outcome`, or any outcome when empty); one edge per pair. */
export function edgeSet(step, from, outcome = "") {
  const text = edgeText(from, outcome);
  const at = (step.after || []).findIndex((t) => edgeParse(t).step === from);
  if (at < 0) step.after = [...(step.after || []), text];
  else step.after = step.after.map((t, i) => (i === at ? text : t));
}

export function edgeRemove(step, from) {
  step.after = (step.after || []).filter((text) => edgeParse(text).step !== from);
}

/** The outcomes of `from` that some step's edge already follows. */
export function outcomesFollowed(steps, from) {
  const followed = new Set();
  for (const step of steps)
    for (const text of step.after || []) {
      const edge = edgeParse(text);
      if (edge.step === from && edge.outcome) followed.add(edge.outcome);
    }
  return followed;
}

/** The edges that arrive at a step from steps (the trigger's edge counts too: a loop's entry). */
export function incoming(step) {
  return (step.after || []).length;
}

/** Rename a step everywhere: its id and every edge that names it (keeping the outcome followed). */
export function stepRename(steps, oldId, newId) {
  for (const step of steps) {
    if (step.id === oldId) step.id = newId;
    step.after = (step.after || []).map((text) => {
      const edge = edgeParse(text);
      return edge.step === oldId ? edgeText(newId, edge.outcome) : text;
    });
  }
}

/** The steps without `id` and without the edges that came from it. */
export function stepRemove(steps, id) {
  const kept = steps.filter((step) => step.id !== id);
  for (const step of kept) edgeRemove(step, id);
  return kept;
}

/** A new step id from `base` that no step has yet ("pay", "pay_2", …). */
export function stepIdNew(steps, base) {
  const clean = String(base || "step")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, 56);
  const start = clean || "step";
  let id = start;
  for (let n = 2; steps.some((step) => step.id === id); n += 1) id = `${start}_${n}`;
  return id;
}

/** The result word an end after an outcome gets at first: FlightsFull → "flights full". */
export function endResultFor(outcome) {
  if (!outcome) return "done";
  return outcome
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
}

export function isEnd(step) {
  return typeof step.end === "string";
}

/** A design from the JSON format (a file, the API) as the editor keeps it. */
export function designLoad(raw) {
  const design = raw && typeof raw === "object" ? raw : {};
  const steps = (Array.isArray(design.steps) ? design.steps : []).map((step) => {
    const kept = { id: String(step.id ?? ""), after: Array.isArray(step.after) ? step.after.map(String) : [] };
    if (typeof step.end === "string") {
      kept.end = step.end;
      if (step.fails) kept.fails = true;
      if (step.action) kept.action = String(step.action); // both: validation names it
    } else {
      kept.action = String(step.action ?? "");
      kept.policy = step.policy && typeof step.policy === "object" ? { ...step.policy } : {};
    }
    if (step.join) kept.join = String(step.join);
    if (step.max_visits !== undefined && step.max_visits !== null) kept.max_visits = step.max_visits;
    return kept;
  });
  return {
    slug: String(design.slug || ""),
    name: String(design.name || ""),
    description: String(design.description || ""),
    trigger: String(design.trigger || "OrderPlaced"),
    failure_event: String(design.failure_event || ""),
    coordinator: String(design.coordinator || ""),
    steps,
    // Declared services a file carries: sent with the design until a save declares the missing ones.
    services: Array.isArray(design.services) ? design.services : [],
  };
}

/** The design in the JSON format the API takes (what validate, save and export send). */
export function designForSave(design) {
  const saved = {
    slug: design.slug,
    name: design.name,
    description: design.description || "",
    trigger: design.trigger,
  };
  if (design.failure_event) saved.failure_event = design.failure_event;
  if (design.coordinator) saved.coordinator = design.coordinator;
  saved.steps = design.steps.map((step) => {
    const copy = { id: step.id };
    if (isEnd(step)) {
      if (step.action) copy.action = step.action;
      copy.end = step.end;
      if (step.fails) copy.fails = true;
    } else {
      copy.action = step.action;
    }
    copy.after = [...(step.after || [])];
    if (step.join && copy.after.length > 1) copy.join = step.join;
    if (Number.isInteger(step.max_visits)) copy.max_visits = step.max_visits;
    if (!isEnd(step) && step.policy && Object.keys(step.policy).length) copy.policy = { ...step.policy };
    return copy;
  });
  if (design.services && design.services.length) saved.services = design.services;
  return saved;
}

/** Whether a text can name an event (trigger, outcome, failure event). */
export function isEventName(text) {
  return EVENT_NAME.test(text);
}

/**
 * A run's input from the form's raw values, typed as the trigger's fields are: whole numbers and
 * numbers as numbers, booleans as booleans. A value that does not read as its type is sent as typed,
 * so that the server names it.
 */
export function inputTyped(fields, types, raw) {
  const input = {};
  for (const field of fields) {
    const type = (types && types[field]) || "string";
    const value = raw[field];
    if (type === "boolean") {
      input[field] = Boolean(value);
      continue;
    }
    const text = value === undefined || value === null ? "" : String(value).trim();
    if (type === "integer") input[field] = /^-?\d+$/.test(text) ? parseInt(text, 10) : text;
    else if (type === "number") input[field] = text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
    else input[field] = value === undefined || value === null ? "" : String(value);
  }
  return input;
}

/** "input.amount" → "amount": the field of a run's input a 422 names, or "" for other keys. */
export function inputField(key) {
  return key.startsWith("input.") ? key.slice("input.".length) : "";
}

/** A first value for a trigger's field in the run form: something the field's type accepts. */
export function inputExample(field, type, serial = Date.now().toString(36)) {
  if (type === "boolean") return false;
  if (type === "integer") return /(^|_)(id|number)$/.test(field) ? 1 : 2;
  if (type === "number") return 100;
  if (field.includes("email")) return "someone@example.com";
  if (/(^|_)(id|ref|key)$/.test(field)) return `${field.replace(/_(id|ref|key)$/, "")}-${serial}`;
  return field.replace(/_/g, " ");
}

// A service declared without code, as the "Declare a service" form keeps it (a draft of plain texts)
// and as the API takes it; and where each of the API's 422 errors belongs in the form. No DOM here.
//
// Every list keeps its rows in order, empty ones too, so that an error's path (actions[0].outcomes[1].when)
// names the same row in the draft as in the JSON sent.

export const FIELD_TYPES = ["string", "integer", "number", "boolean"];
export const CHOICES = ["weighted", "rule"];

export const fieldDraft = (name = "", type = "string") => ({ name, type });
export const eventDraft = () => ({ name: "", fields: [fieldDraft()] });
export const outcomeFieldDraft = () => ({ name: "", value: "" });
export const outcomeDraft = () => ({ event: "", weight: "", when: "", fields: [] });

export function actionDraft() {
  return {
    name: "",
    description: "",
    inputs: "",
    choice: "weighted",
    outcomes: [outcomeDraft()],
    latency: ["", ""],
    latency_distribution: "",
    failure_probability: "",
    compensation: "",
    idempotency: [],
  };
}

export function serviceDraft() {
  return { name: "", label: "", colour: "#1f77b4", description: "", events: [], actions: [actionDraft()] };
}

const text = (value) => (value === undefined || value === null ? "" : String(value));

/** A declaration (GET /api/services/{name}) as the form's draft. */
export function draftFromDeclaration(declaration) {
  return {
    name: text(declaration.name),
    label: text(declaration.label),
    colour: text(declaration.colour) || "#1f77b4",
    description: text(declaration.description),
    events: (declaration.events || []).map((event) => ({
      name: text(event.name),
      fields: (event.fields || []).map((f) => fieldDraft(text(f.name), f.type || "string")),
    })),
    actions: (declaration.actions || []).map((action) => ({
      name: text(action.name),
      description: text(action.description),
      inputs: (action.inputs || []).join(", "),
      choice: action.choice || "weighted",
      outcomes: (action.outcomes || []).map((outcome) => ({
        event: text(outcome.event),
        weight: text(outcome.weight),
        when: text(outcome.when),
        fields: (outcome.fields || []).map((f) => ({ name: text(f.name), value: text(f.value) })),
      })),
      latency: action.latency_ms ? action.latency_ms.map(text) : ["", ""],
      latency_distribution: text(action.latency_distribution),
      failure_probability: text(action.failure_probability),
      compensation: text(action.compensation),
      idempotency: action.idempotency && Array.isArray(action.idempotency.key) ? [...action.idempotency.key] : [],
    })),
  };
}

/** "trip_id, nights  amount" → ["trip_id", "nights", "amount"]. */
export function namesParse(value) {
  return text(value)
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter(Boolean);
}

/** A number typed in the form, or the text itself when it is not one (the server then names it). */
function numberOr(value) {
  const trimmed = text(value).trim();
  return trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

function outcomeFromDraft(outcome, choice) {
  const json = {
    event: outcome.event.trim(),
    fields: outcome.fields.map((field) => {
      const spec = { name: field.name.trim() };
      if (field.value.trim()) spec.value = field.value.trim();
      return spec;
    }),
  };
  if (choice === "weighted" && outcome.weight.trim() !== "") json.weight = numberOr(outcome.weight);
  if (choice === "rule" && outcome.when.trim()) json.when = outcome.when.trim();
  return json;
}

function actionFromDraft(action) {
  const inputs = namesParse(action.inputs);
  const json = {
    name: action.name.trim(),
    description: action.description.trim(),
    inputs,
    outcomes: action.outcomes.map((outcome) => outcomeFromDraft(outcome, action.choice)),
    choice: action.choice,
  };
  const [low, high] = action.latency.map((v) => text(v).trim());
  if (low !== "" || high !== "") json.latency_ms = [numberOr(low || high), numberOr(high || low)];
  if (action.latency_distribution) json.latency_distribution = action.latency_distribution;
  if (text(action.failure_probability).trim() !== "") json.failure_probability = numberOr(action.failure_probability);
  if (action.compensation) json.compensation = action.compensation;
  const key = action.idempotency.filter((name) => inputs.includes(name));
  if (key.length) json.idempotency = { key };
  return json;
}

/** The form's draft as the JSON POST/PUT /api/services takes. */
export function declarationFromDraft(draft) {
  const json = {
    name: draft.name.trim(),
    colour: draft.colour,
    description: draft.description.trim(),
    events: draft.events.map((event) => ({
      name: event.name.trim(),
      fields: event.fields.map((field) => ({ name: field.name.trim(), type: field.type })),
    })),
    actions: draft.actions.map(actionFromDraft),
  };
  if (draft.label.trim()) json.label = draft.label.trim();
  return json;
}

/** The field names a service knows: its events' fields, its actions' inputs and outcome fields. */
export function fieldsKnown(draft) {
  const names = new Set();
  for (const event of draft.events)
    for (const field of event.fields) if (field.name.trim()) names.add(field.name.trim());
  for (const action of draft.actions) {
    for (const name of namesParse(action.inputs)) names.add(name);
    for (const outcome of action.outcomes)
      for (const field of outcome.fields) if (field.name.trim()) names.add(field.name.trim());
  }
  return [...names];
}

/** "actions[0].outcomes[1].when" → its parents, nearest first: "actions[0].outcomes[1]", "actions[0].outcomes", … */
export function pathParents(path) {
  const parents = [];
  let rest = path;
  for (;;) {
    const cut = Math.max(rest.lastIndexOf("."), rest.lastIndexOf("["));
    if (cut <= 0) break;
    rest = rest.slice(0, cut);
    parents.push(rest);
  }
  return parents;
}

/**
 * Where each error of a 422/409 answer ({path: message}) is shown: at the form's field of that path,
 * or of its nearest parent that the form has (`has(path)`); the rest above the form.
 * Answers {placed: Map(path → [messages]), general: [[key, message]]}.
 */
export function errorsPlace(errors, has) {
  const placed = new Map();
  const general = [];
  for (const [path, message] of Object.entries(errors || {})) {
    const target = [path, ...pathParents(path)].find((candidate) => has(candidate));
    if (!target) {
      general.push([path, message]);
      continue;
    }
    const label = target === path ? message : `${path.slice(target.length).replace(/^\./, "")}: ${message}`;
    if (!placed.has(target)) placed.set(target, []);
    placed.get(target).push(label);
  }
  return { placed, general };
}

/** The value at a path of the draft ("actions[0].outcomes[1].when"), for the form's inputs. */
export function draftGet(draft, path) {
  let node = draft;
  for (const part of path.match(/[^.[\]]+/g) || []) {
    if (node === undefined || node === null) return undefined;
    node = node[/^\d+$/.test(part) ? Number(part) : part];
  }
  return node;
}

/** Set the value at a path of the draft (the path's parent must exist). */
export function draftSet(draft, path, value) {
  const parts = (path.match(/[^.[\]]+/g) || []).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const last = parts.pop();
  const parent = parts.reduce((node, part) => node[part], draft);
  parent[last] = value;
}

/** A new, empty row for the list at `path` ("events", "actions[0].outcomes", "events[1].fields", …). */
export function rowNew(path) {
  const list = path.slice(path.lastIndexOf(".") + 1);
  if (list === "events") return eventDraft();
  if (list === "actions") return actionDraft();
  if (list === "outcomes") return outcomeDraft();
  return path.startsWith("events") ? fieldDraft() : outcomeFieldDraft();
}

/** Add a row to the list at `path`; answers the new row's path. */
export function rowAdd(draft, path) {
  const list = draftGet(draft, path);
  list.push(rowNew(path));
  return `${path}[${list.length - 1}]`;
}

/** Remove the row at `path` ("actions[0].outcomes[1]"). */
export function rowRemove(draft, path) {
  const found = path.match(/^(.*)\[(\d+)\]$/);
  if (!found) return;
  draftGet(draft, found[1]).splice(Number(found[2]), 1);
}

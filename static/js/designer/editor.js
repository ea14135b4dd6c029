// The workflow designer: the design is plain data (the JSON format import takes), the canvas and the
// panels draw it, and every change is validated by the server, whose problems land on nodes and arrows.
// Services and actions can be declared here too (services.js); the palette then offers them.

import { Canvas } from "./canvas.js";
import { clear, el, show, testHooksExpose } from "../dom.js";
import { errorText, request } from "../http.js";
import { serviceColour } from "../vocabulary.js";
import {
  END_ITEM,
  TRIGGER,
  designForSave as designJson,
  designLoad,
  edgeFind,
  edgeParse,
  edgeRemove,
  edgeSet,
  endResultFor,
  isEnd,
  outcomesFollowed,
  stepIdNew,
  stepRemove,
  stepRename,
} from "./model.js";
import { renderDiff, renderFlow, renderPalette, renderProblems, renderVersions } from "./panels.js";
import { RunPanel } from "./run_panel.js";
import { ServiceDialog, renderServices } from "./services.js";
import { renderEdgePanel, renderStepPanel } from "./step_panel.js";

const $ = (id) => document.getElementById(id);
const get = (path) => request("GET", path);
const post = (path, body) => request("POST", path, body, { editor: true });

const state = {
  actions: new Map(),
  catalogue: null,
  design: designLoad({ slug: "", name: "", trigger: "OrderPlaced", steps: [] }),
  savedSlug: "",
  version: null,
  builtin: false, // the saved design is a built-in: only an admin publishes its versions
  admin: false,
  dirty: false,
  selected: null,
  problems: [],
  valid: false,
  validating: 0,
  preview: null,
};

let canvas;
let runPanel;
let serviceDialog;
let validateTimer = null;

const designForSave = () => designJson(state.design);

function stepById(id) {
  return state.design.steps.find((step) => step.id === id);
}

function colourOf(service) {
  const known = state.catalogue && state.catalogue.services.find((s) => s.name === service);
  return known ? known.colour : serviceColour(service);
}

const about = { actionOf: (key) => state.actions.get(key), colourOf };

/** structure: the run panel depends on it; panel: the step panel shows it (a field typed in does not). */
function changed({ structure = true, panel = true } = {}) {
  state.dirty = true;
  $("save-status").textContent = "unsaved changes";
  drawSaveMode();
  redraw({ panel });
  scheduleValidate();
  if (structure) drawRunPanel();
}

function redraw({ panel = false } = {}) {
  canvas.render(state.design, state.problems, about, state.selected);
  drawSelection(panel);
  $("delete-selected").disabled = !state.selected;
}

// --- validation --------------------------------------------------------------------------------
function scheduleValidate() {
  clearTimeout(validateTimer);
  setValidity("checking…", "");
  validateTimer = setTimeout(validate, 150);
}

async function validate() {
  const ticket = ++state.validating;
  const answer = await post("/api/workflows/validate", designForSave());
  if (ticket !== state.validating) return; // a newer change is being checked
  if (!answer.ok) {
    setValidity("cannot check", "status-failed");
    state.problems = [{ severity: "error", where: "design", message: errorText(answer), code: "http" }];
  } else {
    state.problems = [...answer.data.errors, ...answer.data.warnings];
    state.valid = answer.data.valid;
    state.preview = answer.data.preview;
    const errors = answer.data.errors.length;
    const warnings = answer.data.warnings.length;
    if (errors) setValidity(`${errors} error${errors > 1 ? "s" : ""}`, "status-failed");
    else if (warnings) setValidity(`valid · ${warnings} warning${warnings > 1 ? "s" : ""}`, "status-compensating");
    else setValidity("valid", "status-succeeded");
    renderFlow($("flow-panel"), answer.data.preview);
    $("mermaid").value = answer.data.mermaid || "";
    const failure = answer.data.preview && answer.data.preview.choreography.failure_event;
    if (failure && !state.design.failure_event) $("design-failure-event").placeholder = failure;
  }
  renderProblems($("problems"), state.problems, pickProblem);
  drawDesignProblems();
  redraw();
}

function setValidity(text, kind) {
  const badge = $("validity");
  badge.textContent = text;
  badge.className = `badge ${kind}`.trim();
  badge.dataset.state =
    kind === "status-succeeded" || kind === "status-compensating" ? "valid" : kind ? "invalid" : "checking";
}

/** Problems of the design's own fields (trigger, failure event, coordinator) next to those fields. */
function drawDesignProblems() {
  for (const [path, id] of [
    ["trigger", "design-trigger"],
    ["failure_event", "design-failure-event"],
    ["coordinator", "design-coordinator"],
  ]) {
    const found = state.problems.filter((p) => p.where === path || p.path === path);
    const note = $(`${id}-error`);
    note.textContent = found.map((p) => p.message).join(" · ");
    $(id).classList.toggle("invalid", found.length > 0);
  }
}

function pickProblem(problem) {
  if (problem.edge) state.selected = { type: "edge", from: problem.edge.from, to: problem.edge.to };
  else if (problem.step !== undefined) state.selected = { type: "step", id: problem.step };
  redraw();
}

// --- changing the design -----------------------------------------------------------------------
function loadDesign(design, { savedSlug = "", version = null, carried = false, builtin = false } = {}) {
  state.design = designLoad(design);
  if (!carried) state.design.services = []; // a saved design's services are declared here already
  state.savedSlug = savedSlug;
  state.version = version;
  state.builtin = Boolean(savedSlug) && builtin;
  state.dirty = false;
  state.selected = null;
  $("design-slug").value = state.design.slug;
  $("design-name").value = state.design.name;
  $("design-description").value = state.design.description;
  $("design-failure-event").value = state.design.failure_event;
  drawTriggerOptions();
  drawCoordinatorOptions();
  $("save-status").textContent = version ? `version ${version}` : "";
  drawSaveMode();
  canvas.signature = "";
  redraw();
  scheduleValidate();
  drawRunPanel();
}

/** Add a step for an action (or an end), after `from` on `outcome` when given; select it. */
function addStep(key, { from = "", outcome = "" } = {}) {
  const end = key === END_ITEM;
  if (!end && !state.actions.has(key)) return;
  const steps = state.design.steps;
  const step = end
    ? { id: stepIdNew(steps, endResultFor(outcome)), end: endResultFor(outcome), after: [] }
    : { id: stepIdNew(steps, key.split(".")[1]), action: key, after: [], policy: {} };
  if (end && !from) {
    // An end needs a step before it: after the selected step, on its first outcome nothing follows yet.
    const selected = state.selected && state.selected.type === "step" && stepById(state.selected.id);
    if (selected && !isEnd(selected)) {
      from = selected.id;
      outcome = outcomeFree(selected);
      step.end = endResultFor(outcome);
      step.id = stepIdNew(steps, step.end);
    }
  }
  if (from) edgeSet(step, from, outcome);
  steps.push(step);
  state.selected = { type: "step", id: step.id };
  changed();
}

/** The first outcome of a decision that no arrow follows yet ("" for a step that does not decide). */
function outcomeFree(step) {
  const action = state.actions.get(step.action);
  if (!action || action.outcomes.length < 2) return "";
  const followed = outcomesFollowed(state.design.steps, step.id);
  const free = action.outcomes.find((o) => !followed.has(o.event));
  return free ? free.event : "";
}

/** An arrow drawn from one step to another: from a decision, ask which outcome it follows. */
function connect(from, to, at) {
  const step = stepById(to);
  const source = stepById(from);
  if (!step || !source || from === to || edgeFind(step, from)) return;
  const action = isEnd(source) ? null : state.actions.get(source.action);
  if (!action || action.outcomes.length < 2) {
    link(from, to, "");
    return;
  }
  const followed = outcomesFollowed(state.design.steps, from);
  canvas.choose(
    at || { x: 40, y: 40 },
    {
      title: `${to} runs after ${from} when it ends with…`,
      choices: [
        ...action.outcomes.map((o) => ({
          value: o.event,
          text: `${o.event}${followed.has(o.event) ? " (followed already)" : ""}`,
        })),
        { value: "", text: "any outcome" },
      ],
    },
    (outcome) => link(from, to, outcome),
  );
}

function link(from, to, outcome) {
  const step = stepById(to);
  if (!step) return;
  edgeSet(step, from, outcome);
  state.selected = { type: "edge", from, to };
  changed();
}

function deleteSelected() {
  const selected = state.selected;
  if (!selected) return;
  if (selected.type === "step") {
    state.design.steps = stepRemove(state.design.steps, selected.id);
  } else {
    const step = stepById(selected.to);
    if (step) edgeRemove(step, selected.from);
  }
  state.selected = null;
  changed();
}

const stepChanges = {
  onRename(oldId, newId) {
    if (!newId || newId === oldId) return;
    stepRename(state.design.steps, oldId, newId);
    state.selected = { type: "step", id: newId };
    changed();
  },
  onAction(id, key) {
    stepById(id).action = key;
    changed();
  },
  onEdge(id, from, on, outcome) {
    const step = stepById(id);
    if (on) edgeSet(step, from, outcome);
    else edgeRemove(step, from);
    changed();
  },
  onTrigger(id, on) {
    const step = stepById(id);
    if (on) edgeSet(step, TRIGGER);
    else edgeRemove(step, TRIGGER);
    changed();
  },
  onJoin(id, join) {
    stepById(id).join = join;
    changed();
  },
  onMaxVisits(id, visits) {
    const step = stepById(id);
    if (visits === undefined || Number.isNaN(visits)) delete step.max_visits;
    else step.max_visits = visits;
    changed({ structure: false, panel: false });
  },
  onEnd(id, result) {
    const step = stepById(id);
    const others = state.design.steps.filter((s) => s !== step);
    // An id made from the old result word follows the new one ("done" → "booked").
    if (result && step.id === stepIdNew(others, step.end)) {
      const newId = stepIdNew(others, result);
      stepRename(state.design.steps, id, newId);
      state.selected = { type: "step", id: newId };
    }
    step.end = result;
    changed({ structure: false, panel: false });
  },
  onFails(id, fails) {
    const step = stepById(id);
    if (fails) step.fails = true;
    else delete step.fails;
    changed();
  },
  onPolicy(id, name, value) {
    const step = stepById(id);
    if (value === undefined || (typeof value === "number" && Number.isNaN(value))) delete step.policy[name];
    else step.policy[name] = value;
    changed({ structure: false, panel: false });
  },
  onAddAfter(id, outcome, key) {
    addStep(key, { from: id, outcome });
  },
  onDelete(id) {
    state.selected = { type: "step", id };
    deleteSelected();
  },
};

/** The step panel's handlers: each names a step by id, and one renamed or removed meanwhile (a change
 * event that comes late, from a field taken away) changes nothing. */
const stepHandlers = Object.fromEntries(
  Object.entries(stepChanges).map(([name, change]) => [
    name,
    (id, ...rest) => {
      if (stepById(id)) change(id, ...rest);
    },
  ]),
);

let drawnSelection = "";

let drawing = false;
let drawAgain = false;

function drawSelection(force = false) {
  // Taking the panel's inputs away blurs the focused one, whose change may land here again: the drawing
  // under way is finished first, then the panel is drawn once more from the state as it is then.
  if (drawing) {
    drawAgain = true;
    return;
  }
  drawing = true;
  try {
    selectionDraw(force);
  } finally {
    drawing = false;
  }
  if (drawAgain) {
    drawAgain = false;
    selectionDraw(true);
  }
}

function selectionDraw(force) {
  const panel = $("step-panel");
  const selected = state.selected;
  const problemsAt = (where) => state.problems.filter((p) => p.where === where);
  const key = JSON.stringify([selected, state.problems.map((p) => p.where + p.message)]);
  if (!force && key === drawnSelection && panel.contains(document.activeElement)) return; // keep the field being edited
  const same = drawnSelection && JSON.parse(drawnSelection)[0];
  const kept = JSON.stringify(same) === JSON.stringify(selected) ? transientKeep(panel) : null;
  drawnSelection = key;
  drawPanel(panel, selected, problemsAt);
  if (kept) kept();
}

/** Choices made in the panel but not in the design yet ("Then…"), and the focus: put back after a redraw. */
function transientKeep(panel) {
  const values = [...panel.querySelectorAll("[data-transient]")].map((node) => [node.id, node.value]);
  const focused = panel.contains(document.activeElement) ? document.activeElement.id : "";
  return () => {
    for (const [id, value] of values) {
      const node = document.getElementById(id);
      if (node && [...node.options].some((option) => option.value === value)) node.value = value;
    }
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  };
}

function drawPanel(panel, selected, problemsAt) {
  if (selected && selected.type === "step" && stepById(selected.id)) {
    const step = stepById(selected.id);
    renderStepPanel(panel, step, {
      steps: state.design.steps,
      actions: state.actions,
      services: state.catalogue.services,
      defaults: state.catalogue.policy_defaults,
      limits: state.catalogue.limits,
      joins: state.catalogue.joins || ["all", "first"],
      distributions: state.catalogue.latency_distributions || [],
      problems: problemsAt(`step:${step.id}`),
      handlers: stepHandlers,
    });
  } else if (selected && selected.type === "edge" && stepById(selected.to)) {
    const target = stepById(selected.to);
    const source = stepById(selected.from);
    const action = source && !isEnd(source) ? state.actions.get(source.action) : null;
    const edge = edgeFind(target, selected.from);
    renderEdgePanel(panel, {
      from: selected.from,
      to: selected.to,
      outcome: edge ? edgeParse(edge).outcome : "",
      outcomes: action ? action.outcomes.map((o) => o.event) : [],
      problems: problemsAt(`edge:${selected.from}->${selected.to}`),
      onOutcome: (outcome) => link(selected.from, selected.to, outcome),
      onDelete: deleteSelected,
    });
  } else {
    clear(panel).append(
      el("p", {
        class: "muted",
        text: "Select a step or an arrow. Drag actions from the palette (or “add”); use “Connect steps” to draw arrows, or a step's “Then” to add the next one.",
      }),
    );
  }
}

// --- the design's own fields -------------------------------------------------------------------
function drawTriggerOptions() {
  const select = clear($("design-trigger"));
  const triggers = state.catalogue.triggers;
  for (const service of state.catalogue.services) {
    const own = triggers.filter((t) => t.service === service.name);
    if (own.length)
      select.append(
        el(
          "optgroup",
          { label: service.label || service.name },
          own.map((t) => el("option", { value: t.name, text: t.name })),
        ),
      );
  }
  const orphans = triggers.filter((t) => !state.catalogue.services.some((s) => s.name === t.service));
  select.append(...orphans.map((t) => el("option", { value: t.name, text: t.name })));
  if (!triggers.some((t) => t.name === state.design.trigger))
    select.append(el("option", { value: state.design.trigger, text: `${state.design.trigger} (unknown here)` }));
  select.value = state.design.trigger;
}

function drawCoordinatorOptions() {
  const select = clear($("design-coordinator"));
  select.append(
    el("option", { value: "", text: "the trigger's service (default)" }),
    state.catalogue.services.map((s) => el("option", { value: s.name, text: s.label || s.name })),
  );
  if (state.design.coordinator && !state.catalogue.services.some((s) => s.name === state.design.coordinator))
    select.append(el("option", { value: state.design.coordinator, text: `${state.design.coordinator} (unknown)` }));
  select.value = state.design.coordinator;
}

// --- the catalogue: services and actions -------------------------------------------------------
async function loadCatalogue() {
  const answer = await get("/api/actions");
  if (!answer.ok) return answer;
  state.catalogue = answer.data;
  state.actions = new Map(answer.data.actions.map((a) => [a.key, a]));
  drawPalette();
  renderServices($("services-panel"), {
    services: answer.data.services,
    actions: answer.data.actions,
    onDeclare: () => serviceDialog.declare(),
    onEdit: (name) => serviceDialog.edit(name),
  });
  return answer;
}

function drawPalette() {
  renderPalette($("palette"), state.catalogue, $("palette-filter").value, (key) => addStep(key));
}

async function servicesChanged(name, what) {
  await loadCatalogue();
  drawTriggerOptions();
  drawCoordinatorOptions();
  show(
    $("services-status"),
    `${what === "deleted" ? "Deleted" : what === "declared" ? "Declared" : "Saved"} ${name}.`,
    "ok",
  );
  canvas.signature = "";
  redraw();
  scheduleValidate();
  drawRunPanel();
}

// --- saving and versions -----------------------------------------------------------------------
/** A built-in, as saved (same slug), edited by someone who is not an admin: "Copy" instead of "Save". */
function drawSaveMode() {
  const protectedHere = state.builtin && !state.admin && state.design.slug === state.savedSlug;
  $("save").hidden = protectedHere;
  $("copy").hidden = !protectedHere;
  $("builtin-note").hidden = !protectedHere;
}

async function save() {
  const design = designForSave();
  const saveStatus = $("save-status");
  saveStatus.textContent = "saving…";
  const path =
    state.savedSlug && state.savedSlug === design.slug
      ? `/api/workflows/${encodeURIComponent(design.slug)}/versions`
      : "/api/workflows";
  const answer = await post(path, design);
  if (!answer.ok) {
    const told = answer.status === 409 || answer.status === 403;
    saveStatus.textContent = `not saved: ${told ? errorText(answer) : "fix the problems below"}`;
    saveStatus.className = "error";
    if (answer.status === 403 && answer.data && answer.data.errors && answer.data.errors.design) {
      state.builtin = true; // a built-in after all: offer the copy
      drawSaveMode();
    }
    if (answer.data && Array.isArray(answer.data.problems)) {
      state.problems = answer.data.problems;
      renderProblems($("problems"), state.problems, pickProblem);
      drawDesignProblems();
      redraw();
    }
    return;
  }
  state.savedSlug = answer.data.slug;
  state.version = answer.data.version;
  state.dirty = false;
  saveStatus.className = "muted";
  saveStatus.textContent = `saved as version ${answer.data.version}`;
  saveStatus.dataset.version = String(answer.data.version);
  history.replaceState(null, "", `/designer/${encodeURIComponent(answer.data.slug)}/`);
  if (state.design.services.length) {
    // The services the file carried are declared now: the palette offers them.
    state.design.services = [];
    await loadCatalogue();
    drawTriggerOptions();
  }
  drawRunPanel();
  loadVersions();
}

/** A design of one's own with the built-in's steps; unsaved changes stay in the editor, on the copy. */
async function copy() {
  const saveStatus = $("save-status");
  saveStatus.textContent = "copying…";
  saveStatus.className = "muted";
  const edited = state.dirty ? designForSave() : null;
  const path = `/api/workflows/${encodeURIComponent(state.savedSlug)}/copy`;
  const answer = await post(path, state.version ? { version: state.version } : {});
  if (!answer.ok) {
    saveStatus.textContent = `not copied: ${errorText(answer)}`;
    saveStatus.className = "error";
    return;
  }
  const copied = answer.data;
  const design = edited ? { ...edited, slug: copied.slug, name: copied.name } : copied;
  loadDesign(design, { savedSlug: copied.slug, version: copied.version, builtin: copied.builtin });
  state.dirty = Boolean(edited);
  saveStatus.textContent = `copied as “${copied.slug}”, yours` + (edited ? "; your changes are not saved yet" : "");
  saveStatus.dataset.copied = copied.slug;
  history.replaceState(null, "", `/designer/${encodeURIComponent(copied.slug)}/`);
  drawRunPanel();
  loadVersions();
}

async function loadVersions() {
  const panel = $("versions-panel");
  if (!state.savedSlug) return;
  const answer = await get(`/api/workflows/${encodeURIComponent(state.savedSlug)}/versions`);
  if (!answer.ok) return;
  renderVersions(panel, {
    slug: state.savedSlug,
    versions: answer.data.results,
    current: state.version,
    onOpen: openVersion,
    onDiff: async (from, to, target) => {
      const diff = await get(`/api/workflows/${encodeURIComponent(state.savedSlug)}/diff?from=${from}&to=${to}`);
      if (diff.ok) renderDiff(target, diff.data);
      else clear(target).append(el("p", { class: "error", text: errorText(diff) }));
    },
  });
}

async function openVersion(number) {
  if (state.dirty && !window.confirm("Discard the unsaved changes?")) return;
  const answer = await get(`/api/workflows/${encodeURIComponent(state.savedSlug)}/versions/${number}`);
  if (answer.ok) {
    const { slug, version, builtin } = answer.data;
    loadDesign(answer.data, { savedSlug: slug, version, builtin });
    loadVersions();
  }
}

// --- import and export -------------------------------------------------------------------------
async function importText() {
  const status = $("import-status");
  let parsed;
  try {
    parsed = JSON.parse($("import-text").value);
  } catch (error) {
    show(status, `Not JSON: ${error.message}`, "error");
    return;
  }
  const answer = await post("/api/workflows/validate", parsed);
  if (!answer.ok) {
    show(status, errorText(answer), "error");
    return;
  }
  if (!answer.data.preview) {
    show(status, `Not a design: ${answer.data.errors.map((p) => p.message).join("; ")}`, "error");
    return;
  }
  const exists = await get(`/api/workflows/${encodeURIComponent(parsed.slug)}`);
  const builtin = exists.ok && exists.data.builtin;
  loadDesign(parsed, { savedSlug: exists.ok ? parsed.slug : "", version: null, carried: true, builtin });
  state.dirty = true;
  const carried = state.design.services.map((s) => s.name).filter(Boolean);
  const declaring = carried.length
    ? ` It carries the service(s) ${carried.join(", ")}: saving declares those missing here.`
    : "";
  show(
    status,
    (exists.ok ? `Imported; saving adds a version to “${parsed.slug}”.` : "Imported; saving creates the design.") +
      declaring,
    "ok",
  );
  if (exists.ok) loadVersions();
}

/** The design file: a saved, unchanged design as the API exports it (with its declared services). */
async function exportJson() {
  let design = null;
  if (state.savedSlug && !state.dirty && state.savedSlug === state.design.slug) {
    const query = state.version ? `?version=${state.version}` : "";
    const answer = await get(`/api/workflows/${encodeURIComponent(state.savedSlug)}${query}`);
    if (answer.ok) design = answer.data;
  }
  if (!design) design = { ...designForSave(), services: await servicesUsed() };
  if (!design.services || !design.services.length) delete design.services;
  const file = { $schema: "/api/workflows/schema.json", ...design };
  const blob = new Blob([JSON.stringify(file, null, 2)], { type: "application/json" });
  const link = el("a", { download: `${file.slug || "workflow"}.json` });
  link.href = URL.createObjectURL(blob);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** The declarations of the declared services an unsaved design uses (its steps and its trigger). */
async function servicesUsed() {
  if (state.design.services.length) return state.design.services;
  const declared = new Set(state.catalogue.services.filter((s) => s.modelled).map((s) => s.name));
  const names = new Set(state.design.steps.filter((s) => s.action).map((s) => s.action.split(".")[0]));
  const trigger = state.catalogue.triggers.find((t) => t.name === state.design.trigger);
  if (trigger) names.add(trigger.service);
  const found = [];
  for (const name of [...names].filter((n) => declared.has(n)).sort()) {
    const answer = await get(`/api/services/${encodeURIComponent(name)}`);
    if (answer.ok) found.push(answer.data);
  }
  return found;
}

// --- running the saved design ------------------------------------------------------------------
function drawRunPanel() {
  const trigger = state.design.trigger;
  runPanel.draw({
    trigger,
    triggerInfo: state.catalogue.triggers.find((t) => t.name === trigger),
    slug: state.savedSlug,
    saved: Boolean(state.savedSlug) && !state.dirty,
  });
}

// --- start -------------------------------------------------------------------------------------
function bindToolbar() {
  const quiet = { structure: false, panel: false };
  const fields = [
    // element, event, design field, value, what changes with it
    ["design-slug", "input", "slug", (v) => v.trim(), { structure: true, panel: false }],
    ["design-name", "input", "name", (v) => v, quiet],
    ["design-description", "input", "description", (v) => v, quiet],
    ["design-failure-event", "change", "failure_event", (v) => v.trim(), quiet],
    ["design-coordinator", "change", "coordinator", (v) => v, quiet],
  ];
  for (const [id, event, field, value, how] of fields)
    $(id).addEventListener(event, (e) => {
      state.design[field] = value(e.target.value);
      changed(how);
    });
  $("design-trigger").addEventListener("change", (e) => {
    state.design.trigger = e.target.value;
    $("design-failure-event").placeholder = "default: from the trigger";
    changed();
  });
  const connectButton = $("connect-mode");
  connectButton.addEventListener("click", () => {
    const on = connectButton.getAttribute("aria-pressed") !== "true";
    connectButton.setAttribute("aria-pressed", String(on));
    connectButton.classList.toggle("on", on);
    canvas.setConnectMode(on);
  });
  $("layout").addEventListener("click", () => canvas.layout());
  $("delete-selected").addEventListener("click", deleteSelected);
  $("save").addEventListener("click", save);
  $("copy").addEventListener("click", copy);
  $("import").addEventListener("click", importText);
  $("export-json").addEventListener("click", exportJson);
  $("import-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (file) $("import-text").value = await file.text();
  });
  $("palette-filter").addEventListener("input", drawPalette);
  document.addEventListener("keydown", (e) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    const inDialog = $("service-dialog").open;
    if ((e.key === "Delete" || e.key === "Backspace") && !typing && !inDialog && state.selected) deleteSelected();
  });
}

async function start() {
  const root = $("designer");
  state.admin = root.dataset.admin === "true";
  serviceDialog = new ServiceDialog($("service-dialog"), { distributions: [], onChanged: servicesChanged });
  const answer = await loadCatalogue();
  if (!answer.ok) {
    root.prepend(el("p", { class: "error", text: `Cannot load the actions: ${errorText(answer)}` }));
    return;
  }
  serviceDialog.distributions = answer.data.latency_distributions || [];
  runPanel = new RunPanel($("run-panel"), { onRun: loadVersions });
  canvas = new Canvas($("canvas"), {
    onSelect: (selected) => {
      state.selected = selected;
      redraw();
    },
    onConnect: connect,
    onDropAction: (key) => addStep(key),
    hasEdge: (from, to) => Boolean(stepById(to) && edgeFind(stepById(to), from)),
  });
  bindToolbar();
  const slug = root.dataset.slug;
  if (slug) {
    const design = await get(`/api/workflows/${encodeURIComponent(slug)}`);
    if (design.ok) {
      loadDesign(design.data, { savedSlug: slug, version: design.data.version, builtin: design.data.builtin });
      loadVersions();
    } else {
      root.prepend(el("p", { class: "error", text: `No design “${slug}”.` }));
      loadDesign({ slug, name: "", steps: [] });
    }
  } else {
    loadDesign({ slug: "", name: "New workflow", steps: [] });
  }
  // For the browser tests (only on pages rendered for them).
  testHooksExpose(
    { state, canvas, stepPosition: (id) => canvas.stepViewportPosition(id), design: designForSave, ready: true },
    "designer",
  );
  root.dataset.ready = "true";
}

start();

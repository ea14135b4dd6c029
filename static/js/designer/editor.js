// The workflow designer: the design is plain data (the JSON format import takes), the canvas and the
// panels draw it, and every change is validated by the server, whose problems land on nodes and arrows.

import { Canvas } from "./canvas.js";
import { clear, el, show } from "../dom.js";
import { errorText, request } from "../http.js";
import {
  renderDiff,
  renderEdgePanel,
  renderFlow,
  renderPalette,
  renderProblems,
  renderRuns,
  renderStepPanel,
  renderVersions,
} from "./panels.js";

const FINAL = new Set(["succeeded", "failed", "compensated"]);
const $ = (id) => document.getElementById(id);
const get = (path) => request("GET", path);
const post = (path, body) => request("POST", path, body, { editor: true });

const state = {
  actions: new Map(),
  catalogue: null,
  design: { slug: "", name: "", description: "", trigger: "OrderPlaced", steps: [] },
  savedSlug: "",
  version: null,
  dirty: false,
  selected: null,
  problems: [],
  valid: false,
  validating: 0,
  runs: [],
};

let canvas;
let validateTimer = null;

function serviceOf(actionKey) {
  return String(actionKey || "").split(".")[0];
}

function stepById(id) {
  return state.design.steps.find((step) => step.id === id);
}

function changed({ structure = true } = {}) {
  state.dirty = true;
  $("save-status").textContent = "unsaved changes";
  redraw();
  scheduleValidate();
  if (structure) drawRunPanel();
}

function redraw() {
  canvas.render(state.design, state.problems, serviceOf, state.selected);
  drawSelection();
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
    const errors = answer.data.errors.length;
    const warnings = answer.data.warnings.length;
    if (errors) setValidity(`${errors} error${errors > 1 ? "s" : ""}`, "status-failed");
    else if (warnings) setValidity(`valid · ${warnings} warning${warnings > 1 ? "s" : ""}`, "status-compensating");
    else setValidity("valid", "status-succeeded");
    renderFlow($("flow-panel"), answer.data.preview);
    $("mermaid").value = answer.data.mermaid || "";
  }
  renderProblems($("problems"), state.problems, pickProblem);
  redraw();
}

function setValidity(text, kind) {
  const badge = $("validity");
  badge.textContent = text;
  badge.className = `badge ${kind}`.trim();
  badge.dataset.state =
    kind === "status-succeeded" || kind === "status-compensating" ? "valid" : kind ? "invalid" : "checking";
}

function pickProblem(problem) {
  if (problem.edge) state.selected = { type: "edge", from: problem.edge.from, to: problem.edge.to };
  else if (problem.step !== undefined) state.selected = { type: "step", id: problem.step };
  redraw();
}

// --- the design --------------------------------------------------------------------------------
function designForSave() {
  const d = state.design;
  const design = { slug: d.slug, name: d.name, description: d.description || "", trigger: d.trigger, steps: [] };
  for (const step of d.steps) {
    const copy = { id: step.id, action: step.action, after: [...(step.after || [])] };
    if (step.policy && Object.keys(step.policy).length) copy.policy = { ...step.policy };
    design.steps.push(copy);
  }
  return design;
}

function loadDesign(design, { savedSlug = "", version = null } = {}) {
  state.design = {
    slug: String(design.slug || ""),
    name: String(design.name || ""),
    description: String(design.description || ""),
    trigger: design.trigger || "OrderPlaced",
    steps: (design.steps || []).map((step) => ({
      id: String(step.id),
      action: String(step.action),
      after: Array.isArray(step.after) ? step.after.map(String) : [],
      policy: step.policy && typeof step.policy === "object" ? { ...step.policy } : {},
    })),
  };
  state.savedSlug = savedSlug;
  state.version = version;
  state.dirty = false;
  state.selected = null;
  $("design-slug").value = state.design.slug;
  $("design-name").value = state.design.name;
  $("design-description").value = state.design.description;
  $("design-trigger").value = state.design.trigger;
  $("save-status").textContent = version ? `version ${version}` : "";
  canvas.signature = "";
  redraw();
  scheduleValidate();
  drawRunPanel();
}

function newStepId(actionKey) {
  const base = (actionKey.split(".")[1] || "step").replace(/[^a-z0-9_]/g, "_").slice(0, 56) || "step";
  let id = base;
  for (let n = 2; stepById(id); n += 1) id = `${base}_${n}`;
  return id;
}

function addStep(actionKey) {
  if (!state.actions.has(actionKey)) return;
  const id = newStepId(actionKey);
  state.design.steps.push({ id, action: actionKey, after: [], policy: {} });
  state.selected = { type: "step", id };
  changed();
}

function connect(from, to) {
  const step = stepById(to);
  if (!step || from === to || step.after.includes(from)) return;
  step.after.push(from);
  state.selected = { type: "edge", from, to };
  changed();
}

function deleteSelected() {
  const selected = state.selected;
  if (!selected) return;
  if (selected.type === "step") {
    state.design.steps = state.design.steps.filter((step) => step.id !== selected.id);
    for (const step of state.design.steps) step.after = step.after.filter((id) => id !== selected.id);
  } else {
    const step = stepById(selected.to);
    if (step) step.after = step.after.filter((id) => id !== selected.from);
  }
  state.selected = null;
  changed();
}

const stepHandlers = {
  onRename(oldId, newId) {
    if (!newId || newId === oldId) return;
    const step = stepById(oldId);
    step.id = newId;
    for (const other of state.design.steps) other.after = other.after.map((id) => (id === oldId ? newId : id));
    state.selected = { type: "step", id: newId };
    changed();
  },
  onAction(id, key) {
    stepById(id).action = key;
    changed();
  },
  onAfter(id, dependency, on) {
    const step = stepById(id);
    step.after = on ? [...new Set([...step.after, dependency])] : step.after.filter((d) => d !== dependency);
    changed();
  },
  onPolicy(id, name, value) {
    const step = stepById(id);
    if (value === undefined || (typeof value === "number" && Number.isNaN(value))) delete step.policy[name];
    else step.policy[name] = value;
    changed({ structure: false });
  },
  onDelete(id) {
    state.selected = { type: "step", id };
    deleteSelected();
  },
};

let drawnSelection = "";

function drawSelection() {
  const panel = $("step-panel");
  const selected = state.selected;
  const problemsAt = (where) => state.problems.filter((p) => p.where === where);
  const key = JSON.stringify([selected, state.problems.map((p) => p.where + p.message)]);
  if (key === drawnSelection && panel.contains(document.activeElement)) return; // keep the field being edited
  drawnSelection = key;
  if (selected && selected.type === "step" && stepById(selected.id)) {
    const step = stepById(selected.id);
    renderStepPanel(panel, {
      step,
      actions: state.actions,
      stepIds: state.design.steps.map((s) => s.id),
      defaults: state.catalogue.policy_defaults,
      problems: problemsAt(`step:${step.id}`),
      handlers: stepHandlers,
    });
  } else if (selected && selected.type === "edge") {
    renderEdgePanel(panel, {
      from: selected.from,
      to: selected.to,
      problems: problemsAt(`edge:${selected.from}->${selected.to}`),
      onDelete: deleteSelected,
    });
  } else {
    clear(panel).append(
      el("p", {
        class: "muted",
        text: "Select a step or an arrow. Drag actions from the palette; use “Connect steps” to draw arrows.",
      }),
    );
  }
}

// --- saving and versions -----------------------------------------------------------------------
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
    saveStatus.textContent = `not saved: ${answer.status === 409 ? errorText(answer) : "fix the problems below"}`;
    saveStatus.className = "error";
    if (answer.data && Array.isArray(answer.data.problems)) {
      state.problems = answer.data.problems;
      renderProblems($("problems"), state.problems, pickProblem);
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
    loadDesign(answer.data, { savedSlug: answer.data.slug, version: answer.data.version });
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
  loadDesign(parsed, { savedSlug: exists.ok ? parsed.slug : "", version: null });
  state.dirty = true;
  show(
    status,
    exists.ok ? `Imported; saving adds a version to “${parsed.slug}”.` : "Imported; saving creates the design.",
    "ok",
  );
  if (exists.ok) loadVersions();
}

function exportJson() {
  const design = { $schema: "/api/workflows/schema.json", ...designForSave() };
  const blob = new Blob([JSON.stringify(design, null, 2)], { type: "application/json" });
  const link = el("a", { download: `${design.slug || "workflow"}.json` });
  link.href = URL.createObjectURL(blob);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// --- running the saved design ------------------------------------------------------------------
let products = null;

async function drawRunPanel() {
  const panel = $("run-panel");
  clear(panel);
  if (state.design.trigger !== "OrderPlaced") {
    panel.append(
      el(
        "p",
        {},
        "This design starts with ",
        el("span", { class: "mono", text: state.design.trigger }),
        ". ",
        el("a", { href: "/designer/try/login/", text: "Try the sign-in page" }),
        ".",
      ),
    );
    return;
  }
  if (!state.savedSlug || state.dirty) {
    panel.append(el("p", { class: "muted", text: "Save the design to run it: runs use a saved version." }));
  }
  if (products === null) {
    const answer = await get("/api/products");
    products = answer.ok ? answer.data.results : [];
    if (panel.childElementCount > 1) return; // drawn meanwhile
  }
  const sku = el(
    "select",
    { id: "run-sku", "aria-label": "Product" },
    products.map((p) => el("option", { value: p.sku, text: `${p.sku} · ${p.name}` })),
  );
  const email = el("input", {
    id: "run-email",
    type: "email",
    value: "buyer@example.com",
    "aria-label": "Buyer email",
  });
  const disabled = !state.savedSlug || state.dirty;
  const button = (pattern, text) =>
    el("button", {
      type: "button",
      id: `run-${pattern}`,
      text,
      disabled,
      onclick: () => runIt(pattern === "both" ? ["orchestration", "choreography"] : [pattern], sku.value, email.value),
    });
  panel.append(
    el("div", { class: "row" }, sku, email),
    el(
      "div",
      { class: "buttons" },
      button("orchestration", "Orchestration"),
      button("choreography", "Choreography"),
      button("both", "Run both"),
    ),
    el("ul", { id: "runs", class: "runs-list" }),
  );
  renderRuns($("runs"), state.runs);
}

async function runIt(patterns, sku, email) {
  for (const pattern of patterns) {
    const run = { pattern, status: "placing" };
    state.runs.unshift(run);
    const answer = await post("/api/orders", {
      customer_email: email,
      sku,
      quantity: 1,
      pattern,
      workflow: state.savedSlug,
    });
    if (answer.ok) {
      run.run_id = answer.data.run_id;
      run.status = "running";
    } else {
      run.status = "failed";
      run.error = errorText(answer);
    }
  }
  state.runs = state.runs.slice(0, 8);
  renderRuns($("runs"), state.runs);
  pollRuns();
}

let polling = false;

async function pollRuns() {
  if (polling) return;
  polling = true;
  while (state.runs.some((run) => run.run_id && !FINAL.has(run.status))) {
    for (const run of state.runs.filter((r) => r.run_id && !FINAL.has(r.status))) {
      const answer = await get(`/api/runs/${run.run_id}?after_seq=999999999`);
      if (answer.ok)
        Object.assign(run, {
          status: answer.data.status,
          steps: answer.data.steps,
          workflow_version: answer.data.workflow_version,
        });
    }
    if ($("runs")) renderRuns($("runs"), state.runs);
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  polling = false;
  loadVersions(); // the version is "used" now
}

// --- start -------------------------------------------------------------------------------------
function bindToolbar() {
  $("design-slug").addEventListener("input", (e) => {
    state.design.slug = e.target.value.trim();
    changed({ structure: true });
  });
  $("design-name").addEventListener("input", (e) => {
    state.design.name = e.target.value;
    changed({ structure: false });
  });
  $("design-description").addEventListener("input", (e) => {
    state.design.description = e.target.value;
    changed({ structure: false });
  });
  $("design-trigger").addEventListener("change", (e) => {
    state.design.trigger = e.target.value;
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
  $("import").addEventListener("click", importText);
  $("export-json").addEventListener("click", exportJson);
  $("import-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (file) $("import-text").value = await file.text();
  });
  $("palette-filter").addEventListener("input", (e) =>
    renderPalette($("palette"), state.catalogue.actions, e.target.value, addStep),
  );
  document.addEventListener("keydown", (e) => {
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
    if ((e.key === "Delete" || e.key === "Backspace") && !typing && state.selected) deleteSelected();
  });
}

async function start() {
  const root = $("designer");
  const answer = await get("/api/actions");
  if (!answer.ok) {
    root.prepend(el("p", { class: "error", text: `Cannot load the actions: ${errorText(answer)}` }));
    return;
  }
  state.catalogue = answer.data;
  state.actions = new Map(answer.data.actions.map((a) => [a.key, a]));
  for (const trigger of answer.data.triggers)
    $("design-trigger").append(el("option", { value: trigger.name, text: trigger.name }));
  renderPalette($("palette"), answer.data.actions, "", addStep);
  canvas = new Canvas($("canvas"), {
    onSelect: (selected) => {
      state.selected = selected;
      redraw();
    },
    onConnect: connect,
    onDropAction: addStep,
    hasEdge: (from, to) => Boolean(stepById(to) && stepById(to).after.includes(from)),
  });
  bindToolbar();
  const slug = root.dataset.slug;
  if (slug) {
    const design = await get(`/api/workflows/${encodeURIComponent(slug)}`);
    if (design.ok) {
      loadDesign(design.data, { savedSlug: slug, version: design.data.version });
      loadVersions();
    } else {
      root.prepend(el("p", { class: "error", text: `No design “${slug}”.` }));
      loadDesign({ slug, name: "", steps: [] });
    }
  } else {
    loadDesign({ slug: "", name: "New workflow", steps: [] });
  }
  // For people poking at the page and for the browser tests.
  window.designer = {
    state,
    canvas,
    stepPosition: (id) => canvas.stepViewportPosition(id),
    design: designForSave,
    ready: true,
  };
  root.dataset.ready = "true";
}

start();

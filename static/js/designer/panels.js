// The editor's side panels: palette, step form, problems, message flow, versions and diffs, runs.
// Each function draws from data it is given and reports changes through callbacks.

import { clear, el } from "../dom.js";

/** Append the children that are there (null and false are skipped). */
function put(container, ...children) {
  container.append(
    ...children.flat().filter((child) => child !== null && child !== undefined && child !== false && child !== ""),
  );
}

const POLICY_FIELDS = [
  { name: "max_attempts", label: "Attempts", step: "1", min: "1", max: "10", integer: true },
  { name: "backoff_seconds", label: "Backoff (s)", step: "0.1", min: "0", max: "60" },
  { name: "timeout_seconds", label: "Timeout (s)", step: "1", min: "1", max: "3600", integer: true },
  { name: "failure_probability", label: "Failure probability", step: "0.05", min: "0", max: "1" },
];

export function renderPalette(container, actions, filter, onAdd) {
  clear(container);
  const needle = filter.trim().toLowerCase();
  const services = new Map();
  for (const action of actions) {
    const text = `${action.key} ${action.description} ${action.command.name} ${action.event.name}`.toLowerCase();
    if (needle && !text.includes(needle)) continue;
    if (!services.has(action.service)) services.set(action.service, []);
    services.get(action.service).push(action);
  }
  for (const [service, list] of services) {
    container.append(el("h4", { class: `service service-${service}`, text: service }));
    for (const action of list) {
      const item = el(
        "div",
        {
          class: `palette-item service-${service}`,
          draggable: "true",
          title: action.description,
          dataset: { action: action.key },
        },
        el("strong", { text: action.name.replaceAll("_", " ") }),
        el("span", { class: "small muted mono", text: `${action.command.name} → ${action.event.name}` }),
        el("button", {
          type: "button",
          class: "link add",
          text: "add",
          "aria-label": `Add ${action.key}`,
          onclick: () => onAdd(action.key),
        }),
      );
      item.addEventListener("dragstart", (event) => {
        event.dataTransfer.setData("application/x-workflowviz-action", action.key);
        event.dataTransfer.setData("text/plain", action.key);
        event.dataTransfer.effectAllowed = "copy";
      });
      container.append(item);
    }
  }
  if (!services.size) container.append(el("p", { class: "muted", text: "No action matches." }));
}

function problemList(problems) {
  if (!problems.length) return null;
  return el(
    "ul",
    { class: "problems inline" },
    problems.map((p) => el("li", { class: p.severity, text: p.message })),
  );
}

export function renderStepPanel(container, { step, actions, stepIds, defaults, problems, handlers }) {
  clear(container);
  const action = actions.get(step.action);
  const service = step.action.split(".")[0];
  const idInput = el("input", {
    class: "mono",
    value: step.id,
    id: "step-id",
    autocomplete: "off",
    spellcheck: "false",
  });
  idInput.addEventListener("change", () => handlers.onRename(step.id, idInput.value.trim()));
  const actionSelect = el(
    "select",
    { id: "step-action" },
    [...actions.values()].map((a) => el("option", { value: a.key, text: a.key, selected: a.key === step.action })),
    actions.has(step.action)
      ? null
      : el("option", { value: step.action, text: `${step.action} (unknown)`, selected: true }),
  );
  actionSelect.addEventListener("change", () => handlers.onAction(step.id, actionSelect.value));
  const others = stepIds.filter((id) => id !== step.id);
  const after = el(
    "fieldset",
    { class: "after" },
    el("legend", { text: "Runs after" }),
    others.length ? null : el("p", { class: "muted small", text: "No other step yet: it starts with the trigger." }),
    others.map((id) =>
      el(
        "label",
        { class: "inline" },
        el("input", {
          type: "checkbox",
          checked: (step.after || []).includes(id),
          dataset: { dependency: id },
          onchange: (event) => handlers.onAfter(step.id, id, event.target.checked),
        }),
        id,
      ),
    ),
  );
  const policy = step.policy || {};
  const fields = POLICY_FIELDS.map((field) => {
    const input = el("input", {
      type: "number",
      step: field.step,
      min: field.min,
      max: field.max,
      placeholder: String(defaults[field.name]),
      value: policy[field.name] ?? "",
      id: `policy-${field.name}`,
    });
    input.addEventListener("change", () => {
      const raw = input.value.trim();
      handlers.onPolicy(
        step.id,
        field.name,
        raw === "" ? undefined : field.integer ? parseInt(raw, 10) : parseFloat(raw),
      );
    });
    return el("label", {}, field.label, input);
  });
  const latency = policy.latency_ms || [];
  const latencyInputs = [0, 1].map((i) =>
    el("input", {
      type: "number",
      min: "0",
      max: "60000",
      step: "10",
      value: latency[i] ?? "",
      placeholder: String(defaults.latency_ms[i]),
      id: `policy-latency-${i}`,
    }),
  );
  const onLatency = () => {
    const [low, high] = latencyInputs.map((input) => input.value.trim());
    handlers.onPolicy(
      step.id,
      "latency_ms",
      low === "" && high === "" ? undefined : [parseInt(low || "0", 10), parseInt(high || low || "0", 10)],
    );
  };
  latencyInputs.forEach((input) => input.addEventListener("change", onLatency));
  const sameService = [...actions.values()].filter((a) => a.service === service && a.key !== step.action);
  const declared = action ? action.compensation : "";
  const compensation = el(
    "select",
    { id: "policy-compensation" },
    el("option", {
      value: "__default",
      text: `default (${declared || "none"})`,
      selected: !("compensation" in policy),
    }),
    el("option", { value: "", text: "none", selected: policy.compensation === "" }),
    sameService.map((a) => el("option", { value: a.key, text: a.key, selected: policy.compensation === a.key })),
    "compensation" in policy && policy.compensation && !sameService.some((a) => a.key === policy.compensation)
      ? el("option", { value: policy.compensation, text: `${policy.compensation} (not offered)`, selected: true })
      : null,
  );
  compensation.addEventListener("change", () =>
    handlers.onPolicy(step.id, "compensation", compensation.value === "__default" ? undefined : compensation.value),
  );
  put(
    container,
    problemList(problems),
    el("label", {}, "Step id", idInput),
    el("label", {}, "Action", actionSelect),
    action
      ? el(
          "p",
          { class: "small muted" },
          action.description,
          el("br"),
          el("span", { class: "mono", text: `needs ${action.command.fields.join(", ")}` }),
          el("br"),
          el("span", { class: "mono", text: `publishes ${action.event.name} (${action.event.fields.join(", ")})` }),
        )
      : null,
    after,
    el("h4", { text: "Policy (empty: the default)" }),
    el("div", { class: "row" }, fields),
    el(
      "label",
      {},
      "Simulated latency (ms, low–high)",
      el("span", { class: "pair" }, latencyInputs[0], "–", latencyInputs[1]),
    ),
    el("label", {}, "Compensation (undoes the step after a failure)", compensation),
    el("button", { type: "button", class: "danger", text: "Delete step", onclick: () => handlers.onDelete(step.id) }),
  );
}

export function renderEdgePanel(container, { from, to, problems, onDelete }) {
  clear(container);
  put(
    container,
    problemList(problems),
    el(
      "p",
      {},
      el("strong", { class: "mono", text: to }),
      " runs after ",
      el("strong", { class: "mono", text: from }),
      ".",
    ),
    el("p", {
      class: "small muted",
      text: `Orchestration: the coordinator sends ${to}'s command once ${from} replied. Choreography: ${to} subscribes to the event ${from} publishes.`,
    }),
    el("button", { type: "button", class: "danger", text: "Delete arrow", onclick: onDelete }),
  );
}

export function renderProblems(list, problems, onPick) {
  clear(list);
  if (!problems.length) {
    list.append(el("li", { class: "ok", text: "No problems: both patterns can run this design." }));
    return;
  }
  for (const problem of problems) {
    list.append(
      el(
        "li",
        {
          class: problem.severity,
          tabindex: "0",
          dataset: { where: problem.where },
          onclick: () => onPick(problem),
          onkeydown: (e) => e.key === "Enter" && onPick(problem),
        },
        el("span", { class: "where mono", text: problem.where }),
        " ",
        problem.message,
      ),
    );
  }
}

export function renderFlow(container, preview) {
  clear(container);
  if (!preview) {
    container.append(el("p", { class: "muted", text: "Fix the design's shape to see its messages." }));
    return;
  }
  const orchestration = el(
    "ol",
    { class: "flow" },
    preview.orchestration.steps.map((s) =>
      el(
        "li",
        {},
        el("span", { class: "muted", text: `${s.when}: ` }),
        el("span", { class: "msg command", text: `${s.command.from} → ${s.command.to} ${s.command.type}` }),
        " ",
        el("span", { class: "msg reply", text: `↩ ${s.reply.type}` }),
      ),
    ),
  );
  const choreography = el(
    "ul",
    { class: "flow" },
    preview.choreography.subscriptions.map((s) =>
      el(
        "li",
        {},
        el("span", { class: "msg event", text: s.event }),
        el("span", { class: "muted", text: ` from ${s.publisher}${s.from_step ? ` (${s.from_step})` : ""} → ` }),
        s.subscribers.length
          ? s.subscribers.map((sub) => `${sub.step}@${sub.service}`).join(", ")
          : el("span", { class: "muted", text: "no subscriber (ends here)" }),
      ),
    ),
  );
  const joins = preview.choreography.joins.map((j) =>
    el("li", {}, el("strong", { text: j.step }), ` waits for ${j.waits_for.join(" + ")} (a join kept by ${j.service})`),
  );
  put(
    container,
    el("h4", { text: `Orchestration: ${preview.orchestration.messages} messages, all through orders` }),
    orchestration,
    el("h4", { text: `Choreography: ${preview.choreography.messages} event deliveries` }),
    choreography,
    joins.length ? el("ul", { class: "flow joins" }, joins) : null,
  );
}

export function renderVersions(container, { slug, versions, current, onOpen, onDiff }) {
  clear(container);
  if (!versions.length) {
    container.append(el("p", { class: "muted", text: "Not saved yet." }));
    return;
  }
  const rows = versions.map((v) =>
    el(
      "tr",
      { class: v.number === current ? "current" : "" },
      el("td", { class: "mono nowrap", text: `v${v.number}` }),
      el("td", { class: "small", text: `${v.origin}${v.created_by ? ` · ${v.created_by}` : ""}` }),
      el("td", { class: "small muted", text: v.created_at.slice(0, 19).replace("T", " ") }),
      el("td", { class: "small nowrap", text: v.used ? `used · ${v.runs} run(s)` : "unused" }),
      el(
        "td",
        { class: "nowrap" },
        el("button", { type: "button", class: "link", text: "open", onclick: () => onOpen(v.number) }),
      ),
    ),
  );
  const options = (selected) =>
    versions.map((v) =>
      el("option", { value: String(v.number), text: `v${v.number}`, selected: v.number === selected }),
    );
  const from = el(
    "select",
    { id: "diff-from", "aria-label": "From version" },
    options(versions.length > 1 ? versions[1].number : versions[0].number),
  );
  const to = el("select", { id: "diff-to", "aria-label": "To version" }, options(versions[0].number));
  const diff = el("div", { id: "diff" });
  container.append(
    el("table", { class: "runs versions" }, el("tbody", {}, rows)),
    el(
      "div",
      { class: "buttons" },
      "Compare ",
      from,
      " with ",
      to,
      el("button", {
        type: "button",
        id: "diff-show",
        text: "Show differences",
        onclick: () => onDiff(Number(from.value), Number(to.value), diff),
      }),
    ),
    diff,
    el(
      "p",
      { class: "small muted" },
      el("a", { href: `/api/workflows/${encodeURIComponent(slug)}/versions`, text: "versions as JSON" }),
    ),
  );
}

function show(value) {
  if (value === "" || value === null || value === undefined) return "(none)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function renderDiff(container, diff) {
  clear(container);
  const items = [];
  for (const f of diff.fields)
    items.push(el("li", { class: "changed", text: `${f.field}: ${show(f.from)} → ${show(f.to)}` }));
  for (const s of diff.steps.added) items.push(el("li", { class: "added", text: `+ step ${s.step} (${s.action})` }));
  for (const s of diff.steps.removed)
    items.push(el("li", { class: "removed", text: `− step ${s.step} (${s.action})` }));
  for (const s of diff.steps.changed) {
    for (const c of s.changes)
      items.push(el("li", { class: "changed", text: `~ ${s.step} ${c.field}: ${show(c.from)} → ${show(c.to)}` }));
  }
  for (const e of diff.edges.added) items.push(el("li", { class: "added", text: `+ ${e.to} runs after ${e.from}` }));
  for (const e of diff.edges.removed)
    items.push(el("li", { class: "removed", text: `− ${e.to} no longer runs after ${e.from}` }));
  container.append(
    el("h4", { text: `v${diff.from} → v${diff.to}` }),
    items.length
      ? el("ul", { class: "diff" }, items)
      : el("p", { class: "muted", text: "The two versions are the same." }),
  );
}

export function renderRuns(list, runs) {
  clear(list);
  for (const run of runs) {
    const steps = run.steps || [];
    const done = steps.filter((s) => s.status === "succeeded").length;
    list.append(
      el(
        "li",
        { dataset: { runId: run.run_id, status: run.status || "placing" } },
        el("span", { class: `badge pattern-${run.pattern}`, text: run.pattern }),
        " ",
        el("span", { class: `badge status-${run.status}`, text: run.status || "placing" }),
        " ",
        el("span", {
          class: "small muted",
          text: run.workflow_version ? `v${run.workflow_version} · ${done}/${steps.length} steps` : "",
        }),
        " ",
        run.run_id ? el("a", { href: `/runs/${run.run_id}/`, text: "open run" }) : null,
        run.error ? el("div", { class: "error small", text: run.error }) : null,
      ),
    );
  }
}

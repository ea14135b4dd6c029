// The Step panel (a step, an end, or an arrow that is selected): what it runs, after what and on which
// outcome, how it joins, how often it may run in a loop, its policy, and "add a step after this one".
// Each change goes to the editor through a handler.

import { clear, el } from "../dom.js";
import { END_ITEM, TRIGGER, edgeFind, edgeParse, isEnd, outcomesFollowed } from "./model.js";

const POLICY_FIELDS = [
  { name: "max_attempts", label: "Attempts", step: "1", integer: true },
  { name: "backoff_seconds", label: "Backoff (s)", step: "0.1" },
  { name: "timeout_seconds", label: "Timeout (s)", step: "1", integer: true },
  { name: "failure_probability", label: "Failure probability", step: "0.05" },
];

/** Append the children that are there (null and false are skipped). */
export function put(container, ...children) {
  container.append(
    ...children.flat().filter((child) => child !== null && child !== undefined && child !== false && child !== ""),
  );
}

export function problemList(problems) {
  if (!problems.length) return null;
  return el(
    "ul",
    { class: "problems inline" },
    problems.map((p) => el("li", { class: p.severity, text: p.message })),
  );
}

const outcomesOf = (action) => (action ? action.outcomes.map((outcome) => outcome.event) : []);

/** <select> of the outcomes an edge may follow: any, or one of them. */
export function outcomeSelect(outcomes, chosen, attrs) {
  return el(
    "select",
    attrs,
    el("option", { value: "", text: "any outcome", selected: !chosen }),
    outcomes.map((event) => el("option", { value: event, text: `on ${event}`, selected: chosen === event })),
    chosen && !outcomes.includes(chosen)
      ? el("option", { value: chosen, text: `on ${chosen} (not an outcome)`, selected: true })
      : null,
  );
}

/** <select> of every action, grouped by service; `extra`: options put first. */
export function actionSelect(actions, services, chosen, attrs, extra = []) {
  const groups = services
    .map((service) => {
      const list = [...actions.values()].filter((a) => a.service === service.name);
      if (!list.length) return null;
      return el(
        "optgroup",
        { label: service.label || service.name },
        list.map((a) =>
          el("option", {
            value: a.key,
            text: `${a.key}${a.outcomes.length > 1 ? " ◆" : ""}`,
            selected: a.key === chosen,
          }),
        ),
      );
    })
    .filter(Boolean);
  return el(
    "select",
    attrs,
    extra,
    groups,
    chosen && !actions.has(chosen) && !extra.length
      ? el("option", { value: chosen, text: `${chosen} (unknown)`, selected: true })
      : null,
  );
}

/** "Runs after": each other step (on which outcome, when it decides), and the run's start. */
function afterFieldset(step, { steps, actions, handlers }) {
  // Nothing runs after an end: one is offered only when an arrow from it is there (to take it away).
  const others = steps.filter((s) => s.id !== step.id && (!isEnd(s) || edgeFind(step, s.id)));
  const starts = (step.after || []).includes(TRIGGER);
  return el(
    "fieldset",
    { class: "after" },
    el("legend", { text: "Runs after" }),
    step.after && step.after.length
      ? null
      : el("p", { class: "muted small", text: "Nothing: it starts with the trigger." }),
    others.map((other) => {
      const edge = edgeFind(step, other.id);
      const outcomes = isEnd(other) ? [] : outcomesOf(actions.get(other.action));
      return el(
        "div",
        { class: "after-row" },
        el(
          "label",
          { class: "inline" },
          el("input", {
            type: "checkbox",
            checked: Boolean(edge),
            dataset: { dependency: other.id },
            onchange: (event) => handlers.onEdge(step.id, other.id, event.target.checked, ""),
          }),
          other.id,
        ),
        edge && outcomes.length > 1
          ? outcomeSelect(outcomes, edgeParse(edge).outcome, {
              "aria-label": `Outcome of ${other.id}`,
              dataset: { outcomeFor: other.id },
              onchange: (event) => handlers.onEdge(step.id, other.id, true, event.target.value),
            })
          : null,
      );
    }),
    isEnd(step)
      ? null
      : el(
          "label",
          {
            class: "inline start-too",
            title: "For a loop: its first step runs when the run starts and again on the loop's arrow back",
          },
          el("input", {
            type: "checkbox",
            id: "step-trigger",
            checked: starts,
            onchange: (event) => handlers.onTrigger(step.id, event.target.checked),
          }),
          "also when the run starts (a loop's way in)",
        ),
  );
}

/** Join and loop bound: how the step treats several arrows, and how often it may run. */
function joinAndVisits(step, { limits, joins, handlers }) {
  const join =
    (step.after || []).length > 1
      ? el(
          "label",
          {},
          "With several arrows in",
          el(
            "select",
            { id: "step-join", onchange: (event) => handlers.onJoin(step.id, event.target.value) },
            joins.map((name) =>
              el("option", {
                value: name,
                text: name === "all" ? "wait for all of them (join)" : "run on the first to arrive",
                selected: (step.join || "all") === name,
              }),
            ),
          ),
        )
      : null;
  const visits = el("input", {
    type: "number",
    id: "step-max-visits",
    min: "1",
    max: String(limits.max_visits),
    step: "1",
    placeholder: "1",
    value: step.max_visits ?? "",
  });
  visits.addEventListener("change", () => {
    const raw = visits.value.trim();
    handlers.onMaxVisits(step.id, raw === "" ? undefined : parseInt(raw, 10));
  });
  return [
    join,
    el("label", { title: "A step in a loop must say how often it may run" }, "At most visits (a loop's bound)", visits),
  ];
}

function policyFields(step, action, { actions, defaults, distributions, handlers }) {
  const policy = step.policy || {};
  const fields = POLICY_FIELDS.map((field) => {
    const input = el("input", {
      type: "number",
      step: field.step,
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
  const distribution = el(
    "select",
    {
      id: "policy-latency-distribution",
      onchange: (event) => handlers.onPolicy(step.id, "latency_distribution", event.target.value || undefined),
    },
    el("option", { value: "", text: `default (${defaults.latency_distribution || "uniform"})` }),
    distributions.map((name) =>
      el("option", { value: name, text: name, selected: policy.latency_distribution === name }),
    ),
  );
  const service = step.action.split(".")[0];
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
  return [
    el("h4", { text: "Policy (empty: the default)" }),
    el("div", { class: "row" }, fields),
    el(
      "label",
      {},
      "Simulated latency (ms, low–high)",
      el("span", { class: "pair" }, latencyInputs[0], "–", latencyInputs[1]),
    ),
    el("label", {}, "Latency distribution", distribution),
    el("label", {}, "Compensation (undoes the step after a failure)", compensation),
  ];
}

/** "Then": add a step (or an end) that runs after this one, on one of its outcomes. */
function thenSection(step, action, { steps, actions, services, handlers }) {
  const outcomes = outcomesOf(action);
  const followed = outcomesFollowed(steps, step.id);
  const free = outcomes.find((event) => !followed.has(event)) || outcomes[0];
  const when =
    outcomes.length > 1
      ? outcomeSelect(outcomes, free, { id: "then-outcome", "aria-label": "On outcome", dataset: { transient: "1" } })
      : null;
  const what = actionSelect(
    actions,
    services,
    "",
    { id: "then-action", "aria-label": "Then run", dataset: { transient: "1" } },
    [el("option", { value: END_ITEM, text: "■ End (a result)" })],
  );
  return el(
    "fieldset",
    { class: "then" },
    el("legend", { text: "Then (add a step after this one)" }),
    el("div", { class: "line" }, when, what),
    el("button", {
      type: "button",
      id: "then-add",
      text: "Add after",
      onclick: () => handlers.onAddAfter(step.id, when ? when.value : "", what.value),
    }),
  );
}

function idInput(step, handlers) {
  const input = el("input", { class: "mono", value: step.id, id: "step-id", autocomplete: "off", spellcheck: "false" });
  input.addEventListener("change", () => handlers.onRename(step.id, input.value.trim()));
  return el("label", {}, isEnd(step) ? "End id" : "Step id", input);
}

function endFields(step, handlers) {
  const result = el("input", { id: "step-end", value: step.end, autocomplete: "off", placeholder: "approved" });
  result.addEventListener("change", () => handlers.onEnd(step.id, result.value.trim()));
  return [
    el("p", { class: "small muted", text: "An end closes its branch and gives the run its result." }),
    el("label", {}, "Result word", result),
    el(
      "label",
      { class: "inline" },
      el("input", {
        type: "checkbox",
        id: "step-fails",
        checked: Boolean(step.fails),
        onchange: (event) => handlers.onFails(step.id, event.target.checked),
      }),
      "reaching it fails the run (what was done is undone)",
    ),
  ];
}

function actionAbout(action) {
  if (!action) return null;
  const outcomes = action.outcomes.map((o) => `${o.event} (${o.fields.join(", ") || "no fields"})`);
  return el(
    "p",
    { class: "small muted" },
    action.description ? [action.description, el("br")] : null,
    el("span", { class: "mono", text: `needs ${action.inputs.join(", ") || "nothing"}` }),
    el("br"),
    action.outcomes.length > 1
      ? el("span", { class: "mono", text: `decides: ${outcomes.join(" | ")}` })
      : el("span", { class: "mono", text: `publishes ${outcomes[0]}` }),
  );
}

/** context: steps, actions (Map), services, defaults, limits, joins, distributions, problems, handlers. */
export function renderStepPanel(container, step, context) {
  clear(container);
  const { actions, services, problems, handlers } = context;
  if (isEnd(step)) {
    put(
      container,
      problemList(problems),
      idInput(step, handlers),
      endFields(step, handlers),
      afterFieldset(step, context),
      el("button", { type: "button", class: "danger", text: "Delete end", onclick: () => handlers.onDelete(step.id) }),
    );
    return;
  }
  const action = actions.get(step.action);
  const select = actionSelect(actions, services, step.action, { id: "step-action" });
  select.addEventListener("change", () => handlers.onAction(step.id, select.value));
  put(
    container,
    problemList(problems),
    idInput(step, handlers),
    el("label", {}, "Action", select),
    actionAbout(action),
    afterFieldset(step, context),
    joinAndVisits(step, context),
    thenSection(step, action, context),
    policyFields(step, action, context),
    el("button", { type: "button", class: "danger", text: "Delete step", onclick: () => handlers.onDelete(step.id) }),
  );
}

/** An arrow: which outcome of its source it follows (or any), and deleting it. */
export function renderEdgePanel(container, { from, to, outcome, outcomes, problems, onOutcome, onDelete }) {
  clear(container);
  const start = from === TRIGGER;
  put(
    container,
    problemList(problems),
    el(
      "p",
      {},
      el("strong", { class: "mono", text: to }),
      start ? " also runs when the run starts." : " runs after ",
      start ? null : el("strong", { class: "mono", text: from }),
      start ? null : outcome ? ` when it ends with ${outcome}.` : ", whatever its outcome.",
    ),
    !start && (outcomes.length > 1 || outcome)
      ? el(
          "label",
          {},
          "Follows",
          outcomeSelect(outcomes, outcome, { id: "edge-outcome", onchange: (event) => onOutcome(event.target.value) }),
        )
      : null,
    el("p", {
      class: "small muted",
      text: start
        ? "The way into a loop: the step runs at the start and again on the loop's arrow back (give it a join “first” and a bound)."
        : `Orchestration: the coordinator sends ${to}'s command once ${from} replied${outcome ? ` ${outcome}` : ""}. Choreography: ${to} subscribes to ${outcome || `the event ${from} publishes`}.`,
    }),
    el("button", { type: "button", class: "danger", text: "Delete arrow", onclick: onDelete }),
  );
}

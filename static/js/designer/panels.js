// The editor's side panels: palette, problems, message flow, versions and diffs, runs.
// Each function draws from data it is given and reports changes through callbacks.

import { clear, el } from "../dom.js";
import { END_ITEM } from "./model.js";
import { put } from "./step_panel.js";

/**
 * The palette: an "End" item, then every action grouped by service in the service's colour; a decision
 * (several outcomes) is marked and lists them. onAdd(key) adds one (key END_ITEM: an end).
 */
export function renderPalette(container, { services, actions }, filter, onAdd) {
  clear(container);
  const needle = filter.trim().toLowerCase();
  const item = (key, colour, attrs, ...children) => {
    const node = el(
      "div",
      { class: "palette-item", draggable: "true", dataset: { action: key }, ...attrs },
      ...children,
      el("button", {
        type: "button",
        class: "link add",
        text: "add",
        "aria-label": key === END_ITEM ? "Add an end" : `Add ${key}`,
        onclick: () => onAdd(key),
      }),
    );
    node.style.borderLeftColor = colour;
    node.addEventListener("dragstart", (event) => {
      event.dataTransfer.setData("application/x-workflowviz-action", key);
      event.dataTransfer.setData("text/plain", key);
      event.dataTransfer.effectAllowed = "copy";
    });
    return node;
  };
  if (!needle || "end result".includes(needle)) {
    container.append(
      item(
        END_ITEM,
        "#1f2430",
        { class: "palette-item end", title: "Ends its branch and gives the run its result" },
        el("strong", { text: "■ End" }),
        el("span", { class: "small muted", text: "a result word; after an outcome" }),
      ),
    );
  }
  let shown = 0;
  for (const service of services) {
    const list = actions.filter((action) => {
      if (action.service !== service.name) return false;
      const outcomes = action.outcomes.map((o) => o.event).join(" ");
      const text = `${action.key} ${action.description} ${action.command.name} ${outcomes}`.toLowerCase();
      return !needle || text.includes(needle);
    });
    if (!list.length) continue;
    shown += list.length;
    const head = el(
      "h4",
      { class: "service", dataset: { service: service.name } },
      el("span", { class: "swatch" }),
      service.label || service.name,
      service.modelled ? el("span", { class: "small muted", text: " · declared" }) : null,
    );
    head.firstChild.style.background = service.colour;
    container.append(head);
    for (const action of list) {
      const decides = action.outcomes.length > 1;
      container.append(
        item(
          action.key,
          service.colour,
          { class: `palette-item${decides ? " decision" : ""}`, title: action.description },
          el("strong", { text: action.name.replaceAll("_", " ") }),
          decides
            ? el(
                "span",
                { class: "small outcomes", title: "A decision: its arrows follow one outcome each" },
                "◆ decides: ",
                el("span", { class: "mono", text: action.outcomes.map((o) => o.event).join(" | ") }),
              )
            : el("span", { class: "small muted mono", text: `${action.command.name} → ${action.outcomes[0].event}` }),
        ),
      );
    }
  }
  if (!shown) container.append(el("p", { class: "muted", text: "No action matches." }));
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

/** A list of the message flow: one item per entry, its children from `render`. */
function flowList(tag, items, render) {
  return el(
    tag,
    { class: "flow" },
    items.map((item) => el("li", {}, ...render(item))),
  );
}

export function renderFlow(container, preview) {
  clear(container);
  if (!preview) {
    container.append(el("p", { class: "muted", text: "Fix the design's shape to see its messages." }));
    return;
  }
  const orchestration = flowList("ol", preview.orchestration.steps, (s) => [
    el("span", { class: "muted", text: `${s.when}: ` }),
    s.command
      ? [
          el("span", { class: "msg command", text: `${s.command.from} → ${s.command.to} ${s.command.type}` }),
          " ",
          el("span", { class: "msg reply", text: `↩ ${s.reply.type}` }),
        ]
      : el("span", { class: "msg end", text: `■ ${s.step} ends the run: ${s.end}` }),
  ]);
  const choreography = flowList("ul", preview.choreography.subscriptions, (s) => [
    el("span", { class: "msg event", text: s.event }),
    el("span", { class: "muted", text: ` from ${s.publisher}${s.from_step ? ` (${s.from_step})` : ""} → ` }),
    s.subscribers.length ? s.subscribers.map((sub) => `${sub.step}@${sub.service}`).join(", ") : null,
    s.ends && s.ends.length ? el("span", { class: "msg end", text: `■ ${s.ends.join(", ")}` }) : null,
    !s.subscribers.length && !(s.ends && s.ends.length)
      ? el("span", { class: "muted", text: "no subscriber (ends here)" })
      : null,
  ]);
  const joins = preview.choreography.joins.map((j) =>
    el(
      "li",
      {},
      el("strong", { text: j.step }),
      ` ${j.join === "first" ? "runs on the first of" : "waits for"} ${j.waits_for.join(" + ")} (a join kept by ${j.service})`,
    ),
  );
  const coordinator = preview.orchestration.coordinator || "orders";
  put(
    container,
    el("h4", { text: `Orchestration: ${preview.orchestration.messages} messages, all through ${coordinator}` }),
    orchestration,
    el("h4", { text: `Choreography: ${preview.choreography.messages} event deliveries` }),
    choreography,
    joins.length ? el("ul", { class: "flow joins" }, joins) : null,
    preview.choreography.failure_event
      ? el("p", {
          class: "small muted",
          text: `A run that fails for good publishes ${preview.choreography.failure_event}.`,
        })
      : null,
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
    const skipped = steps.filter((s) => s.status === "skipped").length;
    const about = run.workflow_version
      ? `v${run.workflow_version} · ${done}/${steps.length - skipped} steps${skipped ? ` (${skipped} skipped)` : ""}`
      : "";
    list.append(
      el(
        "li",
        { dataset: { runId: run.run_id, status: run.status || "placing" } },
        el("span", { class: `badge pattern-${run.pattern}`, text: run.pattern }),
        " ",
        el("span", { class: `badge status-${run.status}`, text: run.status || "placing" }),
        " ",
        el("span", { class: "small muted", text: about }),
        run.result ? el("span", { class: "small", text: ` result: ${run.result} ` }) : null,
        " ",
        run.run_id ? el("a", { href: `/runs/${run.run_id}/`, text: "open run" }) : null,
        run.error ? el("div", { class: "error small", text: run.error }) : null,
      ),
    );
  }
}

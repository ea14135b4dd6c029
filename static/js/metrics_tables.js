// The metrics page's figures as text: a card per pattern and the per-step and per-service tables.
// Every figure carries data-figure (and its row data-pattern / data-step / data-service), so a test
// can read exactly what a person reads.

import { el, clear, formatMs } from "./dom.js";
import { serviceColour, serviceLabel } from "./vocabulary.js";

const OUTCOMES = ["succeeded", "failed", "compensated", "running", "compensating"];
const PERCENTILES = ["p50", "p95", "p99"];

/** Runs per second, readable when it is small: "0.033/s (2.0/min)". */
export function formatRate(perSecond) {
  if (!perSecond) return "0/s";
  const perMinute = perSecond * 60;
  const seconds =
    perSecond >= 10 ? perSecond.toFixed(0) : perSecond >= 0.1 ? perSecond.toFixed(2) : perSecond.toPrecision(2);
  return `${seconds}/s (${perMinute >= 10 ? perMinute.toFixed(0) : perMinute.toFixed(1)}/min)`;
}

function figure(name, label, value) {
  return el(
    "div",
    { class: "figure" },
    el("dt", { text: label }),
    el("dd", { dataset: { figure: name }, text: value }),
  );
}

function figureGroup(title, ...figures) {
  return el("div", { class: "figure-group" }, el("h4", { text: title }), el("dl", { class: "figures" }, figures));
}

export function patternCards(host, patterns) {
  clear(host);
  for (const p of patterns) {
    const outcomes = OUTCOMES.filter((status) => p.outcomes[status] > 0).map((status) =>
      el(
        "span",
        { class: `badge status-${status}`, dataset: { figure: `outcome-${status}` } },
        `${p.outcomes[status]} ${status}`,
      ),
    );
    host.append(
      el(
        "section",
        { class: "card pattern-card", dataset: { pattern: p.pattern } },
        el(
          "div",
          { class: "pattern-card-head" },
          el("span", { class: `badge pattern-${p.pattern}`, text: p.pattern }),
          el(
            "span",
            { class: "outcomes" },
            outcomes.length ? outcomes : el("span", { class: "muted", text: "no runs" }),
          ),
        ),
        el(
          "div",
          { class: "figure-groups" },
          figureGroup(
            "runs",
            figure("runs_started", "started", p.runs_started),
            figure("runs_finished", "finished", p.runs_finished),
          ),
          figureGroup(
            "end to end",
            figure("p50", "p50", formatMs(p.latency_ms.p50)),
            figure("p95", "p95", formatMs(p.latency_ms.p95)),
            figure("p99", "p99", formatMs(p.latency_ms.p99)),
          ),
          figureGroup(
            "throughput (window average)",
            figure("runs_per_s", "runs", formatRate(p.runs_per_s)),
            figure("steps_per_s", "steps", formatRate(p.steps_per_s)),
          ),
        ),
      ),
    );
  }
}

function percentileCells(name, summary) {
  return PERCENTILES.map((q) =>
    el("td", { class: "num", dataset: { figure: `${name}_${q}` }, text: formatMs(summary[q]) }),
  );
}

function countCells(row) {
  return ["steps", "finished", "failed", "retries", "timeouts", "compensations"].map((name) =>
    el("td", {
      class: `num${row[name] && name !== "steps" && name !== "finished" ? " warn-count" : ""}`,
      dataset: { figure: name },
      text: row[name],
    }),
  );
}

function table(head, rows) {
  const headCells = head.map(([text, cls]) => el("th", { class: cls || "", text }));
  return el("table", { class: "runs metrics-table" }, el("thead", {}, el("tr", {}, headCells)), el("tbody", {}, rows));
}

const COUNT_HEAD = [
  ["steps", "num"],
  ["finished", "num"],
  ["failed", "num"],
  ["retries", "num"],
  ["timeouts", "num"],
  ["compens.", "num"],
];
const LATENCY_HEAD = [
  ["wait p50", "num"],
  ["wait p95", "num"],
  ["wait p99", "num"],
  ["exec. p50", "num"],
  ["exec. p95", "num"],
  ["exec. p99", "num"],
];

export function stepTable(host, steps) {
  const rows = steps.map((s) =>
    el(
      "tr",
      { dataset: { pattern: s.pattern, step: s.step_id, service: s.service } },
      el("td", {}, el("span", { class: `badge pattern-${s.pattern}`, text: s.pattern })),
      el("td", { class: "mono", text: s.step_id }),
      el("td", { class: s.service ? "" : "muted", text: s.service ? serviceLabel(s.service) : "(end)" }),
      countCells(s),
      percentileCells("wait", s.wait_ms),
      percentileCells("execution", s.execution_ms),
    ),
  );
  clear(host).append(table([["pattern"], ["step"], ["service"], ...COUNT_HEAD, ...LATENCY_HEAD], rows));
}

export function serviceTable(host, services) {
  const rows = services.map((s) =>
    el(
      "tr",
      { dataset: { service: s.service } },
      el(
        "td",
        {},
        el("i", { class: "swatch", style: `background:${serviceColour(s.service)}` }),
        serviceLabel(s.service),
      ),
      countCells(s),
      percentileCells("wait", s.wait_ms),
      percentileCells("execution", s.execution_ms),
    ),
  );
  clear(host).append(table([["service"], ...COUNT_HEAD, ...LATENCY_HEAD], rows));
}

// The details of what was clicked on the timeline: timestamps, attempts, payload, admin links.
//
// The shop's own record ids in payloads link to their admin pages (ADMIN); any service's records are
// linked from the vocabulary's records_url, coded or declared alike.

import { el, clear, formatClock, formatMs } from "./dom.js";
import { BACKLOG_FACTOR, BACKLOG_FLOOR_MS, laneLabel } from "./timeline_model.js";
import { serviceInfo } from "./vocabulary.js";

const ADMIN = {
  order_id: ["order", "/admin/orders/order/"],
  confirmation_email_id: ["confirmation email", "/admin/notifications/email/"],
  shipped_email_id: ["shipped email", "/admin/notifications/email/"],
  email_id: ["email", "/admin/notifications/email/"],
  seller_task_id: ["seller task", "/admin/sellers/sellertask/"],
  shipment_id: ["shipment", "/admin/logistics/shipment/"],
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where a service's records are (its records_url), when that is a path on this site. */
export function recordsLink(service) {
  const info = serviceInfo(service);
  const url = info.records_url || "";
  return url.startsWith("/") ? { href: url, label: `${info.label} records` } : null;
}

/** Links to the admin records named by whole-number ids in these payloads (nested a little), and to the
 * records of `services`. */
export function adminLinks(payloads, { runId, orderId, services = [] } = {}) {
  const found = new Map();
  const visit = (value, depth) => {
    if (!value || typeof value !== "object" || depth > 3) return;
    for (const [key, inner] of Object.entries(value)) {
      if (ADMIN[key] && Number.isInteger(inner) && inner > 0) {
        const [label, prefix] = ADMIN[key];
        found.set(`${prefix}${inner}/change/`, `${label} #${inner}`);
      } else if (typeof inner === "object") visit(inner, depth + 1);
    }
  };
  payloads.forEach((payload) => visit(payload, 0));
  if (Number.isInteger(orderId)) found.set(`/admin/orders/order/${orderId}/change/`, `order #${orderId}`);
  if (runId && UUID.test(runId)) found.set(`/admin/engine/run/${runId}/change/`, "run");
  for (const service of services) {
    const link = recordsLink(service);
    if (link) found.set(link.href, link.label);
  }
  return [...found].map(([href, label]) => ({ href, label }));
}

function fact(list, name, value) {
  if (value === undefined || value === null || value === "") return;
  list.append(el("dt", { text: name }), el("dd", { text: value }));
}

function at(t0, rel) {
  if (rel === null || rel === undefined) return null;
  return `${formatClock(new Date(t0 + rel).toISOString())} (+${formatMs(rel)})`;
}

/** A message's body; a bar's records' payloads by kind (the empty ones left out); a record's payload. */
function payloadShown(hit) {
  if (hit.type === "backlog")
    return hit.item.messages.map((m) => ({ type: m.type, step: m.stepId, attempt: m.attempt }));
  if (hit.type === "arrow") return hit.item.body;
  if (hit.type === "marker") return hit.item.event.payload;
  const byKind = {};
  for (const event of hit.item.events) {
    if (event.payload && Object.keys(event.payload).length) byKind[`#${event.seq} ${event.kind}`] = event.payload;
  }
  return byKind;
}

/**
 * Fill `panel` with the details of a timeline hit ({type, item}) of the run described by `run`.
 * links: false leaves out the admin links (a run opened from a file: its ids are another database's).
 */
export function showDetails(panel, hit, { model, runId, orderId, links: withLinks = true }) {
  clear(panel);
  if (!hit) {
    panel.append(el("p", { class: "muted", text: "Click a bar, an arrow or a marker for its details." }));
    return;
  }
  const item = hit.item;
  const facts = el("dl", { class: "facts" });
  let title;
  let payloads;
  let records;
  let why = null;
  let services = [];
  if (hit.type === "backlog") {
    const service = laneLabel(item.lane);
    title = `Backlog on ${service}`;
    fact(facts, "service", item.lane);
    fact(facts, item.open ? "waiting for" : "longest wait", formatMs(item.waitedMs));
    fact(facts, "waiting at once", `${item.waiting} of this run's messages`);
    fact(facts, "from", at(model.t0, item.from));
    fact(facts, item.open ? "still waiting at" : "until", at(model.t0, item.to));
    fact(facts, "median elsewhere", formatMs(item.medianMs));
    fact(facts, "threshold", formatMs(item.thresholdMs));
    why = el(
      "p",
      { class: "why" },
      `${service} fell behind: ${item.messages.length === 1 ? "a message" : `${item.messages.length} messages`} of this run ` +
        `waited in its queue longer than max(${formatMs(BACKLOG_FLOOR_MS)}, ${BACKLOG_FACTOR} × the median queue wait of the run's ` +
        `messages to the other services) = ` +
        `${formatMs(item.thresholdMs)} (that median: ${formatMs(item.medianMs)}), counted from when each was due (retry backoff ` +
        `left out) to when ${service} took it. ` +
        "Its queue was filling faster than it was consumed: the service was switched off, its workers were busy with " +
        "other runs' messages (a burst), or it has too few workers. Other runs' messages are not counted here.",
    );
    payloads = item.messages.map((m) => m.body);
    records = item.messages.flatMap((m) => [m.sent, m.received].filter(Boolean));
  } else if (hit.type === "bar") {
    title = `${item.kind === "compensation" ? "Compensation of " : "Step "}${item.stepId}`;
    fact(facts, "status", item.status);
    if (item.kind === "step") fact(facts, "outcome", item.outcome);
    fact(facts, "service", `${laneLabel(item.lane)} (${item.lane})`);
    fact(facts, "visit", item.visit > 1 ? String(item.visit) : null);
    fact(facts, "attempt", String(item.attempt));
    fact(facts, "queued", at(model.t0, item.queuedAt));
    fact(facts, "started", at(model.t0, item.startedAt));
    fact(facts, "finished", at(model.t0, item.endAt));
    if (item.startedAt !== null) fact(facts, "queue wait", formatMs(item.startedAt - item.queuedAt));
    if (item.startedAt !== null && item.endAt !== null) fact(facts, "ran", formatMs(item.endAt - item.startedAt));
    fact(facts, "error", item.error);
    payloads = item.events.map((event) => event.payload);
    records = item.events;
    services = [item.lane];
  } else if (hit.type === "arrow") {
    title = `${item.kind} ${item.type}`;
    fact(facts, "from", item.from);
    fact(facts, "to", item.by || item.to);
    fact(facts, "attempt", String(item.attempt));
    fact(facts, "step", item.stepId);
    fact(facts, "sent", at(model.t0, item.sentAt));
    if (item.receivedAt !== null) fact(facts, "received", at(model.t0, item.receivedAt));
    else if (item.endedAt !== undefined) fact(facts, item.endKind, at(model.t0, item.endedAt));
    else fact(facts, "received", "not yet");
    if (item.received)
      fact(facts, "queue wait", formatMs(item.received.payload && item.received.payload.queue_wait_ms));
    fact(facts, "message id", item.id);
    payloads = [item.body];
    records = [item.sent, item.received].filter(Boolean);
  } else {
    const payload = item.event.payload || {};
    title = item.kind === "end.reached" ? `End ${item.stepId} reached` : item.kind;
    fact(facts, "result", item.kind === "end.reached" ? payload.result : null);
    fact(facts, "service", laneLabel(item.lane));
    fact(facts, "step", item.stepId);
    fact(facts, "visit", payload.visit > 1 ? String(payload.visit) : null);
    fact(facts, "at", at(model.t0, item.t));
    fact(facts, "why", payload.reason);
    // An operator's action: who, and what followed (operator.* records).
    fact(facts, "by", payload.by);
    fact(facts, "what followed", payload.outcome);
    fact(facts, "re-run of", payload.rerun_of);
    payloads = [item.event.payload];
    records = [item.event];
  }
  panel.append(el("h3", { text: title }), facts);
  if (why) panel.append(why);
  const links = withLinks ? adminLinks(payloads, { runId, orderId, services }) : [];
  if (links.length) {
    panel.append(
      el("h4", { text: "Admin records" }),
      el(
        "ul",
        { class: "links" },
        links.map((link) => el("li", {}, el("a", { href: link.href, target: "_blank", text: link.label }))),
      ),
    );
  }
  panel.append(
    el("h4", { text: "Payload" }),
    el("pre", { class: "payload", text: JSON.stringify(payloadShown(hit), null, 2) }),
  );
  panel.append(
    el("h4", { text: "Event records" }),
    el(
      "ol",
      { class: "records" },
      records.map((record) =>
        el("li", { text: `#${record.seq} ${record.kind} · ${record.service} · ${formatClock(record.at)}` }),
      ),
    ),
  );
}

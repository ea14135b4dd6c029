// Event records of one run as the engine writes them: the fields of workflowviz/engine/selectors.py's
// record JSON, the payloads of outbox.py (message.sent), messages.py (message.received, step.queued),
// participant.py (step.started, step.succeeded), attempts.py (step.retried, step.failed) and
// choreography.py (event.published). Times are given in ms from the run's first record.

export const RUN_ID = "0b7a4c8e-5f1d-4c2a-9e3b-2d6f1a8c7e90";
export const T0 = Date.parse("2026-03-02T10:00:00.000Z");

export const iso = (ms) => new Date(T0 + ms).toISOString();

export class Recorder {
  constructor(runId = RUN_ID) {
    this.runId = runId;
    this.records = [];
    this.sent = new Map(); // message id → {ms, service, payload}
  }

  add(ms, service, kind, { step = "", message = null, type = "", payload = {} } = {}) {
    const record = {
      run_id: this.runId,
      seq: this.records.length + 1,
      service,
      kind,
      step_id: step,
      message_id: message,
      message_type: type,
      payload,
      at: iso(ms),
    };
    this.records.push(record);
    return record;
  }

  /** message.sent; `by` is the lane it leaves from (the bus for an event, the service for a retry). */
  send(ms, { by, source = by, to, kind, type, step = "", attempt = 1, delayS = 0, body = {} }) {
    const id = `7c1e2d3f-0000-4000-8000-${String(this.sent.size + 1).padStart(12, "0")}`;
    const payload = { kind, to, attempt, delay_s: delayS, body };
    this.sent.set(id, { ms, source, payload });
    this.add(ms, by, "message.sent", { step, message: id, type, payload });
    return id;
  }

  /** message.received: its service took the message off its queue. */
  receive(ms, id, { step = "" } = {}) {
    const { ms: sentMs, source, payload } = this.sent.get(id);
    const wait = Math.max(0, ms - sentMs - payload.delay_s * 1000);
    return this.add(ms, payload.to, "message.received", {
      step,
      message: id,
      payload: { kind: payload.kind, from: source, queue_wait_ms: wait },
    });
  }
}

/** The steps of the built-in order-fulfilment design (workflowviz/designer/builtins.py), as run.graph has them. */
export const STEPS = {
  confirm_order: {
    id: "confirm_order",
    action: "notifications.send_order_confirmation",
    service: "notifications",
    after: [],
  },
  prepare_shipment: { id: "prepare_shipment", action: "sellers.prepare_shipment", service: "sellers", after: [] },
  assign_partner: {
    id: "assign_partner",
    action: "logistics.assign_delivery_partner",
    service: "logistics",
    after: ["prepare_shipment"],
  },
};

/** A run's graph of the shop's design, as the API gives it: Orders starts it and coordinates. */
export function shopGraph(...steps) {
  return {
    trigger: "OrderPlaced",
    trigger_service: "orders",
    coordinator: "orders",
    failure_event: "OrderCancelled",
    steps,
  };
}

/** A command to a step's service and its queuing, as orchestration.command_send writes them. */
export function command(rec, ms, step, service, type, attempt = 1) {
  const id = rec.send(ms, { by: "orders", to: service, kind: "command", type, step, attempt, body: { order_id: 7 } });
  rec.add(ms, service, "step.queued", { step });
  return id;
}

/** The service's attempt: received, started, succeeded, and its reply to the coordinator. */
export function attemptSucceeds(rec, id, { step, service, event, from, to, attempt = 1 }) {
  rec.receive(from, id, { step });
  rec.add(from, service, "step.started", { step, payload: { attempt } });
  const result = { order_id: 7 };
  rec.add(to, service, "step.succeeded", {
    step,
    payload: { event, result, ms: to - from, attempt, started_at: iso(from) },
  });
  const reply = rec.send(to, {
    by: service,
    to: "orders",
    kind: "reply",
    type: event,
    step,
    body: { status: "succeeded", result, error: "" },
  });
  return reply;
}

/**
 * An orchestration run of prepare_shipment (sellers; its first attempt fails and is retried after
 * 0.5 s) then assign_partner (logistics). Records 1–23; record 7 is the step.retried.
 */
export function orchestrationRun() {
  const rec = new Recorder();
  rec.add(0, "orders", "run.started", {
    payload: { pattern: "orchestration", design: "order-fulfilment", version: 1 },
  });
  rec.add(0, "orders", "coordinator.decided", { payload: { after: "OrderPlaced", data: { order_id: 7 } } });
  const first = command(rec, 2, "prepare_shipment", "sellers", "PrepareShipment");
  rec.receive(10, first, { step: "prepare_shipment" });
  rec.add(10, "sellers", "step.started", { step: "prepare_shipment", payload: { attempt: 1 } });
  rec.add(60, "sellers", "step.retried", {
    step: "prepare_shipment",
    payload: { attempt: 1, error: "RuntimeError: seller unavailable", retry_in_s: 0.5 },
  });
  const again = rec.send(60, {
    by: "sellers",
    source: "orders",
    to: "sellers",
    kind: "command",
    type: "PrepareShipment",
    step: "prepare_shipment",
    attempt: 2,
    delayS: 0.5,
    body: { order_id: 7 },
  });
  const options = { step: "prepare_shipment", service: "sellers", event: "ShipmentPrepared" };
  const reply = attemptSucceeds(rec, again, { ...options, from: 570, to: 700, attempt: 2 });
  rec.receive(720, reply, { step: "prepare_shipment" });
  rec.add(720, "orders", "coordinator.decided", { step: "prepare_shipment", payload: { after: "ShipmentPrepared" } });
  const assign = command(rec, 722, "assign_partner", "logistics", "AssignDeliveryPartner");
  const done = attemptSucceeds(rec, assign, {
    step: "assign_partner",
    service: "logistics",
    event: "DeliveryPartnerAssigned",
    from: 740,
    to: 900,
  });
  rec.receive(910, done, { step: "assign_partner" });
  rec.add(910, "orders", "coordinator.decided", {
    step: "assign_partner",
    payload: { after: "DeliveryPartnerAssigned" },
  });
  rec.add(912, "orders", "run.succeeded", { payload: { elapsed_ms: 912, reason: "" } });
  const graph = shopGraph(STEPS.prepare_shipment, STEPS.assign_partner);
  return { run: { pattern: "orchestration", graph }, records: rec.records };
}

// --- A design of declared services, run as choreography ---------------------------------------------

/** The services of the decision design, as the page's vocabulary lists them (the shop's Orders too). */
export const DECLARED_VOCABULARY = {
  services: [
    { name: "orders", label: "Orders", colour: "#2f6fd6", modelled: false, records_url: "" },
    { name: "intake", label: "Intake", colour: "#1f77b4", modelled: true, records_url: "/admin/modelled/1/records/" },
    { name: "checker", label: "Checker", colour: "#ff7f0e", modelled: true, records_url: "/admin/modelled/2/records/" },
    { name: "quotes", label: "Quotes", colour: "#2ca02c", modelled: true, records_url: "/admin/modelled/3/records/" },
    { name: "payx", label: "Payments X", colour: "#9467bd", modelled: true, records_url: "/admin/modelled/4/records/" },
  ],
  lanes: { bus: "bus", observer: "engine" },
};

const step = (id, service, after, more = {}) => ({ id, action: `${service}.${id}`, service, after, ...more });
const end = (id, word, after) => ({ id, end: word, after });

/**
 * A loop, a fan-out, a join of the first, a decision and ends: intake's JobSubmitted starts `check`,
 * which runs again while it says CheckAgain (visits 1..3); CheckDone fans out to q1 and q2; `first`
 * runs on the first quote (the second is ignored); `score` decides Approved / Review / Rejected, and
 * each branch ends ("approved" after capture, "in review", "rejected").
 */
export const DECISION_GRAPH = {
  trigger: "JobSubmitted",
  trigger_service: "intake",
  coordinator: "intake",
  failure_event: "JobCancelled",
  steps: [
    step("check", "checker", ["trigger", "check:CheckAgain"], { join: "first", max_visits: 5 }),
    step("q1", "quotes", ["check:CheckDone"]),
    step("q2", "quotes", ["check:CheckDone"]),
    step("first", "payx", ["q1", "q2"], { join: "first" }),
    step("score", "payx", ["first"]),
    step("capture", "payx", ["score:Approved"]),
    end("approved", "approved", ["capture"]),
    end("review", "in review", ["score:Review"]),
    end("rejected", "rejected", ["score:Rejected"]),
  ],
};

/** An event from `source` delivered by the bus to a subscriber step; its step.queued unless `queued` is false. */
function deliver(rec, ms, { source, type, step: subscriber, service, visit = 1, queued = true, body = {} }) {
  const id = rec.send(ms, { by: "bus", source, to: service, kind: "event", type, step: subscriber, body });
  if (queued) rec.add(ms, service, "step.queued", { step: subscriber, payload: visit > 1 ? { visit } : {} });
  return id;
}

/** The subscriber takes the event, runs once and publishes its outcome to `subscribers` (or reaches `ends`). */
function react(rec, id, { step: reactor, service, from, to, outcome, visit = 1, subscribers = [], ends = null }) {
  const visitField = visit > 1 ? { visit } : {};
  rec.receive(from, id, { step: reactor });
  rec.add(from, service, "step.started", { step: reactor, payload: { attempt: 1, ...visitField } });
  rec.add(to, service, "step.succeeded", {
    step: reactor,
    payload: {
      event: outcome,
      result: { job_id: "j-1" },
      ms: to - from,
      attempt: 1,
      started_at: iso(from),
      ...visitField,
    },
  });
  rec.add(to, service, "event.published", {
    step: reactor,
    payload: { type: outcome, subscribers, ...(ends ? { ends } : {}) },
  });
}

/** DECISION_GRAPH run as choreography: the loop runs three times, the score says Review. Records 1–52. */
export function decisionRun() {
  const rec = new Recorder();
  rec.add(0, "intake", "run.started", { payload: { pattern: "choreography", design: "jobs", version: 1 } });
  rec.add(1, "intake", "event.published", { payload: { type: "JobSubmitted", subscribers: ["check"] } });
  const check = { step: "check", service: "checker" };
  let id = deliver(rec, 1, { source: "intake", type: "JobSubmitted", ...check });
  react(rec, id, { ...check, from: 5, to: 15, outcome: "CheckAgain", subscribers: ["check"] });
  id = deliver(rec, 15, { source: "checker", type: "CheckAgain", ...check, visit: 2 });
  react(rec, id, { ...check, from: 20, to: 30, outcome: "CheckAgain", visit: 2, subscribers: ["check"] });
  id = deliver(rec, 30, { source: "checker", type: "CheckAgain", ...check, visit: 3 });
  react(rec, id, { ...check, from: 35, to: 45, outcome: "CheckDone", visit: 3, subscribers: ["q1", "q2"] });
  const q1 = deliver(rec, 45, { source: "checker", type: "CheckDone", step: "q1", service: "quotes" });
  const q2 = deliver(rec, 45, { source: "checker", type: "CheckDone", step: "q2", service: "quotes" });
  react(rec, q1, { step: "q1", service: "quotes", from: 50, to: 60, outcome: "Quote1", subscribers: ["first"] });
  const fromQ1 = deliver(rec, 60, { source: "quotes", type: "Quote1", step: "first", service: "payx" });
  react(rec, q2, { step: "q2", service: "quotes", from: 62, to: 70, outcome: "Quote2", subscribers: ["first"] });
  const fromQ2 = deliver(rec, 70, { source: "quotes", type: "Quote2", step: "first", service: "payx", queued: false });
  react(rec, fromQ1, {
    step: "first",
    service: "payx",
    from: 72,
    to: 80,
    outcome: "FirstPicked",
    subscribers: ["score"],
  });
  const score = deliver(rec, 80, { source: "payx", type: "FirstPicked", step: "score", service: "payx" });
  rec.receive(82, fromQ2, { step: "first" });
  rec.add(82, "payx", "join.ignored", {
    step: "first",
    payload: { reason: "first already ran (it runs on the first of its events)" },
  });
  react(rec, score, { step: "score", service: "payx", from: 85, to: 95, outcome: "Review", ends: ["review"] });
  rec.add(96, "engine", "end.reached", { step: "review", payload: { result: "in review" } });
  for (const skipped of ["capture", "approved", "rejected"])
    rec.add(96, "engine", "step.skipped", { step: skipped, payload: { reason: "its branch was not taken" } });
  rec.add(97, "engine", "run.succeeded", { payload: { elapsed_ms: 97, reason: "", result: "in review" } });
  return { run: { pattern: "choreography", graph: DECISION_GRAPH }, records: rec.records };
}

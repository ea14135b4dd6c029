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
  const graph = { steps: [STEPS.prepare_shipment, STEPS.assign_partner] };
  return { run: { pattern: "orchestration", graph }, records: rec.records };
}

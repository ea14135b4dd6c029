// The timeline's model: what a run's records become on screen (static/js/timeline_model.js).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { TimelineModel, buildModel } from "../../static/js/timeline_model.js";
import { vocabularySet } from "../../static/js/vocabulary.js";
import {
  DECISION_GRAPH,
  DECLARED_VOCABULARY,
  Recorder,
  STEPS,
  attemptSucceeds,
  command,
  decisionRun,
  orchestrationRun,
  shopGraph,
} from "./records.js";

// The page's vocabulary: the shop's Orders and the declared services of the decision design.
vocabularySet(DECLARED_VOCABULARY);

/** The values of `names` of each item, in that order: compact expectations. */
const pick = (items, names) => items.map((item) => names.map((name) => item[name]));
const BAR = ["lane", "stepId", "kind", "status", "queuedAt", "startedAt", "endAt", "attempt", "row"];
const ARROW = ["kind", "type", "from", "to", "sentAt", "receivedAt", "dueAt", "attempt", "endKind"];
const barsOf = (model) => pick(model.bars, BAR);
const arrowsOf = (model) => pick(model.arrows, ARROW);
const markersOf = (model) => pick(model.markers, ["t", "lane", "kind"]);

describe("an orchestration run with a retried step", () => {
  const { run, records } = orchestrationRun();
  const model = buildModel(records, run);

  test("a bar per attempt, in its step's lane, from queued through started to its end", () => {
    assert.deepEqual(barsOf(model), [
      ["sellers", "prepare_shipment", "step", "retried", 2, 10, 60, 1, 0],
      ["sellers", "prepare_shipment", "step", "succeeded", 60, 570, 700, 2, 0],
      ["logistics", "assign_partner", "step", "succeeded", 722, 740, 900, 1, 0],
    ]);
    assert.equal(model.bars[0].error, "RuntimeError: seller unavailable");
    assert.deepEqual([model.bars[1].ms, model.bars[1].result], [130, { order_id: 7 }]);
  });

  test("an arrow per message, due after its retry delay", () => {
    assert.deepEqual(arrowsOf(model), [
      ["command", "PrepareShipment", "orders", "sellers", 2, 10, 2, 1, undefined],
      ["command", "PrepareShipment", "sellers", "sellers", 60, 570, 560, 2, undefined],
      ["reply", "ShipmentPrepared", "sellers", "orders", 700, 720, 700, 1, undefined],
      ["command", "AssignDeliveryPartner", "orders", "logistics", 722, 740, 722, 1, undefined],
      ["reply", "DeliveryPartnerAssigned", "logistics", "orders", 900, 910, 900, 1, undefined],
    ]);
    assert.equal(model.arrows[1].by, "sellers");
  });

  test("records that are neither bars nor arrows are markers", () => {
    assert.deepEqual(markersOf(model), [
      [0, "orders", "run.started"],
      [0, "orders", "coordinator.decided"],
      [720, "orders", "coordinator.decided"],
      [910, "orders", "coordinator.decided"],
      [912, "orders", "run.succeeded"],
    ]);
  });

  test("step statuses, run status, lanes and extent", () => {
    assert.deepEqual(model.stepStatus, { prepare_shipment: "succeeded", assign_partner: "succeeded" });
    assert.equal(model.runStatus, "succeeded");
    // The graph's lanes: its coordinator, then its steps' services (no fixed list of services).
    assert.deepEqual(pick(model.lanes, ["id", "active", "rows"]), [
      ["orders", true, 1],
      ["sellers", true, 1],
      ["logistics", true, 1],
    ]);
    assert.deepEqual([model.count, model.lastSeq, model.tMax], [23, 23, 912]);
    assert.deepEqual([...model.barServices].sort(), ["logistics", "sellers"]);
  });

  test("step timings: first queuing to last end, split into waiting and running", () => {
    assert.deepEqual(model.stepTimings(), {
      prepare_shipment: { from: 2, to: 700, wait: 8 + 510, ran: 50 + 130, attempts: 2, ms: 698 },
      assign_partner: { from: 722, to: 900, wait: 18, ran: 160, attempts: 1, ms: 178 },
    });
  });

  test("no message waited long enough to be a backlog", () => {
    assert.deepEqual(model.backlogs(), []);
  });
});

describe("a step that waited for capacity", () => {
  const NO_ROOM = "NoPartnerAvailable: no partner with room in north";
  const { run, records } = orchestrationRun();
  // The same run, but the first attempt found no room (step.waiting) instead of failing (step.retried).
  const waited = records.map((record) =>
    record.kind === "step.retried"
      ? { ...record, kind: "step.waiting", payload: { attempt: 1, reason: NO_ROOM, retry_in_s: 0.5, waited_s: 0 } }
      : record,
  );

  test("its attempt ends as waiting (for capacity), with the reason, and the next attempt follows", () => {
    const model = buildModel(waited, run);
    assert.deepEqual(pick(model.bars, ["stepId", "status", "attempt"]).slice(0, 2), [
      ["prepare_shipment", "waiting", 1],
      ["prepare_shipment", "succeeded", 2],
    ]);
    assert.equal(model.bars[0].error, NO_ROOM);
  });

  test("meanwhile the step is retrying, as the engine has it", () => {
    assert.deepEqual(buildModel(waited.slice(0, 7), run).stepStatus, { prepare_shipment: "retrying" });
  });
});

describe("live records extend the model", () => {
  const { run, records } = orchestrationRun();

  test("after the retry, the step is retrying and its next attempt waits in the queue", () => {
    const model = buildModel(records.slice(0, 7), run);
    assert.deepEqual(model.stepStatus, { prepare_shipment: "retrying" });
    assert.equal(model.runStatus, "running");
    assert.deepEqual(pick(model.bars, ["status", "startedAt", "endAt", "attempt"]), [
      ["retried", 10, 60, 1],
      ["queued", null, null, 2],
    ]);
    assert.deepEqual(model.stepTimings(), {}); // no step has ended yet
  });

  test("applying the rest one by one gives the model of all the records, extended in place", () => {
    const model = new TimelineModel(run);
    for (const record of records.slice(0, 8)) model.apply(record);
    const waiting = model.bars[1];
    const versionBefore = model.stepVersion;
    for (const record of records.slice(8)) model.apply(record);
    const whole = buildModel(records, run);
    assert.equal(model.bars[1], waiting, "the open bar is the one that ends, not a new one");
    assert.ok(model.stepVersion > versionBefore);
    assert.deepEqual(barsOf(model), barsOf(whole));
    assert.deepEqual(arrowsOf(model), arrowsOf(whole));
    assert.deepEqual(markersOf(model), markersOf(whole));
    assert.deepEqual(model.stepStatus, whole.stepStatus);
    assert.deepEqual(model.stepTimings(), whole.stepTimings());
  });
});

describe("choreography", () => {
  test("a published event goes to the bus, which sends one delivery per subscriber", () => {
    const rec = new Recorder();
    rec.add(0, "orders", "run.started", {
      payload: { pattern: "choreography", design: "order-fulfilment", version: 1 },
    });
    rec.add(1, "orders", "event.published", {
      payload: { type: "OrderPlaced", subscribers: ["confirm_order", "prepare_shipment"] },
    });
    for (const step of [STEPS.confirm_order, STEPS.prepare_shipment]) {
      rec.send(1, { by: "bus", source: "orders", to: step.service, kind: "event", type: "OrderPlaced", step: step.id });
      rec.add(1, step.service, "step.queued", { step: step.id });
    }
    const run = { pattern: "choreography", graph: shopGraph(STEPS.confirm_order, STEPS.prepare_shipment) };
    const model = buildModel(rec.records, run);
    const published = buildModel(rec.records.slice(0, 2), run);
    assert.deepEqual([...published.active].sort(), ["bus", "orders"], "the bus is busy from the publish on");

    assert.deepEqual(pick(model.arrows, ["kind", "from", "to", "sentAt", "receivedAt"]), [
      ["publish", "orders", "bus", 1, 1],
      ["event", "bus", "notifications", 1, null],
      ["event", "bus", "sellers", 1, null],
    ]);
    assert.deepEqual(pick(model.lanes, ["id", "active"]), [
      ["orders", true],
      ["notifications", true],
      ["sellers", true],
      ["bus", true],
      ["engine", false],
    ]);
    assert.deepEqual(model.stepStatus, { confirm_order: "queued", prepare_shipment: "queued" });
    assert.deepEqual(markersOf(model), [
      [0, "orders", "run.started"],
      [1, "orders", "event.published"],
    ]);
  });
});

describe("duplicates, undelivered messages and a saga", () => {
  /** prepare_shipment succeeds (its command comes again and is ignored), assign_partner fails for
   * good, the waiting confirm_order command is cancelled and prepare_shipment is compensated. */
  function sagaRun() {
    const rec = new Recorder();
    rec.add(0, "orders", "run.started", {
      payload: { pattern: "orchestration", design: "order-fulfilment", version: 1 },
    });
    const prepare = command(rec, 2, "prepare_shipment", "sellers", "PrepareShipment");
    const options = { step: "prepare_shipment", service: "sellers", event: "ShipmentPrepared" };
    const prepared = attemptSucceeds(rec, prepare, { ...options, from: 10, to: 50 });
    rec.add(60, "sellers", "message.duplicate", {
      step: "prepare_shipment",
      message: prepare,
      payload: { kind: "command", from: "orders", ignored: true },
    });
    rec.receive(62, prepared, { step: "prepare_shipment" });
    const assign = command(rec, 70, "assign_partner", "logistics", "AssignDeliveryPartner");
    const confirm = command(rec, 70, "confirm_order", "notifications", "SendOrderConfirmation");
    rec.receive(80, assign, { step: "assign_partner" });
    rec.add(80, "logistics", "step.started", { step: "assign_partner", payload: { attempt: 1 } });
    rec.add(120, "logistics", "step.failed", {
      step: "assign_partner",
      payload: { attempt: 1, error: "ValueError: no partner in region" },
    });
    const failed = rec.send(120, {
      by: "logistics",
      to: "orders",
      kind: "reply",
      type: "StepFailed",
      step: "assign_partner",
      body: { status: "failed", result: {}, error: "ValueError: no partner in region" },
    });
    rec.receive(125, failed, { step: "assign_partner" });
    rec.add(130, "orders", "run.compensating", {
      step: "assign_partner",
      payload: { reason: "ValueError: no partner in region" },
    });
    rec.add(130, "orders", "message.cancelled", { step: "confirm_order", message: confirm });
    const undo = rec.send(131, {
      by: "orders",
      to: "sellers",
      kind: "compensate",
      type: "CancelShipment",
      step: "prepare_shipment",
      body: { order_id: 7 },
    });
    rec.add(131, "sellers", "step.compensating", {
      step: "prepare_shipment",
      payload: { action: "sellers.cancel_shipment" },
    });
    rec.receive(140, undo, { step: "prepare_shipment" });
    rec.add(170, "sellers", "step.compensated", {
      step: "prepare_shipment",
      payload: { action: "sellers.cancel_shipment", event: "ShipmentCancelled", result: {} },
    });
    rec.add(200, "orders", "run.compensated", {
      payload: { elapsed_ms: 200, reason: "every completed step was compensated" },
    });
    const graph = shopGraph(STEPS.confirm_order, STEPS.prepare_shipment, STEPS.assign_partner);
    return { run: { pattern: "orchestration", graph }, records: rec.records };
  }

  const { run, records } = sagaRun();
  const model = buildModel(records, run);

  test("a duplicate delivery changes nothing but shows as a marker", () => {
    const first = model.arrows.find((arrow) => arrow.type === "PrepareShipment");
    assert.deepEqual([first.receivedAt, first.endKind], [10, undefined]);
    assert.deepEqual(
      markersOf(model).filter(([, , kind]) => kind.startsWith("message.")),
      [
        [60, "sellers", "message.duplicate"],
        [130, "orders", "message.cancelled"],
      ],
    );
  });

  test("a cancelled command ends its arrow and its step", () => {
    const cancelled = model.arrows.find((arrow) => arrow.type === "SendOrderConfirmation");
    assert.deepEqual([cancelled.receivedAt, cancelled.endedAt, cancelled.endKind], [null, 130, "cancelled"]);
    const bar = model.bars.find((b) => b.stepId === "confirm_order");
    assert.deepEqual([bar.status, bar.queuedAt, bar.endAt], ["cancelled", 70, 130]);
  });

  test("step statuses as the engine leaves them, the compensation drawn as its own bar", () => {
    assert.deepEqual(model.stepStatus, {
      prepare_shipment: "compensated",
      assign_partner: "failed",
      confirm_order: "cancelled",
    });
    assert.deepEqual(pick(model.bars, ["stepId", "kind", "status", "queuedAt", "startedAt", "endAt"]), [
      ["prepare_shipment", "step", "succeeded", 2, 10, 50],
      ["assign_partner", "step", "failed", 70, 80, 120],
      ["confirm_order", "step", "cancelled", 70, null, 130],
      ["prepare_shipment", "compensation", "compensated", 131, 140, 170],
    ]);
    assert.equal(model.bars[1].error, "ValueError: no partner in region");
    // The compensation is not part of the step's timing.
    assert.deepEqual(model.stepTimings().prepare_shipment, { from: 2, to: 50, wait: 8, ran: 40, attempts: 1, ms: 48 });
  });

  test("the run's status follows its run.* records", () => {
    const statusAfter = (n) => buildModel(records.slice(0, n), run).runStatus;
    const compensating = records.findIndex((r) => r.kind === "run.compensating") + 1;
    assert.equal(statusAfter(compensating - 1), "running");
    assert.equal(statusAfter(compensating), "compensating");
    assert.equal(statusAfter(records.length), "compensated");
  });

  test("a message dropped because the run stopped: its arrow ends and its waiting step is cancelled", () => {
    const rec = new Recorder();
    rec.add(0, "orders", "run.started", {
      payload: { pattern: "orchestration", design: "order-fulfilment", version: 1 },
    });
    const prepare = command(rec, 2, "prepare_shipment", "sellers", "PrepareShipment");
    rec.add(5, "orders", "run.failed", { payload: { elapsed_ms: 5, reason: "cancelled by an operator" } });
    rec.add(9, "sellers", "message.dropped", {
      step: "prepare_shipment",
      message: prepare,
      payload: { reason: "run is failed" },
    });
    const dropped = buildModel(rec.records, { pattern: "orchestration", graph: shopGraph(STEPS.prepare_shipment) });
    assert.deepEqual([dropped.arrows[0].endedAt, dropped.arrows[0].endKind], [9, "dropped"]);
    assert.deepEqual(pick(dropped.bars, ["status", "endAt"]), [["cancelled", 9]]);
    assert.deepEqual(dropped.stepStatus, { prepare_shipment: "cancelled" });
    assert.equal(dropped.runStatus, "failed");
  });

  test("a dead letter an operator discarded: its arrow ends, and the operator's marker is on their own lane", () => {
    const rec = new Recorder();
    rec.add(0, "orders", "run.started", {
      payload: { pattern: "orchestration", design: "order-fulfilment", version: 1 },
    });
    const prepare = command(rec, 2, "prepare_shipment", "sellers", "PrepareShipment");
    rec.add(40, "operator", "operator.discarded", {
      step: "prepare_shipment",
      message: prepare,
      payload: { by: "olivia", reason: "poison", outcome: "prepare_shipment failed for good; the run is undone" },
    });
    const model = buildModel(rec.records, { pattern: "orchestration", graph: shopGraph(STEPS.prepare_shipment) });
    assert.deepEqual([model.arrows[0].endedAt, model.arrows[0].endKind], [40, "discarded"]);
    const onOperatorLane = model.markers.filter((m) => m.lane === "operator");
    assert.deepEqual(
      onOperatorLane.map((m) => [m.kind, m.event.payload.by]),
      [["operator.discarded", "olivia"]],
    );
    assert.ok(model.lanes.some((lane) => lane.id === "operator"));
  });
});

describe("backlogs", () => {
  /** Commands sent at `sentAt` to each service, received at `receivedAt` (null: still waiting). */
  function waits(deliveries) {
    const rec = new Recorder();
    rec.add(0, "orders", "run.started", { payload: { pattern: "orchestration", design: "waits", version: 1 } });
    const ids = deliveries.map(([to, sentAt]) =>
      rec.send(sentAt, { by: "orders", to, kind: "command", type: "Do", step: `${to}_${sentAt}` }),
    );
    const received = deliveries
      .map(([, , receivedAt], index) => [receivedAt, ids[index]])
      .filter(([receivedAt]) => receivedAt !== null)
      .sort((a, b) => a[0] - b[0]);
    for (const [receivedAt, id] of received) rec.receive(receivedAt, id);
    return { rec, ids };
  }

  test("a queue much slower than the others is a backlog, still open while a message waits", () => {
    const { rec, ids } = waits([
      ["sellers", 0, 20],
      ["logistics", 0, 40],
      ["notifications", 0, null], // taken by a worker that got stuck
      ["notifications", 100, 3000],
    ]);
    const model = buildModel(rec.records);
    const EPISODE = ["lane", "from", "to", "open", "waitedMs", "waiting", "medianMs", "thresholdMs"];
    assert.deepEqual(pick(model.backlogs(), EPISODE), [["notifications", 0, 3000, true, 3000, 2, 30, 1000]]);
    assert.equal(model.backlogs()[0].messages.length, 2);
    // Later: the waiting message is still there, so the episode grows with the clock.
    assert.deepEqual(pick(model.backlogs(5000), ["lane", "to", "open", "waitedMs"]), [
      ["notifications", 5000, true, 5000],
    ]);
    // Its service takes it: the episode ends there.
    model.apply(rec.receive(3500, ids[2]));
    assert.deepEqual(pick(model.backlogs(), ["lane", "from", "to", "open", "waitedMs"]), [
      ["notifications", 0, 3500, false, 3500],
    ]);
  });

  test("when every queue is slow (a burst), none stands out", () => {
    const { rec } = waits([
      ["sellers", 0, 2000],
      ["logistics", 0, 2000],
      ["notifications", 0, 2500],
    ]);
    const model = buildModel(rec.records);
    assert.equal(model.slow.length, 3);
    assert.deepEqual(model.backlogs(), []);
  });
});

describe("lanes come from the run's graph", () => {
  test("before any record: who starts the run, each step's service in the graph's order, then bus and engine", () => {
    const choreography = new TimelineModel({ pattern: "choreography", graph: DECISION_GRAPH });
    assert.deepEqual(pick(choreography.lanes, ["id", "label", "active"]), [
      ["intake", "Intake", false],
      ["checker", "Checker", false],
      ["quotes", "Quotes", false],
      ["payx", "Payments X", false],
      ["bus", "Event bus", false],
      ["engine", "Engine (observer)", false],
    ]);
    // Orchestration: the coordinator hosts the run; no bus, and the engine only if it writes.
    const orchestration = new TimelineModel({ pattern: "orchestration", graph: DECISION_GRAPH });
    assert.deepEqual(
      orchestration.lanes.map((lane) => lane.id),
      ["intake", "checker", "quotes", "payx"],
    );
    assert.deepEqual(orchestration.graphServices, ["intake", "checker", "quotes", "payx"]);
    assert.deepEqual(orchestration.stepServices, ["checker", "quotes", "payx"]);
  });

  test("a service the graph does not name gets a lane when it writes, after the graph's, before the bus", () => {
    const rec = new Recorder();
    rec.add(0, "intake", "run.started", { payload: { pattern: "choreography", design: "jobs", version: 1 } });
    rec.add(3, "audit", "message.duplicate", { payload: { kind: "event", from: "intake", ignored: true } });
    const model = buildModel(rec.records, { pattern: "choreography", graph: DECISION_GRAPH });
    assert.deepEqual(pick(model.lanes, ["id", "active"]), [
      ["intake", true],
      ["checker", false],
      ["quotes", false],
      ["payx", false],
      ["audit", true],
      ["bus", false],
      ["engine", false],
    ]);
    assert.equal(model.lanes[4].label, "Audit"); // not in the vocabulary: its name, capitalised
  });
});

describe("a decision design run as choreography: loop, join of the first, decision, ends", () => {
  const { run, records } = decisionRun();
  const model = buildModel(records, run);

  test("its lanes are its own services', the bus and the engine: no shop lane", () => {
    assert.deepEqual(pick(model.lanes, ["id", "active"]), [
      ["intake", true],
      ["checker", true],
      ["quotes", true],
      ["payx", true],
      ["bus", true],
      ["engine", true],
    ]);
    assert.ok(!model.laneIds.has("orders"));
  });

  test("a loop draws one bar per visit, each with the outcome it ended with", () => {
    const checks = model.bars.filter((bar) => bar.stepId === "check");
    assert.deepEqual(
      pick(checks, ["lane", "visit", "attempt", "status", "queuedAt", "startedAt", "endAt", "outcome"]),
      [
        ["checker", 1, 1, "succeeded", 1, 5, 15, "CheckAgain"],
        ["checker", 2, 1, "succeeded", 15, 20, 30, "CheckAgain"],
        ["checker", 3, 1, "succeeded", 30, 35, 45, "CheckDone"],
      ],
    );
    assert.deepEqual([model.stepVisits.check, model.stepOutcome.check], [3, "CheckDone"]);
    // The timing of a step that ran three times: from its first queuing to its last end.
    assert.deepEqual(model.stepTimings().check, { from: 1, to: 45, wait: 4 + 5 + 5, ran: 30, attempts: 3, ms: 44 });
  });

  test("the join of the first runs once; the event that came later is a marker, its arrow ends", () => {
    assert.deepEqual(
      pick(
        model.bars.filter((bar) => bar.stepId === "first"),
        ["status", "queuedAt", "startedAt", "endAt"],
      ),
      [["succeeded", 60, 72, 80]],
    );
    const late = model.arrows.filter((arrow) => arrow.stepId === "first" && arrow.kind === "event");
    assert.deepEqual(pick(late, ["type", "sentAt", "receivedAt", "by"]), [
      ["Quote1", 60, 72, "payx"],
      ["Quote2", 70, 82, "payx"],
    ]);
  });

  test("branches not taken are skipped, the end reached succeeds, the run has its result word", () => {
    assert.deepEqual(model.stepStatus, {
      check: "succeeded",
      q1: "succeeded",
      q2: "succeeded",
      first: "succeeded",
      score: "succeeded",
      review: "succeeded",
      capture: "skipped",
      approved: "skipped",
      rejected: "skipped",
    });
    assert.deepEqual([model.runStatus, model.result], ["succeeded", "in review"]);
    assert.deepEqual(
      markersOf(model).filter(([, , kind]) => ["join.ignored", "end.reached", "step.skipped"].includes(kind)),
      [
        [82, "payx", "join.ignored"],
        [96, "engine", "end.reached"],
        [96, "engine", "step.skipped"],
        [96, "engine", "step.skipped"],
        [96, "engine", "step.skipped"],
      ],
    );
    assert.equal(model.bars.filter((bar) => ["capture", "review"].includes(bar.stepId)).length, 0);
  });

  test("the replay's fold: the run as it stood after each record, ending as the whole", () => {
    const after = (n) => buildModel(records.slice(0, n), run);
    const secondVisit = records.findIndex((r) => r.kind === "step.queued" && r.payload.visit === 2) + 1;
    const atSecond = after(secondVisit);
    assert.equal(atSecond.stepStatus.check, "queued");
    assert.deepEqual(pick(atSecond.bars, ["visit", "status"]), [
      [1, "succeeded"],
      [2, "queued"],
    ]);
    const ended = records.findIndex((r) => r.kind === "end.reached") + 1;
    assert.deepEqual([after(ended).stepStatus.review, after(ended).stepStatus.capture], ["succeeded", undefined]);
    assert.equal(after(ended).result, "in review");
    assert.equal(after(ended).runStatus, "running");
    const live = new TimelineModel(run);
    for (const record of records) live.apply(record);
    assert.deepEqual(live.stepStatus, model.stepStatus);
    assert.deepEqual(barsOf(live), barsOf(model));
  });
});

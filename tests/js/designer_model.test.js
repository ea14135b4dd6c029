// The designer's design logic (static/js/designer/model.js): edges by outcome, renames, the JSON sent.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  designForSave,
  designLoad,
  edgeFind,
  edgeParse,
  edgeRemove,
  edgeSet,
  endResultFor,
  inputExample,
  inputField,
  inputTyped,
  outcomesFollowed,
  stepIdNew,
  stepRemove,
  stepRename,
} from "../../static/js/designer/model.js";

// A payment that is scored, then captured when approved; a review and a rejection end it otherwise.
const PAYMENT = {
  slug: "payment",
  name: "Payment",
  trigger: "PaymentSubmitted",
  steps: [
    { id: "score", action: "pay.score", after: [] },
    { id: "capture", action: "pay.capture", after: ["score:Approved"], policy: { max_attempts: 2 } },
    { id: "approved", end: "approved", after: ["capture"] },
    { id: "rejected", end: "rejected", after: ["score:Rejected"], fails: true },
  ],
};

describe("edges", () => {
  test("an edge names its step and, when it follows one, the outcome", () => {
    assert.deepEqual(edgeParse("score:Approved"), { step: "score", outcome: "Approved" });
    assert.deepEqual(edgeParse("score"), { step: "score", outcome: "" });
    assert.deepEqual(edgeParse("trigger"), { step: "trigger", outcome: "" });
  });

  test("one edge per pair of steps: setting it again changes the outcome it follows", () => {
    const step = { id: "b", after: ["a"] };
    edgeSet(step, "a", "Done");
    assert.deepEqual(step.after, ["a:Done"]);
    edgeSet(step, "a", "");
    assert.deepEqual(step.after, ["a"]);
    edgeSet(step, "trigger");
    assert.deepEqual(step.after, ["a", "trigger"]);
    assert.equal(edgeFind(step, "trigger"), "trigger");
    edgeRemove(step, "a");
    assert.deepEqual(step.after, ["trigger"]);
  });

  test("the outcomes of a decision that arrows follow already", () => {
    const { steps } = designLoad(PAYMENT);
    assert.deepEqual([...outcomesFollowed(steps, "score")].sort(), ["Approved", "Rejected"]);
    assert.deepEqual([...outcomesFollowed(steps, "capture")], []);
  });
});

describe("renaming and removing steps", () => {
  test("a rename follows into every edge and keeps the outcome", () => {
    const { steps } = designLoad(PAYMENT);
    stepRename(steps, "score", "fraud_score");
    assert.deepEqual(
      steps.map((s) => [s.id, s.after]),
      [
        ["fraud_score", []],
        ["capture", ["fraud_score:Approved"]],
        ["approved", ["capture"]],
        ["rejected", ["fraud_score:Rejected"]],
      ],
    );
  });

  test("removing a step removes the edges from it", () => {
    const steps = stepRemove(designLoad(PAYMENT).steps, "score");
    assert.deepEqual(
      steps.map((s) => [s.id, s.after]),
      [
        ["capture", []],
        ["approved", ["capture"]],
        ["rejected", []],
      ],
    );
  });

  test("new ids are free, lower case and start with a letter", () => {
    const { steps } = designLoad(PAYMENT);
    assert.equal(stepIdNew(steps, "capture"), "capture_2");
    assert.equal(stepIdNew(steps, "Flights Full"), "flights_full");
    assert.equal(stepIdNew(steps, "42"), "step");
  });

  test("an end after an outcome gets the outcome's words as its result", () => {
    assert.equal(endResultFor("FlightsFull"), "flights full");
    assert.equal(endResultFor("SMSSent"), "sms sent");
    assert.equal(endResultFor(""), "done");
  });
});

describe("the design JSON", () => {
  test("loading and saving give back the design: ends, outcomes, policies", () => {
    assert.deepEqual(designForSave(designLoad(PAYMENT)), { ...PAYMENT, description: "" });
  });

  test("join only with several edges, max_visits when whole, optional fields only when set", () => {
    const design = designLoad({
      slug: "loop",
      name: "Loop",
      trigger: "JobStarted",
      failure_event: "JobAbandoned",
      steps: [
        { id: "attempt", action: "jobs.attempt", after: ["trigger", "check:Again"], join: "first", max_visits: 5 },
        { id: "check", action: "jobs.check", after: ["attempt"], join: "first" },
        { id: "done", end: "done", after: ["check:Done"] },
      ],
    });
    const saved = designForSave(design);
    assert.equal(saved.failure_event, "JobAbandoned");
    assert.equal("coordinator" in saved, false);
    assert.deepEqual(saved.steps[0], {
      id: "attempt",
      action: "jobs.attempt",
      after: ["trigger", "check:Again"],
      join: "first",
      max_visits: 5,
    });
    assert.deepEqual(saved.steps[1], { id: "check", action: "jobs.check", after: ["attempt"] });
    assert.deepEqual(saved.steps[2], { id: "done", end: "done", after: ["check:Done"] });
  });

  test("services a file carries are sent with it; a design without them sends none", () => {
    const services = [{ name: "flights", actions: [] }];
    assert.deepEqual(designForSave(designLoad({ ...PAYMENT, services })).services, services);
    assert.equal("services" in designForSave(designLoad(PAYMENT)), false);
  });
});

describe("a run's input", () => {
  const fields = ["trip_id", "nights", "amount", "business"];
  const types = { trip_id: "string", nights: "integer", amount: "number", business: "boolean" };

  test("typed as the trigger's fields are", () => {
    assert.deepEqual(inputTyped(fields, types, { trip_id: "t-1", nights: "3", amount: "12.5", business: true }), {
      trip_id: "t-1",
      nights: 3,
      amount: 12.5,
      business: true,
    });
  });

  test("what does not read as its type goes as typed, for the server to name", () => {
    assert.deepEqual(inputTyped(fields, types, { trip_id: "", nights: "2.5", amount: "", business: false }), {
      trip_id: "",
      nights: "2.5",
      amount: "",
      business: false,
    });
  });

  test("a 422's key names the field of the input", () => {
    assert.equal(inputField("input.nights"), "nights");
    assert.equal(inputField("workflow"), "");
  });

  test("first values fit their types", () => {
    assert.equal(inputExample("trip_id", "string", "x1"), "trip-x1");
    assert.equal(inputExample("email", "string"), "someone@example.com");
    assert.equal(typeof inputExample("nights", "integer"), "number");
    assert.equal(inputExample("vip", "boolean"), false);
  });
});

// The slowest chain of "after" dependencies through a design (static/js/critical_path.js).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { criticalPath, dependencies, dependencyOrder, edgeStep } from "../../static/js/critical_path.js";

const step = (id, ...after) => ({ id, after });
// prepare fans out to pack and label, which fan in to ship; confirm runs beside them.
const FAN = [
  step("ship", "pack", "label"),
  step("pack", "prepare"),
  step("label", "prepare"),
  step("prepare"),
  step("confirm"),
];

describe("dependencyOrder", () => {
  test("every step after its dependencies; steps without any first, in the order listed", () => {
    assert.deepEqual(dependencyOrder(FAN), ["prepare", "confirm", "pack", "label", "ship"]);
  });

  test("unknown dependencies and a step's dependency on itself are ignored", () => {
    const steps = [step("assign", "ghost"), step("notify", "assign", "notify")];
    assert.deepEqual(dependencyOrder(steps), ["assign", "notify"]);
  });

  test("the steps of a cycle, and those after them, are left out", () => {
    const steps = [step("a", "c"), step("b", "a"), step("c", "b"), step("d", "c"), step("e")];
    assert.deepEqual(dependencyOrder(steps), ["e"]);
  });
});

describe("criticalPath", () => {
  test("fan-out and fan-in: the slower branch is on the path", () => {
    const durations = { prepare: 100, pack: 300, label: 200, ship: 50, confirm: 400 };
    assert.deepEqual(criticalPath(FAN, durations), { path: ["prepare", "pack", "ship"], total: 450 });
    const labelSlower = { ...durations, label: 301 };
    assert.deepEqual(criticalPath(FAN, labelSlower), { path: ["prepare", "label", "ship"], total: 451 });
  });

  test("a single slow step beats a longer chain of fast ones", () => {
    const durations = { prepare: 10, pack: 10, label: 10, ship: 10, confirm: 400 };
    assert.deepEqual(criticalPath(FAN, durations), { path: ["confirm"], total: 400 });
  });

  test("ties go to the step and the dependency listed first", () => {
    const durations = { prepare: 100, pack: 200, label: 200, ship: 50, confirm: 350 };
    assert.deepEqual(criticalPath(FAN, durations), { path: ["prepare", "pack", "ship"], total: 350 });
  });

  test("missing durations count as 0; none at all is no path", () => {
    assert.deepEqual(criticalPath(FAN, { pack: 300, ship: "50" }), { path: ["prepare", "pack", "ship"], total: 350 });
    assert.deepEqual(criticalPath(FAN, {}), { path: [], total: 0 });
    assert.deepEqual(criticalPath([], {}), { path: [], total: 0 });
  });

  test("unknown dependencies are skipped and a cycle's steps never make the path", () => {
    const steps = [step("a", "ghost"), step("b", "a"), step("x", "y"), step("y", "x")];
    assert.deepEqual(criticalPath(steps, { a: 5, b: 7, x: 1000, y: 1000 }), { path: ["a", "b"], total: 12 });
  });
});

describe("edges by outcome, from the trigger, and loops", () => {
  // score decides; capture follows one outcome, the ends follow the others; check loops on itself.
  const DECISION = [
    step("check", "trigger", "check:Again"),
    step("score", "check:Done"),
    step("capture", "score:Approved"),
    { id: "approved", end: "approved", after: ["capture"] },
    { id: "review", end: "in review", after: ["score:Review"] },
  ];

  test("an outcome edge is an edge to its step; the trigger and the loop's way back are no dependency", () => {
    assert.deepEqual(edgeStep("score:Approved"), "score");
    assert.equal(edgeStep("trigger"), null);
    assert.deepEqual(dependencies(step("x", "a:X", "a:Y", "trigger", "b")), ["a", "b"]);
    assert.deepEqual(dependencyOrder(DECISION), ["check", "score", "capture", "review", "approved"]);
  });

  test("the slowest path follows the outcomes' steps", () => {
    const durations = { check: 30, score: 10, capture: 50 };
    assert.deepEqual(criticalPath(DECISION, durations), {
      path: ["check", "score", "capture"],
      total: 90,
    });
    // The branch not taken has no duration: the path stops where the run ended.
    assert.deepEqual(criticalPath(DECISION, { check: 30, score: 10 }), { path: ["check", "score"], total: 40 });
  });

  test("a loop of several steps entered from the trigger: its way back is dropped, its steps stay", () => {
    const loop = [step("poll", "trigger", "wait:Again"), step("wait", "poll"), step("done", "wait:Done")];
    assert.deepEqual(dependencyOrder(loop), ["poll", "wait", "done"]);
    assert.deepEqual(criticalPath(loop, { poll: 5, wait: 100, done: 1 }), {
      path: ["poll", "wait", "done"],
      total: 106,
    });
  });
});

describe("a join of the first", () => {
  test("waits only for its quickest dependency that ran", () => {
    const steps = [step("a"), step("b"), step("skipped"), { id: "pick", after: ["a", "b", "skipped"], join: "first" }];
    assert.deepEqual(criticalPath(steps, { a: 100, b: 30, pick: 5 }), { path: ["a"], total: 100 });
    const slowAfter = [...steps, step("after", "pick")];
    assert.deepEqual(criticalPath(slowAfter, { a: 100, b: 30, pick: 5, after: 200 }), {
      path: ["b", "pick", "after"],
      total: 235,
    });
  });
});

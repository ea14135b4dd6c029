// The slowest chain of "after" dependencies through a design (static/js/critical_path.js).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { criticalPath, dependencyOrder } from "../../static/js/critical_path.js";

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

// The design graph's elements for any design (static/js/design_graph.js): trigger, steps, decisions, ends,
// edges by outcome, joins of the first; the layout's depth.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { graphDepth, graphElements } from "../../static/js/design_graph.js";
import { vocabularySet } from "../../static/js/vocabulary.js";
import { DECISION_GRAPH, DECLARED_VOCABULARY } from "./records.js";

vocabularySet(DECLARED_VOCABULARY);

const elements = graphElements(DECISION_GRAPH);
const nodes = Object.fromEntries(elements.filter((e) => !e.data.source).map((e) => [e.data.id, e]));
const edges = elements.filter((e) => e.data.source).map((e) => [e.data.source, e.data.target, e.data.label, e.classes]);

describe("graphElements", () => {
  test("a node for the trigger and one per step; ends with their result word, decisions marked", () => {
    assert.deepEqual(Object.keys(nodes), ["⚑trigger", ...DECISION_GRAPH.steps.map((step) => step.id)]);
    assert.equal(nodes["⚑trigger"].data.label, "▶ JobSubmitted\nIntake");
    assert.deepEqual(
      Object.values(nodes)
        .filter((node) => node.classes.includes("decision"))
        .map((node) => node.data.id),
      ["check", "score"],
    );
    assert.deepEqual(
      [nodes.review.classes, nodes.review.data.end, nodes.review.data.service],
      ["end", "in review", ""],
    );
    assert.deepEqual([nodes.score.data.serviceLabel, nodes.score.data.colour], ["Payments X", "#9467bd"]);
    assert.equal(nodes.first.classes, "step first");
  });

  test("an edge per after entry: the outcome as its label, the trigger's from the trigger node, joins of the first dashed", () => {
    assert.deepEqual(edges, [
      ["⚑trigger", "check", "", "first"],
      ["check", "check", "CheckAgain", "first loop"],
      ["check", "q1", "CheckDone", ""],
      ["check", "q2", "CheckDone", ""],
      ["q1", "first", "", "first"],
      ["q2", "first", "", "first"],
      ["first", "score", "", ""],
      ["score", "capture", "Approved", ""],
      ["capture", "approved", "", ""],
      ["score", "review", "Review", ""],
      ["score", "rejected", "Rejected", ""],
    ]);
  });

  test("a step that follows nothing starts at the trigger; an edge from an unknown step is left out", () => {
    const lone = graphElements({
      trigger: "Go",
      steps: [
        { id: "a", service: "x", after: [] },
        { id: "b", service: "x", after: ["ghost"] },
      ],
    });
    assert.deepEqual(
      lone.filter((e) => e.data.source).map((e) => [e.data.source, e.data.target]),
      [["⚑trigger", "a"]],
    );
  });
});

describe("graphDepth", () => {
  test("the trigger and the longest chain of steps, a loop's way back aside", () => {
    // trigger, check, q1/q2, first, score, capture, approved
    assert.equal(graphDepth(DECISION_GRAPH.steps), 7);
    assert.equal(graphDepth([]), 2);
  });
});

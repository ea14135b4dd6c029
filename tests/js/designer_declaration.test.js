// The "Declare a service" form's draft (static/js/designer/declaration.js): the JSON it sends, and where
// each of the API's errors is shown.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  declarationFromDraft,
  draftFromDeclaration,
  draftGet,
  draftSet,
  errorsPlace,
  fieldsKnown,
  namesParse,
  pathParents,
  rowAdd,
  rowRemove,
  serviceDraft,
} from "../../static/js/designer/declaration.js";

// The declaration of the API's example: a flight is booked, or the flights are full.
const FLIGHTS = {
  name: "flights",
  label: "Flights",
  colour: "#1f77b4",
  description: "",
  events: [{ name: "TripRequested", fields: [{ name: "trip_id", type: "string" }] }],
  actions: [
    {
      name: "book_flight",
      description: "",
      inputs: ["trip_id", "nights"],
      outcomes: [
        {
          event: "FlightBooked",
          fields: [{ name: "flight_ref" }, { name: "price", value: "round(nights * 80)" }],
          weight: 3,
        },
        { event: "FlightsFull", fields: [], weight: 1 },
      ],
      choice: "weighted",
      latency_ms: [50, 300],
      latency_distribution: "normal",
      failure_probability: 0.05,
      compensation: "cancel_flight",
      idempotency: { key: ["trip_id"] },
    },
    {
      name: "cancel_flight",
      description: "",
      inputs: ["trip_id"],
      outcomes: [{ event: "FlightCancelled", fields: [] }],
      choice: "weighted",
    },
  ],
};

describe("draft and declaration", () => {
  test("a declaration read into the form is sent back the same", () => {
    assert.deepEqual(declarationFromDraft(draftFromDeclaration(FLIGHTS)), FLIGHTS);
  });

  test("texts become numbers; empty optional settings are left out", () => {
    const draft = serviceDraft();
    Object.assign(draft, { name: " hotels ", label: "" });
    Object.assign(draft.actions[0], { name: "book", inputs: "stay_id,  nights", failure_probability: "0.1" });
    draft.actions[0].outcomes[0] = { event: "Booked", weight: "2", when: "ignored", fields: [] };
    const json = declarationFromDraft(draft);
    assert.equal(json.name, "hotels");
    assert.equal("label" in json, false);
    assert.deepEqual(json.actions[0], {
      name: "book",
      description: "",
      inputs: ["stay_id", "nights"],
      outcomes: [{ event: "Booked", fields: [], weight: 2 }],
      choice: "weighted",
      failure_probability: 0.1,
    });
  });

  test("by rule: each outcome's rule, none for the default; a latency given once is low and high", () => {
    const draft = draftFromDeclaration(FLIGHTS);
    const action = draft.actions[0];
    action.choice = "rule";
    action.outcomes[0].when = "nights < 10";
    action.latency = ["", "200"];
    const json = declarationFromDraft(draft).actions[0];
    assert.equal(json.outcomes[0].when, "nights < 10");
    assert.equal("when" in json.outcomes[1], false);
    assert.equal("weight" in json.outcomes[0], false);
    assert.deepEqual(json.latency_ms, [200, 200]);
  });

  test("what is not a number is sent as typed, for the server to name", () => {
    const draft = draftFromDeclaration(FLIGHTS);
    draft.actions[0].outcomes[0].weight = "lots";
    assert.equal(declarationFromDraft(draft).actions[0].outcomes[0].weight, "lots");
  });

  test("the idempotency key keeps only inputs", () => {
    const draft = draftFromDeclaration(FLIGHTS);
    draft.actions[0].inputs = "nights";
    draft.actions[0].idempotency = ["trip_id", "nights"];
    assert.deepEqual(declarationFromDraft(draft).actions[0].idempotency, { key: ["nights"] });
  });

  test("the fields a service knows, for the inputs to pick from", () => {
    assert.deepEqual(fieldsKnown(draftFromDeclaration(FLIGHTS)).sort(), ["flight_ref", "nights", "price", "trip_id"]);
    assert.deepEqual(namesParse(" a, b  c,,"), ["a", "b", "c"]);
  });
});

describe("rows and paths", () => {
  test("a path reads and writes the draft", () => {
    const draft = draftFromDeclaration(FLIGHTS);
    assert.equal(draftGet(draft, "actions[0].outcomes[1].event"), "FlightsFull");
    draftSet(draft, "actions[0].latency[1]", "400");
    assert.deepEqual(draft.actions[0].latency, ["50", "400"]);
  });

  test("rows are added of the list's kind and removed by path", () => {
    const draft = draftFromDeclaration(FLIGHTS);
    assert.equal(rowAdd(draft, "events[0].fields"), "events[0].fields[1]");
    assert.deepEqual(draft.events[0].fields[1], { name: "", type: "string" });
    assert.equal(rowAdd(draft, "actions[0].outcomes[0].fields"), "actions[0].outcomes[0].fields[2]");
    assert.deepEqual(draft.actions[0].outcomes[0].fields[2], { name: "", value: "" });
    rowAdd(draft, "actions[1].outcomes");
    assert.equal(draft.actions[1].outcomes.length, 2);
    rowRemove(draft, "actions[0].outcomes[0]");
    assert.equal(draft.actions[0].outcomes[0].event, "FlightsFull");
  });

  test("a path's parents, nearest first", () => {
    assert.deepEqual(pathParents("actions[0].outcomes[1].when"), [
      "actions[0].outcomes[1]",
      "actions[0].outcomes",
      "actions[0]",
      "actions",
    ]);
    assert.deepEqual(pathParents("name"), []);
  });
});

describe("errors at their fields", () => {
  const form = new Set([
    "name",
    "actions[0].inputs",
    "actions[0].outcomes",
    "actions[0].outcomes[1].when",
    "actions[0]",
  ]);

  test("each error at its field, or at its nearest parent the form has, naming the rest of the path", () => {
    const { placed, general } = errorsPlace(
      {
        name: "must be a service name",
        "actions[0].outcomes[1].when": "not an expression",
        "actions[0].inputs[1]": "must be a field name",
        "actions[0].idempotency.key": "must list inputs of the action",
      },
      (path) => form.has(path),
    );
    assert.deepEqual(Object.fromEntries(placed), {
      name: ["must be a service name"],
      "actions[0].outcomes[1].when": ["not an expression"],
      "actions[0].inputs": ["[1]: must be a field name"],
      "actions[0]": ["idempotency.key: must list inputs of the action"],
    });
    assert.deepEqual(general, []);
  });

  test("what no field of the form names goes above it (a 409's reason)", () => {
    const { placed, general } = errorsPlace({ "design:trip": "would no longer be valid" }, (path) => form.has(path));
    assert.equal(placed.size, 0);
    assert.deepEqual(general, [["design:trip", "would no longer be valid"]]);
  });
});

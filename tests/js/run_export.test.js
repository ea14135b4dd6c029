// Opening a run export on /runs/open/: what is refused, with which reason (static/js/run_export.js), and a
// store fed from a file asks the API nothing (static/js/run_store.js's dataSource).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { ExportError, MEGABYTE, exportParse, exportSizeCheck } from "../../static/js/run_export.js";
import { RunStore, dataSource } from "../../static/js/run_store.js";
import { RUN_ID, orchestrationRun } from "./records.js";

const EXPECTED = { format: "workflowviz.run-export", formatVersion: 1, maxBytes: 50 * MEGABYTE };
const { run, records } = orchestrationRun();

/** A good export of the test run, as GET /api/runs/{run_id}/export writes it, changed by `change`. */
function exportText(change = (data) => data) {
  const data = {
    format: "workflowviz.run-export",
    format_version: 1,
    exported_at: "2026-03-02T10:05:00+00:00",
    run_id: RUN_ID,
    pattern: "orchestration",
    status: "succeeded",
    result: "",
    workflow: "order-fulfilment",
    workflow_version: 1,
    order_id: 7,
    input: {},
    graph: structuredClone(run.graph),
    steps: [],
    last_seq: records.length,
    events: structuredClone(records),
  };
  return JSON.stringify(change(data) ?? data);
}

const refusal = (text) => {
  try {
    exportParse(text, EXPECTED);
  } catch (error) {
    assert.ok(error instanceof ExportError, `not an ExportError: ${error}`);
    return error.message;
  }
  assert.fail("the file was accepted");
};

describe("a run export", () => {
  test("is read whole: the run without the marker, every record in sequence order", () => {
    const shuffled = exportText((data) => {
      data.events.reverse();
    });
    const { run: read, records: got, exportedAt } = exportParse(shuffled, EXPECTED);
    assert.deepEqual(
      got.map((record) => record.seq),
      records.map((record) => record.seq),
    );
    assert.deepEqual(got, records);
    assert.equal(read.run_id, RUN_ID);
    assert.deepEqual(read.graph, run.graph);
    assert.equal(read.last_seq, records.length);
    assert.equal(exportedAt, "2026-03-02T10:05:00+00:00");
    for (const field of ["format", "format_version", "events", "exported_at"]) assert.ok(!(field in read), field);
  });
});

describe("a file that is not a run export is refused with the reason", () => {
  const cases = [
    ["not JSON", "{ this is not json", /not JSON/],
    ["JSON but a list", "[1, 2]", /not an object/],
    ["no format", exportText((d) => void delete d.format), /no "format"/],
    ["another format", exportText((d) => void (d.format = "bpmn")), /format is "bpmn"/],
    ["a design export", JSON.stringify({ slug: "order-fulfilment", steps: [] }), /no "format"/],
    ["a newer format_version", exportText((d) => void (d.format_version = 2)), /format_version 1; the file has 2/],
    ["no format_version", exportText((d) => void delete d.format_version), /the file has null/],
    ["no run id", exportText((d) => void delete d.run_id), /run_id/],
    ["no graph", exportText((d) => void delete d.graph), /no "graph"/],
    ["a graph without steps", exportText((d) => void (d.graph = { nodes: [] })), /"steps"/],
    ["a step that is not one", exportText((d) => void (d.graph.steps[1] = null)), /graph\.steps\[1\]/],
    ["no events", exportText((d) => void delete d.events), /no "events"/],
    ["events not an array", exportText((d) => void (d.events = { 1: records[0] })), /"events" must be an array/],
    ["a record not an object", exportText((d) => void (d.events[3] = "x")), /events\[3\] is not an object/],
    ["a record without seq", exportText((d) => void delete d.events[2].seq), /events\[2\]\.seq/],
    ["a seq of 0", exportText((d) => void (d.events[0].seq = 0)), /events\[0\]\.seq/],
    ["a fractional seq", exportText((d) => void (d.events[0].seq = 1.5)), /events\[0\]\.seq/],
    ["another run's record", exportText((d) => void (d.events[1].run_id = "x")), /another run/],
    ["a record without kind", exportText((d) => void (d.events[4].kind = "")), /events\[4\]\.kind/],
    ["a bad time", exportText((d) => void (d.events[5].at = "yesterday")), /events\[5\]\.at/],
    ["a payload not an object", exportText((d) => void (d.events[6].payload = [1])), /events\[6\]\.payload/],
    ["a seq twice", exportText((d) => void (d.events[7].seq = 7)), /seq 7 appears twice/],
    ["a record missing", exportText((d) => void d.events.splice(4, 1)), /#5 is missing/],
    ["last_seq beyond the records", exportText((d) => void (d.last_seq = 99)), /last_seq says 99/],
  ];
  for (const [name, text, reason] of cases) {
    test(name, () => assert.match(refusal(text), reason));
  }

  test("an empty file", () => assert.match(refusal(""), /empty/));

  test("a file over the limit, before it is read", () => {
    assert.throws(
      () => exportSizeCheck(50 * MEGABYTE + 1, EXPECTED),
      /is 50\.0 MB; a run export may be at most 50\.0 MB/,
    );
    assert.throws(() => exportSizeCheck(3e9, EXPECTED), /2861\.0 MB/);
    assert.throws(() => exportSizeCheck(0, EXPECTED), /empty/);
    exportSizeCheck(50 * MEGABYTE, EXPECTED);
  });
});

test("a store fed from a file holds every record, is settled, and fetches nothing", async (t) => {
  const fetched = [];
  t.mock.method(globalThis, "fetch", async (url) => fetched.push(url));
  const { run: read, records: got } = exportParse(exportText(), EXPECTED);
  const store = new RunStore(RUN_ID, { source: dataSource({ ...read, events: got }) });
  await store.load();
  store.watch();
  await store.fill("gap");
  assert.equal(store.count, records.length);
  assert.equal(store.contiguous, records.length);
  assert.equal(store.status, "succeeded");
  assert.equal(store.settled, true);
  assert.deepEqual(fetched, []);
});

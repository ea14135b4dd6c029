// The run's records in the browser: kept by seq, duplicates ignored, gaps fetched (static/js/run_store.js).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { RunStore, isFinal } from "../../static/js/run_store.js";
import { RUN_ID, orchestrationRun } from "./records.js";

const { run, records } = orchestrationRun(); // 23 records, the last one run.succeeded
const SUMMARY = { run_id: RUN_ID, pattern: "orchestration", status: "running", graph: run.graph, steps: [] };
const seqs = (events) => events.map((event) => event.seq);

/**
 * Stands in for the API: GET /api/runs/<id>[?after_seq=n] answers the records after n up to `upTo`
 * (a number, or a function of n) and `lastSeq`, or the status of `fail(url)` when that gives one.
 * Returns the URLs asked, as they are asked.
 */
function apiStub(t, { upTo = records.length, lastSeq, fail = () => 0, delayMs = 0 } = {}) {
  const urls = [];
  t.mock.method(globalThis, "fetch", async (url) => {
    urls.push(url);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const failed = fail(url);
    const after = Number(new URL(url, "http://test").searchParams.get("after_seq") || 0);
    const end = typeof upTo === "function" ? upTo(after) : upTo;
    const body = failed
      ? { errors: { http: "boom" } }
      : { ...SUMMARY, events: records.slice(after, end), last_seq: lastSeq ?? end };
    return new Response(JSON.stringify(body), {
      status: failed || 200,
      statusText: failed ? "Internal Server Error" : "OK",
    });
  });
  return urls;
}

async function until(condition, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const detailUrl = `/api/runs/${RUN_ID}`;

describe("keeping records", () => {
  test("by seq, whatever order they come in; duplicates, other runs' and malformed records ignored", () => {
    let changes = 0;
    const store = new RunStore(RUN_ID, { onChange: () => (changes += 1) });
    const otherRun = { ...records[3], run_id: "another-run" };
    const noSeq = { ...records[4], seq: 0 };
    const added = store.add([records[2], records[0], records[0], otherRun, noSeq, records[1]]);
    assert.equal(added, 3);
    assert.deepEqual(seqs(store.events()), [1, 2, 3]);
    assert.deepEqual([store.count, store.contiguous, store.maxSeq], [3, 3, 3]);
    assert.deepEqual([store.stats.ws, store.stats.duplicates], [3, 1]);
    assert.equal(store.add([records[1]]), 0);
    assert.equal(store.stats.duplicates, 2);
    assert.equal(changes, 1, "nothing new, no change");
  });

  test("contiguous stops at the first missing record; events() lists what is there", () => {
    const store = new RunStore(RUN_ID);
    store.add([records[0], records[1], records[3], records[5]]);
    assert.deepEqual([store.count, store.contiguous, store.maxSeq], [4, 2, 6]);
    assert.deepEqual(seqs(store.events()), [1, 2, 4, 6]);
    assert.equal(store.stats.gaps, 0, "not loaded yet: the first load brings what is missing");
  });

  test("the run's status: from its run.* records, else from the summary", () => {
    const store = new RunStore(RUN_ID);
    assert.equal(store.status, "running");
    store.summary = { ...SUMMARY, status: "compensating" };
    assert.equal(store.status, "compensating");
    store.add(records.slice(0, -1));
    assert.equal(store.status, "compensating", "run.started says nothing new");
    assert.equal(store.final, false);
    store.add(records.slice(-1));
    assert.deepEqual([store.status, store.final], ["succeeded", true]);
  });

  test("final statuses", () => {
    assert.deepEqual(["succeeded", "failed", "compensated", "cancelled", "running", "compensating"].map(isFinal), [
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("fetching what is missing", () => {
  test("load: the summary and the records so far, then ?after_seq= what was committed meanwhile", async (t) => {
    // The first answer has 20 records but says the run has 23 (committed while it was read).
    const urls = apiStub(t, { upTo: (after) => (after ? 23 : 20), lastSeq: 23 });
    const store = new RunStore(RUN_ID);
    await store.load();
    assert.equal(store.loaded, true);
    assert.equal(store.summary.events, undefined);
    await until(() => store.count === 23);
    assert.deepEqual(urls, [detailUrl, `${detailUrl}?after_seq=20`]);
    assert.deepEqual([store.contiguous, store.stats.api, store.stats.backfilled, store.stats.fetches], [23, 20, 3, 2]);
    assert.equal(store.status, "succeeded");
    store.stop();
  });

  test("a gap in seq waits a moment, then fetches ?after_seq= the last contiguous record", async (t) => {
    const urls = apiStub(t, { upTo: 10 });
    const store = new RunStore(RUN_ID);
    await store.load();
    assert.deepEqual(urls, [detailUrl]);
    store.add([records[11], records[12]]); // seq 12 and 13 from the websocket; 11 was lost
    assert.deepEqual([store.contiguous, store.maxSeq, store.stats.gaps], [10, 13, 1]);
    assert.equal(urls.length, 1, "a batch from another worker may still be on its way");
    const backfills = apiStub(t, { upTo: 13 });
    await until(() => store.contiguous === 13);
    assert.deepEqual(backfills, [`${detailUrl}?after_seq=10`]);
    assert.deepEqual([store.stats.backfilled, store.stats.duplicates, store.count], [1, 2, 13]);
    assert.deepEqual(
      seqs(store.events()),
      records.slice(0, 13).map((r) => r.seq),
    );
    store.stop();
  });

  test("a gap closed by the websocket before the wait is over fetches nothing", async (t) => {
    const urls = apiStub(t, { upTo: 10 });
    const store = new RunStore(RUN_ID);
    await store.load();
    store.add([records[11]]);
    await sleep(50); // another worker's batch, a moment later
    store.add([records[10]]);
    await sleep(250);
    assert.deepEqual(urls, [detailUrl]);
    assert.equal(store.contiguous, 12);
    store.stop();
  });

  test("a failed fetch is tried again", async (t) => {
    let failures = 1;
    apiStub(t, { upTo: 10 });
    const store = new RunStore(RUN_ID);
    await store.load();
    const urls = apiStub(t, { fail: () => (failures-- > 0 ? 500 : 0) });
    await store.fill("reconnect");
    assert.deepEqual(urls, [`${detailUrl}?after_seq=10`, `${detailUrl}?after_seq=10`]);
    assert.deepEqual([store.count, store.stats.reconnects, store.stats.fetches], [23, 1, 2]);
  });

  test("fills asked for while one is running make one more fetch, not one each", async (t) => {
    apiStub(t, { upTo: 10 });
    const store = new RunStore(RUN_ID);
    await store.load();
    const urls = apiStub(t, { delayMs: 20 });
    const fills = [store.fill("gap"), store.fill("reconnect"), store.fill("quiet")];
    assert.ok(fills.every((fill) => fill === fills[0]));
    await fills[0];
    assert.deepEqual(urls, [`${detailUrl}?after_seq=10`, `${detailUrl}?after_seq=23`]);
    assert.equal(store.count, 23);
  });
});

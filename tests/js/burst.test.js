// A burst cut into chunks, each with its Idempotency-Key; a chunk whose answer was lost is sent again on
// Resume with the same key, so the count ends exact (static/js/burst_plan.js, static/js/burst.js).

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { burstChunks, busyWaitMs, chunkFailure, chunkKey, chunkSize, newBurstId } from "../../static/js/burst_plan.js";
import { Burst } from "../../static/js/burst.js";

describe("burst plan", () => {
  test("about ten chunks, at least 10 and at most 100 orders each", () => {
    assert.deepEqual([5, 30, 250, 1000, 5000].map(chunkSize), [10, 10, 25, 100, 100]);
  });

  test("the chunks cover every order once, the last one shorter", () => {
    assert.deepEqual(burstChunks(25), [
      { index: 0, offset: 0, count: 10 },
      { index: 1, offset: 10, count: 10 },
      { index: 2, offset: 20, count: 5 },
    ]);
    for (const total of [1, 99, 100, 101, 4999, 5000]) {
      const chunks = burstChunks(total);
      assert.equal(
        chunks.reduce((sum, chunk) => sum + chunk.count, 0),
        total,
      );
      chunks.forEach((chunk, index) =>
        assert.equal(chunk.offset, index === 0 ? 0 : chunks[index - 1].offset + chunks[index - 1].count),
      );
      assert.ok(chunks.every((chunk) => chunk.count >= 1 && chunk.count <= 100));
    }
  });

  test("a key per burst and chunk, fit for the header", () => {
    const id = newBurstId();
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.notEqual(newBurstId(), id);
    assert.equal(chunkKey(id, 1), `${id}-1`);
  });

  test("no answer or a server error interrupts; 409 is busy; other refusals stop", () => {
    assert.equal(chunkFailure(new TypeError("Failed to fetch")), "interrupted");
    assert.equal(chunkFailure({ status: 502 }), "interrupted");
    assert.equal(chunkFailure({ status: 409 }), "busy");
    assert.equal(chunkFailure({ status: 422 }), "refused");
  });

  test("a 409 is asked again after the server's Retry-After, at least 1 s and at most 60 s", () => {
    assert.deepEqual(
      [null, 0, 1, 25, 600].map((retryAfter) => busyWaitMs({ status: 409, retryAfter })),
      [1000, 1000, 1000, 25000, 60000],
    );
  });
});

/**
 * Stands in for the server: POST /api/orders/burst places `count` orders and keeps the answer per
 * Idempotency-Key (the same key and body answers it again); `lose(key, attempt)` true makes the page
 * lose that answer after the orders were placed, `busy(key, attempt)` answers 409 first (a number: with
 * that Retry-After).
 */
function fakeServer(t, { lose = () => false, busy = () => false } = {}) {
  const server = { placed: [], requests: [], answers: new Map() };
  globalThis.document = { querySelector: () => null }; // no CSRF <meta> here
  t.after(() => delete globalThis.document);
  const json = (data, status = 201, headers = {}) => new Response(JSON.stringify(data), { status, headers });
  t.mock.method(globalThis, "fetch", async (url, init) => {
    const body = JSON.parse(init.body);
    if (url === "/api/run-statuses")
      return json({ statuses: Object.fromEntries(body.run_ids.map((id) => [id, "succeeded"])) }, 200);
    const key = init.headers["Idempotency-Key"];
    const attempt = server.requests.filter((request) => request.key === key).length + 1;
    server.requests.push({ key, body });
    const busyFor = busy(key, attempt);
    if (busyFor) {
      const headers = typeof busyFor === "number" ? { "Retry-After": String(busyFor) } : {};
      return json({ errors: { "Idempotency-Key": "still being processed" } }, 409, headers);
    }
    if (!server.answers.has(key)) {
      const placed = Array.from({ length: body.count }, (_, index) => ({ run_id: `run-${body.offset + index}` }));
      server.placed.push(...placed);
      server.answers.set(key, { body: init.body, answer: { count: placed.length, placed } });
    }
    const first = server.answers.get(key);
    if (first.body !== init.body) return json({ errors: { "Idempotency-Key": "different request" } }, 422);
    if (lose(key, attempt)) throw new TypeError("Failed to fetch");
    return json(first.answer);
  });
  return server;
}

const ORDER = { sku: "MUG-BLUE", quantity: 1, customer_email: "ann@example.com", pattern: "both" };

describe("Burst", () => {
  test("an answer lost on chunk 2 counts only what was confirmed; Resume ends exact", async (t) => {
    const server = fakeServer(t, { lose: (key, attempt) => key.endsWith("-1") && attempt === 1 });
    const burst = new Burst({ total: 30, order: ORDER, onProgress: () => {} });

    await burst.run();

    assert.equal(burst.interrupted, true);
    assert.equal(burst.stoppedReason, "Failed to fetch");
    assert.equal(burst.placed, 10); // the server placed 20; the page counts what it confirmed
    assert.equal(server.placed.length, 20);
    assert.equal(burst.done, false);

    await burst.resume();

    assert.equal(burst.interrupted, false);
    assert.equal(burst.placed, 30);
    assert.equal(server.placed.length, 30);
    assert.equal(burst.statuses.size, 30);
    assert.equal(burst.done, true);
    const keys = server.requests.map((request) => request.key.split("-")[1]);
    assert.deepEqual(keys, ["0", "1", "1", "2"]);
    assert.deepEqual(server.requests[1].body, server.requests[2].body);
    assert.deepEqual(
      server.requests.map((request) => request.body.offset),
      [0, 10, 10, 20],
    );
  });

  test("a 409 (the first try still in progress) is asked again, not counted twice", async (t) => {
    const server = fakeServer(t, { busy: (key, attempt) => key.endsWith("-0") && attempt === 1 });
    const burst = new Burst({ total: 12, order: ORDER, onProgress: () => {} });

    await burst.run();

    assert.equal(burst.interrupted, false);
    assert.equal(burst.placed, 12);
    assert.equal(server.placed.length, 12);
    assert.equal(burst.done, true);
  });

  test("a 409 with Retry-After (a chunk the restarted server will take over) waits that long, then ends exact", async (t) => {
    const server = fakeServer(t, { busy: (key, attempt) => key.endsWith("-1") && attempt === 1 && 2 });
    const waiting = [];
    const burst = new Burst({ total: 20, order: ORDER, onProgress: (b) => b.waiting && waiting.push(b.waiting) });
    const started = performance.now();

    await burst.run();

    assert.ok(performance.now() - started >= 1900, "waited the 2 s the server asked for");
    assert.deepEqual([...new Set(waiting)], ["chunk 2 is still being processed; asking again in 2 s"]);
    assert.equal(burst.waiting, "");
    assert.equal(burst.placed, 20);
    assert.equal(server.placed.length, 20);
    assert.equal(burst.done, true);
  });
});

// A burst's progress and summary (static/js/burst.js): why the runs that did not succeed ended so.

import assert from "node:assert/strict";
import { test } from "node:test";

import { Burst } from "../../static/js/burst.js";

const IDS = ["run-a", "run-b", "run-c"];
const NO_ROOM = "no partner with room in north";

test("once done, the summary says why runs were compensated, asking only about those runs", async (t) => {
  globalThis.document = { querySelector: () => null }; // no CSRF <meta> outside a page
  const asked = [];
  t.mock.method(globalThis, "fetch", async (url, init) => {
    const body = JSON.parse(init.body);
    asked.push([url, body.run_ids]);
    const answer = { statuses: {}, counts: {}, reasons: { [NO_ROOM]: body.run_ids.length } };
    return new Response(JSON.stringify(answer), { status: 200 });
  });
  let explained;
  const done = new Promise((resolve) => (explained = resolve));
  const burst = new Burst({
    total: 3,
    order: {},
    onProgress: (current) => Object.keys(current.reasons).length && explained(),
  });
  burst.placed = 3;
  for (const id of IDS) burst.statuses.set(id, "running");

  burst.apply([
    { run_id: "run-a", kind: "run.succeeded" },
    { run_id: "run-b", kind: "run.compensated" },
    { run_id: "run-c", kind: "run.compensated" },
  ]);
  await done;

  assert.deepEqual(asked, [["/api/run-statuses", ["run-b", "run-c"]]]);
  assert.match(
    burst.summary(),
    /^3\/3 placed · 3 finished \(1 succeeded, 2 compensated — 2 no partner with room in north\) · /,
  );
  delete globalThis.document;
});

// The runs explorer's URL: the page's query string and GET /api/runs's take the same filters.
import { test } from "node:test";
import assert from "node:assert/strict";

import { apiPath, csvPath, filtersRead, filtersWrite, isoBefore, listOpen } from "../../static/js/runs_query.js";

test("a shared link reads back as the filters it was written from", () => {
  const filters = {
    status: "failed",
    workflow: "order-fulfilment",
    had: "retries,failures",
    customer_email: "a+b@x.io",
  };
  const search = filtersWrite(filters);
  assert.equal(search, "?status=failed&workflow=order-fulfilment&had=retries%2Cfailures&customer_email=a%2Bb%40x.io");
  assert.deepEqual(filtersRead(search), filters);
});

test("unknown names, empty values and the default sort are left out; repeated had values join", () => {
  assert.deepEqual(filtersRead("?status=&nonsense=1&sort=-started&had=retries&had=duplicates&order_id=%2042%20"), {
    had: "retries,duplicates",
    order_id: "42",
  });
  assert.equal(filtersWrite({}), "");
});

test("the API path keeps the cursor and adds the page size; the CSV drops the paging", () => {
  const filters = { pattern: "choreography", cursor: "abc" };
  assert.equal(apiPath(filters, { limit: 50 }), "/api/runs?pattern=choreography&cursor=abc&limit=50");
  assert.equal(csvPath(filters), "/api/runs?pattern=choreography&format=csv");
  assert.equal(csvPath({}), "/api/runs?format=csv");
});

test("quick time ranges are ISO 8601 in UTC; a past until closes the list to new runs", () => {
  const now = new Date("2026-12-01T15:30:00.250Z");
  assert.equal(isoBefore(now, 600), "2026-12-01T15:20:00Z");
  assert.equal(listOpen({ until: "2026-12-01T15:00:00Z" }, now), false);
  assert.equal(listOpen({ until: "2026-12-02T00:00:00Z" }, now), true);
  assert.equal(listOpen({ until: "not a time" }, now), true);
  assert.equal(listOpen({}, now), true);
});

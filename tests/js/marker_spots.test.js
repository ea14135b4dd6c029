// Markers of one moment on one lane stand apart (static/js/marker_spots.js).

import assert from "node:assert/strict";
import { test } from "node:test";

import { freeSpot } from "../../static/js/marker_spots.js";

test("a marker with room stays where its time puts it", () => {
  const spots = [100];
  assert.equal(freeSpot(spots, 130, 9), 130);
  assert.deepEqual(spots, [100, 130]);
});

test("a marker clears every neighbour, not only the last one placed", () => {
  // Placed at 500 and 509; the third record's time is 497: next to the first, far from the last.
  const spots = [];
  freeSpot(spots, 500, 9);
  freeSpot(spots, 500, 9);
  const third = freeSpot(spots, 497, 9);
  assert.equal(third, 518);
  for (const spot of spots.slice(0, 2)) assert.ok(Math.abs(third - spot) >= 9);
});

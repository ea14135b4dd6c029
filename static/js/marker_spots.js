// Where a marker goes on its lane when others of the same moment are already there.

/**
 * The first x at or right of `want` that is at least `gap` from every spot taken (records of one moment
 * arrive in any order, so a marker must clear all its neighbours, not only the last one); it is taken.
 */
export function freeSpot(spots, want, gap) {
  let at = want;
  for (let moved = true; moved;) {
    moved = false;
    for (const spot of spots) {
      if (Math.abs(at - spot) < gap) {
        at = spot + gap;
        moved = true;
      }
    }
  }
  spots.push(at);
  return at;
}

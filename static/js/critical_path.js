// The slowest path through a design: the chain of "after" dependencies whose step durations add up
// to the most. Pure: steps [{id, after}] and durations {id: ms} in, {path, total} out.

/** Steps in an order where each comes after its dependencies (unknown dependencies ignored; a cycle's steps left out). */
export function dependencyOrder(steps) {
  const ids = new Set(steps.map((step) => step.id));
  const missing = new Map(); // step id → how many of its dependencies are not placed yet
  const dependents = new Map(); // step id → the steps that come after it
  for (const step of steps) {
    const deps = new Set((step.after || []).filter((dep) => ids.has(dep) && dep !== step.id));
    missing.set(step.id, deps.size);
    for (const dep of deps) {
      if (!dependents.has(dep)) dependents.set(dep, []);
      dependents.get(dep).push(step.id);
    }
  }
  const order = steps.filter((step) => missing.get(step.id) === 0).map((step) => step.id);
  for (let index = 0; index < order.length; index += 1) {
    for (const next of dependents.get(order[index]) || []) {
      missing.set(next, missing.get(next) - 1);
      if (missing.get(next) === 0) order.push(next);
    }
  }
  return order;
}

/**
 * The path ending at the step whose own duration plus its slowest chain of dependencies is largest.
 * A step without a duration counts as 0; ties go to the step (and dependency) listed first; with no
 * duration at all there is no path.
 * @returns {{path: string[], total: number}}
 */
export function criticalPath(steps, durations) {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const best = new Map(); // step id → {total, previous}
  for (const id of dependencyOrder(steps)) {
    let previous = null;
    let before = 0;
    for (const dep of byId.get(id).after || []) {
      const chain = best.get(dep);
      if (chain && (previous === null || chain.total > before)) [previous, before] = [dep, chain.total];
    }
    best.set(id, { total: before + (Number(durations[id]) || 0), previous });
  }
  let end = null;
  for (const step of steps) {
    if (best.has(step.id) && (end === null || best.get(step.id).total > best.get(end).total)) end = step.id;
  }
  if (end === null || best.get(end).total <= 0) return { path: [], total: 0 };
  const path = [];
  for (let id = end; id !== null; id = best.get(id).previous) path.unshift(id);
  return { path, total: best.get(end).total };
}

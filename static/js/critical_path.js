// The slowest path through a design: the chain of "after" dependencies whose step durations add up
// to the most. Pure: steps [{id, after}] and durations {id: ms} in, {path, total} out.
//
// An "after" entry is "a" (after step a), "a:Outcome" (after a, when it ended with that outcome) or
// "trigger" (when the run starts): the path follows steps, so the outcome is dropped and the trigger ignored.

export const TRIGGER = "trigger";

/** The step an "after" entry follows ("a:X" → "a"), or null for the trigger. */
export function edgeStep(entry) {
  const step = String(entry).split(":")[0];
  return step === TRIGGER ? null : step;
}

/** The steps a step follows, each once, in the order its "after" lists them. */
export function dependencies(step) {
  return [...new Set((step.after || []).map(edgeStep).filter(Boolean))];
}

/**
 * Each step's dependencies among `steps`, without unknown ones, itself, or the edge that brings a
 * loop back: a step the trigger starts (it names "trigger", or follows nothing) begins a walk along
 * the edges, and an edge back to a step still on that walk closes a loop.
 */
export function forwardDependencies(steps) {
  const ids = new Set(steps.map((step) => step.id));
  const deps = new Map(steps.map((step) => [step.id, dependencies(step).filter((d) => ids.has(d) && d !== step.id)]));
  const dependents = new Map(steps.map((step) => [step.id, []]));
  for (const [id, list] of deps) for (const dep of list) dependents.get(dep).push(id);
  const back = new Set(); // "dep>step" edges that close a loop
  const state = new Map(); // step id → "walking" | "done"
  const walk = (id) => {
    state.set(id, "walking");
    for (const next of dependents.get(id)) {
      if (state.get(next) === "walking") back.add(`${id}>${next}`);
      else if (!state.has(next)) walk(next);
    }
    state.set(id, "done");
  };
  for (const step of steps) {
    const starts = (step.after || []).includes(TRIGGER) || !deps.get(step.id).length;
    if (starts && !state.has(step.id)) walk(step.id);
  }
  return new Map([...deps].map(([id, list]) => [id, list.filter((dep) => !back.has(`${dep}>${id}`))]));
}

/**
 * Steps in an order where each comes after its dependencies (unknown dependencies and loops' way back
 * ignored; the steps of a cycle the trigger never enters left out).
 */
export function dependencyOrder(steps) {
  const deps = forwardDependencies(steps);
  const missing = new Map(); // step id → how many of its dependencies are not placed yet
  const dependents = new Map(); // step id → the steps that come after it
  for (const [id, list] of deps) {
    missing.set(id, list.length);
    for (const dep of list) {
      if (!dependents.has(dep)) dependents.set(dep, []);
      dependents.get(dep).push(id);
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
 * A step waits for its slowest dependency, but a join of the first (`join: "first"`) for its quickest
 * one that ran. A step without a duration counts as 0; ties go to the step (and dependency) listed
 * first; with no duration at all there is no path.
 * @returns {{path: string[], total: number}}
 */
export function criticalPath(steps, durations) {
  const deps = forwardDependencies(steps);
  const byId = new Map(steps.map((step) => [step.id, step]));
  const ran = (id) => Number(durations[id]) > 0;
  const best = new Map(); // step id → {total, previous}
  for (const id of dependencyOrder(steps)) {
    const first = byId.get(id).join === "first" && deps.get(id).some(ran);
    const candidates = first ? deps.get(id).filter(ran) : deps.get(id);
    let previous = null;
    let before = 0;
    for (const dep of candidates) {
      const chain = best.get(dep);
      if (!chain) continue;
      const better = first ? chain.total < before : chain.total > before;
      if (previous === null || better) [previous, before] = [dep, chain.total];
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

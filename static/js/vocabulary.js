// The engine's words and the one list of services (coded and declared), as the server gives every page
// (<script id="wfv-vocabulary">, from workflowviz/engine/vocabulary.py and the service registry).
// No other script keeps a list of services, labels or colours.

const EMPTY = { services: [], record_kinds: {}, step_statuses: [], run_statuses: [], final_run_statuses: [] };
let current = null;

/** The page's vocabulary (or the one a test set). */
export function vocabulary() {
  if (current) return current;
  const node = typeof document === "undefined" ? null : document.getElementById("wfv-vocabulary");
  current = node ? JSON.parse(node.textContent) : EMPTY;
  return current;
}

/** For node tests and pages that fetch /api/vocabulary: use this vocabulary from now on. */
export function vocabularySet(value) {
  current = { ...EMPTY, ...value };
}

const LANES = { bus: "Event bus", engine: "Engine (observer)", operator: "Operator" };

/** A service (or lane) by name: {name, label, colour}; one the list does not know gets a made-up colour. */
export function serviceInfo(name) {
  const known = vocabulary().services.find((service) => service.name === name);
  if (known) return known;
  return { name, label: LANES[name] || name.charAt(0).toUpperCase() + name.slice(1), colour: colourOf(name) };
}

export function serviceLabel(name) {
  return serviceInfo(name).label;
}

export function serviceColour(name) {
  return serviceInfo(name).colour;
}

/** The services in the registry's order (coded ones first, then declared ones by name). */
export function serviceNames() {
  return vocabulary().services.map((service) => service.name);
}

function colourOf(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 45%, 42%)`;
}

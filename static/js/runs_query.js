// The runs explorer's filters as one query string: the page's URL and GET /api/runs take the same names,
// so a shared link, the back button and the API all read one thing. Plain functions (node tests use them).

/** Every filter GET /api/runs takes, in the order the URL writes them (cursor and limit are paging). */
export const FILTERS = [
  "status",
  "pattern",
  "workflow",
  "version",
  "service",
  "step",
  "had",
  "since",
  "until",
  "order_id",
  "customer_email",
  "run_id",
  "sort",
];
export const DEFAULT_SORT = "-started";
const PAGING = ["cursor", "limit"];

/**
 * The filters (and paging) a query string holds: {name: string}; `had` is the comma list as written.
 * Unknown names are dropped; empty values and the default sort are left out.
 */
export function filtersRead(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const name of [...FILTERS, ...PAGING]) {
    const values = params.getAll(name).map((value) => value.trim());
    // had=retries&had=failures and had=retries,failures say the same.
    const value = name === "had" ? values.filter(Boolean).join(",") : values[0] || "";
    if (value && !(name === "sort" && value === DEFAULT_SORT)) filters[name] = value;
  }
  return filters;
}

/** The query string of some filters ("" without any), in FILTERS order, paging next, any other name last. */
export function filtersWrite(filters) {
  const params = new URLSearchParams();
  const known = [...FILTERS, ...PAGING];
  for (const name of [...known, ...Object.keys(filters).filter((name) => !known.includes(name))]) {
    const value = filters[name];
    if (value !== undefined && value !== null && String(value) !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** The same filters without some names (the paging, or fields the API refused). */
export function filtersWithout(filters, names) {
  return Object.fromEntries(Object.entries(filters).filter(([name]) => !names.includes(name)));
}

/** GET /api/runs for these filters; `extra` adds or replaces parameters (limit, cursor, format, since). */
export function apiPath(filters, extra = {}) {
  return `/api/runs${filtersWrite({ ...filters, ...extra })}`;
}

/** The CSV of the current list: its filters, from the first row (no cursor). */
export function csvPath(filters) {
  return `/api/runs${filtersWrite({ ...filtersWithout(filters, PAGING), format: "csv" })}`;
}

/** An ISO 8601 time `seconds` before `now` (a Date), to the second, in UTC: "2026-12-01T14:50:00Z". */
export function isoBefore(now, seconds) {
  return new Date(now.getTime() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Whether runs started from now on can still enter this list: not when `until` is a time already past.
 * A bad `until` (the API refuses it) counts as open.
 */
export function listOpen(filters, now) {
  if (!filters.until) return true;
  const until = Date.parse(filters.until);
  return Number.isNaN(until) || until > now.getTime();
}

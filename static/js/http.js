// JSON over HTTP with the session cookie; writes carry the CSRF token from the page's <meta>.
//
// One core, two ways to use it: request() answers {ok, status, data} whatever happens (the designer
// shows a 400/422's problems from it), and apiGet/apiPost throw an ApiError when the answer is not ok.

/** "field: reason; …" */
function errorsJoined(errors) {
  return Object.entries(errors)
    .map(([field, reason]) => `${field}: ${reason}`)
    .join("; ");
}

export class ApiError extends Error {
  constructor(status, errors, retryAfter = null) {
    super(errorsJoined(errors || {}) || `HTTP ${status}`);
    this.status = status;
    this.errors = errors || {};
    this.retryAfter = retryAfter; // seconds, from a Retry-After header (a 409 of a chunk still in progress)
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

/**
 * The answer {ok, status, statusText, data, retryAfter}; data is the parsed JSON, the text when not JSON, or
 * null; retryAfter the seconds of a Retry-After header, or null.
 */
async function send(method, path, body, { editor = false, headers = {} } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  // Every write carries the CSRF token, with a body or without (DELETE).
  if (method !== "GET" && method !== "HEAD") init.headers["X-CSRFToken"] = csrfToken();
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    // The server records a version saved from the editor as such (not as one saved through the API).
    if (editor) init.headers["X-Workflowviz-Editor"] = "1";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (Mermaid text, an HTML error page): keep the text
  }
  const retryAfter = Number.parseInt(response.headers.get("Retry-After"), 10);
  return {
    ok: response.ok,
    status: response.status,
    statusText: response.statusText,
    data,
    retryAfter: Number.isNaN(retryAfter) ? null : retryAfter,
  };
}

/**
 * Never throws: a network failure answers {ok: false, status: 0, data: {errors: {network}}}.
 * @param {{editor?: boolean, headers?: object}} options editor: mark the request as coming from the workflow
 *   designer; headers: more request headers
 */
export async function request(method, path, body, options = {}) {
  try {
    return await send(method, path, body, options);
  } catch (error) {
    return { ok: false, status: 0, statusText: "", data: { errors: { network: String(error) } }, retryAfter: null };
  }
}

/** "field: reason; …" from an {errors: {...}} answer. */
export function errorText(answer) {
  const errors = answer && answer.data && answer.data.errors;
  if (!errors || typeof errors !== "object") return `HTTP ${answer ? answer.status : "?"}`;
  return errorsJoined(errors);
}

/** The answer's data, or an ApiError; a network failure rejects as fetch does. */
async function dataOrThrow(method, path, body, options) {
  const answer = await send(method, path, body, options);
  if (!answer.ok) {
    const errors = answer.data && answer.data.errors ? answer.data.errors : { http: answer.statusText };
    throw new ApiError(answer.status, errors, answer.retryAfter);
  }
  return answer.data;
}

export const apiGet = (path) => dataOrThrow("GET", path);
/** options.headers: more request headers (an Idempotency-Key). */
export const apiPost = (path, body, options = {}) => dataOrThrow("POST", path, body, options);

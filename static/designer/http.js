// JSON over HTTP with the session cookie; writes carry the CSRF token from the page's <meta>.
// Answers come back as {ok, status, data} so that callers can show a 400/422's problems.

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

export async function call(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.headers["X-CSRFToken"] = csrfToken();
    init.headers["X-Workflowviz-Editor"] = "1";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    return { ok: false, status: 0, data: { errors: { network: String(error) } } };
  }
  const text = await response.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (Mermaid text, an HTML error page): keep the text
  }
  return { ok: response.ok, status: response.status, data };
}

export const get = (path) => call("GET", path);
export const post = (path, body) => call("POST", path, body);

/** "field: reason; …" from an {errors: {...}} answer. */
export function errorText(answer) {
  const errors = answer && answer.data && answer.data.errors;
  if (!errors || typeof errors !== "object") return `HTTP ${answer ? answer.status : "?"}`;
  return Object.entries(errors)
    .map(([where, reason]) => `${where}: ${reason}`)
    .join("; ");
}

// JSON over HTTP with the session cookie; writes carry the CSRF token from the page's <meta>.

export class ApiError extends Error {
  constructor(status, errors) {
    super(Object.entries(errors || {}).map(([field, reason]) => `${field}: ${reason}`).join("; ") || `HTTP ${status}`);
    this.status = status;
    this.errors = errors || {};
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

async function request(method, path, body) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.headers["X-CSRFToken"] = csrfToken();
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, data && data.errors ? data.errors : { http: response.statusText });
  return data;
}

export const apiGet = (path) => request("GET", path);
export const apiPost = (path, body) => request("POST", path, body);

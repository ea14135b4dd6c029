// Small DOM helpers. Text always goes in through textContent: no data is ever parsed as HTML.

/** Create an element: el("a", {class: "x", href: "/y", dataset: {k: "v"}}, "text", childNode). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = String(value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "value") node.value = String(value);
    // Through the CSSOM: a style attribute set as markup would be refused by the page's CSP (style-src 'self').
    else if (name === "style") node.style.cssText = String(value);
    else if (name === "checked" || name === "selected" || name === "disabled") node[name] = Boolean(value);
    else if (name === "href") node.setAttribute("href", safeHref(value));
    else if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Only same-site absolute paths are linked; anything else becomes "#". */
export function safeHref(value) {
  const text = String(value);
  return /^\/(?!\/)[\w\-./?=&%:]*$/.test(text) ? text : "#";
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** Put a short status text in a node, styled by kind ("error", "ok"…). */
export function show(node, text, kind = "") {
  node.textContent = text;
  node.className = `small ${kind}`.trim();
}

/** Milliseconds as "850 ms", "1.25 s" or "2 min 5 s". */
export function formatMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (abs < 60000) return `${(ms / 1000).toFixed(abs < 10000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((abs % 60000) / 1000)} s`;
}

/** An ISO time as the local clock with milliseconds, e.g. 14:03:07.125. */
export function formatClock(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function shortId(id) {
  return String(id).slice(0, 8);
}

/** Give the page's internals to the browser tests (window.wfv, or `name`), on pages rendered for them only. */
export function testHooksExpose(hooks, name = "wfv") {
  if (document.body.hasAttribute("data-test-hooks")) window[name] = hooks;
}

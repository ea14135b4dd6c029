// DOM helpers for the designer. Text only ever goes in through textContent: no data is parsed as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = String(value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name === "href") node.setAttribute("href", safeHref(value));
    else if (name === "value") node.value = String(value);
    else if (name === "checked" || name === "selected" || name === "disabled") node[name] = Boolean(value);
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

export function show(node, text, kind = "") {
  node.textContent = text;
  node.className = `small ${kind}`.trim();
}

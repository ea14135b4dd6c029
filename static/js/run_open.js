// /runs/open/: a run export file opened in this browser, read-only. Nothing is uploaded: the file is read
// here, checked (run_export.js), and drawn by the run page's own view (run_view.js) from the file's data
// instead of the API and the websocket. A file that is not a run export is refused with the reason; the
// page (and the run shown before, if any) stays as it was.

import { ExportError, exportParse, exportSizeCheck } from "./run_export.js";
import { dataSource } from "./run_store.js";
import { runViewMount } from "./run_view.js";
import { formatClock, shortId, testHooksExpose } from "./dom.js";

const page = document.getElementById("open-page");
const input = document.getElementById("open-file");
const zone = document.getElementById("drop-zone");
const problem = document.getElementById("open-error");
const opened = document.getElementById("opened");
const template = document.getElementById("run-view-template");
const expected = {
  format: page.dataset.format,
  formatVersion: Number(page.dataset.formatVersion),
  maxBytes: Number(page.dataset.maxBytes),
};
let current = null; // the mounted run view of the file on screen

function refuse(name, reason) {
  problem.textContent = `Not opened: ${name}: ${reason}`;
  problem.hidden = false;
  Object.assign(page.dataset, { state: "refused", refused: reason });
}

/** The run of an export file on the page, in place of the one shown before. */
function show(file, { run, records, exportedAt }) {
  if (current) current.stop();
  const fragment = template.content.cloneNode(true);
  opened.replaceChildren(fragment);
  const root = opened.querySelector("#run-page");
  const text = (id, value) => (root.querySelector(`#${id}`).textContent = value);
  Object.assign(root.dataset, { runId: run.run_id, status: run.status || "", file: file.name });
  text("run-id", shortId(run.run_id));
  text("run-pattern", run.pattern || "");
  root.querySelector("#run-pattern").className = `badge pattern-${run.pattern}`;
  const about = [`${run.workflow || "?"} v${run.workflow_version ?? "?"}`];
  if (Number.isInteger(run.order_id)) about.push(`order #${run.order_id}`);
  if (exportedAt) about.push(`exported ${new Date(exportedAt).toLocaleDateString()} ${formatClock(exportedAt)}`);
  text("run-about", about.join(" · "));
  text("read-only", `opened from file ${file.name}, read-only`);
  current = runViewMount(root, {
    runId: run.run_id,
    source: dataSource({ ...run, events: records }),
    adminLinks: false,
  });
  Object.assign(page.dataset, { state: "opened", file: file.name });
  delete page.dataset.refused;
  return current.start();
}

async function open(file) {
  if (!file) return;
  problem.hidden = true;
  page.dataset.state = "reading";
  try {
    exportSizeCheck(file.size, expected);
    const parsed = exportParse(await file.text(), expected);
    await show(file, parsed);
  } catch (error) {
    refuse(file.name, error instanceof ExportError ? error.message : `could not read or draw it (${error.message}).`);
  } finally {
    input.value = ""; // the same file chosen again opens again
  }
}

input.addEventListener("change", () => open(input.files[0]));

// Drop anywhere on the page; the zone shows where.
document.addEventListener("dragover", (event) => {
  event.preventDefault();
  zone.classList.add("dragging");
});
document.addEventListener("dragleave", (event) => {
  if (!event.relatedTarget) zone.classList.remove("dragging");
});
document.addEventListener("drop", (event) => {
  event.preventDefault();
  zone.classList.remove("dragging");
  const files = event.dataTransfer ? [...event.dataTransfer.files] : [];
  if (files.length > 1) refuse(files.map((f) => f.name).join(", "), "drop one run export at a time.");
  else open(files[0]);
});

page.dataset.state = "empty";
testHooksExpose({
  get view() {
    return current && current.view;
  },
  get replay() {
    return current && current.replay;
  },
  get graph() {
    return current && current.graph;
  },
});

// Is this file a run export? The checks /runs/open/ makes before it draws anything (no DOM: node tests it).
//
// A run export (GET /api/runs/{run_id}/export, workflowviz/engine/export.py) is the run as the API reads it
// with a format marker in front. What the page needs to draw it: the marker and version, the run id, a
// design graph with its steps, and the event records of that run as an array, each with a whole sequence
// number, its kind, service and time. Anything else is refused with the reason, naming the field.

export const MEGABYTE = 1024 * 1024;

export class ExportError extends Error {}

const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "1.2 MB" */
export function sizeText(bytes) {
  return bytes < MEGABYTE ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / MEGABYTE).toFixed(1)} MB`;
}

/** Refuse a file by its size alone, before reading it. */
export function exportSizeCheck(bytes, { maxBytes }) {
  if (!Number.isFinite(bytes) || bytes <= 0) throw new ExportError("The file is empty.");
  if (bytes > maxBytes)
    throw new ExportError(`The file is ${sizeText(bytes)}; a run export may be at most ${sizeText(maxBytes)}.`);
}

function recordProblem(record, index, runId) {
  const where = `events[${index}]`;
  if (!isObject(record)) return `${where} is not an object.`;
  if (!Number.isInteger(record.seq) || record.seq < 1) return `${where}.seq must be a whole number from 1.`;
  if (record.run_id !== runId) return `${where} belongs to another run (${String(record.run_id).slice(0, 36)}).`;
  for (const field of ["kind", "service"])
    if (typeof record[field] !== "string" || !record[field]) return `${where}.${field} must be a non-empty text.`;
  if (typeof record.at !== "string" || Number.isNaN(Date.parse(record.at)))
    return `${where}.at must be a date and time (ISO 8601).`;
  if (record.payload !== undefined && record.payload !== null && !isObject(record.payload))
    return `${where}.payload must be an object.`;
  return null;
}

/**
 * The run in an export file's text, checked: {run, records} (records sorted by seq), or an ExportError
 * whose message says what is wrong.
 * @param {string} text the file's content
 * @param {{format: string, formatVersion: number, maxBytes: number}} expected what this page reads
 */
export function exportParse(text, { format, formatVersion, maxBytes }) {
  if (typeof text !== "string") throw new ExportError("The file could not be read as text.");
  exportSizeCheck(text.length, { maxBytes });
  let data;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ExportError(`The file is not JSON (${error.message}).`);
  }
  if (!isObject(data)) throw new ExportError("The file is JSON but not a run export: it is not an object.");
  if (data.format === undefined)
    throw new ExportError(`Not a run export: it has no "format" (a run export says "${format}").`);
  if (data.format !== format)
    throw new ExportError(`Not a run export: its format is "${String(data.format).slice(0, 80)}", not "${format}".`);
  if (data.format_version !== formatVersion)
    throw new ExportError(
      `This page reads format_version ${formatVersion}; the file has ${JSON.stringify(data.format_version ?? null).slice(0, 40)}.`,
    );
  if (typeof data.run_id !== "string" || !UUID.test(data.run_id))
    throw new ExportError("run_id is missing or not a run id.");
  if (data.graph === undefined) throw new ExportError('The file has no "graph" (the run\'s design).');
  if (!isObject(data.graph) || !Array.isArray(data.graph.steps))
    throw new ExportError('"graph" must be an object with a list of "steps".');
  const step = data.graph.steps.findIndex((each) => !isObject(each) || typeof each.id !== "string" || !each.id);
  if (step !== -1) throw new ExportError(`graph.steps[${step}] must be an object with an "id".`);
  if (data.events === undefined) throw new ExportError('The file has no "events" (the run\'s event records).');
  if (!Array.isArray(data.events)) throw new ExportError('"events" must be an array of event records.');
  if (data.steps !== undefined && !Array.isArray(data.steps)) throw new ExportError('"steps" must be an array.');
  const seen = new Set();
  data.events.forEach((record, index) => {
    const problem = recordProblem(record, index, data.run_id);
    if (problem) throw new ExportError(problem);
    if (seen.has(record.seq)) throw new ExportError(`events[${index}].seq ${record.seq} appears twice.`);
    seen.add(record.seq);
  });
  const records = [...data.events].sort((a, b) => a.seq - b.seq);
  const missing = records.findIndex((record, index) => record.seq !== index + 1);
  if (missing !== -1)
    throw new ExportError(
      `Event record #${missing + 1} is missing (the file has ${records.length} records, up to #${records[records.length - 1].seq}).`,
    );
  if (data.last_seq !== undefined && data.last_seq !== records.length)
    throw new ExportError(
      `last_seq says ${JSON.stringify(data.last_seq).slice(0, 20)}; the file has ${records.length} records.`,
    );
  const run = { ...data };
  for (const field of ["events", "format", "format_version", "exported_at"]) delete run[field];
  const exportedAt = data.exported_at;
  if (!Array.isArray(run.steps)) run.steps = [];
  run.last_seq = records.length;
  return { run, records, exportedAt: typeof exportedAt === "string" ? exportedAt : null };
}

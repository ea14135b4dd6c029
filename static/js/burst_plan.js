// How a burst is cut into requests, and the Idempotency-Key of each: a chunk sent again after its answer
// was lost carries the same body and key, so the server gives its first answer instead of placing it twice.

export const MAX_CHUNK = 100; // POST /api/orders/burst takes at most 100 orders
const MIN_CHUNK = 10;

/** Orders per request: about ten requests (the "placed" bar moves), between MIN_CHUNK and MAX_CHUNK. */
export function chunkSize(total) {
  return Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.ceil(total / 10)));
}

/** The requests of a burst, [{index, offset, count}], covering orders 0..total-1 once each. */
export function burstChunks(total, size = chunkSize(total)) {
  const chunks = [];
  for (let offset = 0, index = 0; offset < total; offset += size, index += 1)
    chunks.push({ index, offset, count: Math.min(size, total - offset) });
  return chunks;
}

export function chunkKey(burstId, index) {
  return `${burstId}-${index}`;
}

/** 32 random hex digits (getRandomValues works on plain http too, where randomUUID is missing). */
export function newBurstId(crypto = globalThis.crypto) {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * What a chunk's failed request means for the burst:
 * "busy" — 409, the server is still processing the first try of this key: ask again shortly;
 * "interrupted" — no answer (network error, "Failed to fetch") or a server error: the chunk may or may
 *   not have been placed, so only what the server confirmed counts, and Resume sends it again;
 * "refused" — the server answered that it cannot place it (4xx): the burst stops.
 */
export function chunkFailure(error) {
  if (error.status === 409) return "busy";
  if (!error.status || error.status >= 500) return "interrupted";
  return "refused";
}

const BUSY_RETRY_MS = 1000; // a 409 without Retry-After: ask again in a second
const MAX_BUSY_WAIT_MS = 60000;

/**
 * How long to wait before asking again for a chunk answered 409: the server's Retry-After (the seconds
 * until it takes over a chunk whose first try died with it), at least a second, at most a minute.
 */
export function busyWaitMs(error) {
  return Math.min(MAX_BUSY_WAIT_MS, Math.max(BUSY_RETRY_MS, (error.retryAfter || 0) * 1000));
}

// From event records to what the timeline draws: lanes, step bars, message arrows and markers.
//
// A fold over the records in sequence order (replaying them rebuilds the run's state), applied one
// record at a time so that live records extend the model instead of rebuilding it.

export const SERVICE_LANES = ["orders", "notifications", "sellers", "logistics"];
const LANE_ORDER = [...SERVICE_LANES, "bus", "engine"];
const LANE_LABELS = { orders: "Orders", notifications: "Notifications", sellers: "Sellers", logistics: "Logistics", bus: "Event bus", engine: "Engine" };
const MAX_ROWS = 6;

/** Step status after a step.* kind (the names RQ's registries and the engine use). */
const STEP_STATUS = {
  "step.queued": "queued",
  "step.started": "started",
  "step.succeeded": "succeeded",
  "step.failed": "failed",
  "step.retried": "retrying",
  "step.timed_out": "retrying",
  "step.cancelled": "cancelled",
  "step.compensating": "compensating",
  "step.compensated": "compensated",
};
const UNDELIVERED = { "message.duplicate": "ignored", "message.cancelled": "cancelled", "message.dropped": "dropped" };
const FINAL_STEP = {
  "step.succeeded": "succeeded",
  "step.failed": "failed",
  "step.cancelled": "cancelled",
  "step.compensated": "compensated",
};

export function laneLabel(id) {
  return LANE_LABELS[id] || id.charAt(0).toUpperCase() + id.slice(1);
}

let models = 0;

export class TimelineModel {
  /** @param {{graph?: object, pattern?: string}} run */
  constructor(run = {}) {
    this.id = ++models;
    this.stepService = new Map(((run.graph && run.graph.steps) || []).map((step) => [step.id, step.service]));
    this.t0 = null;
    this.tMax = 0;
    this.count = 0;
    this.lastSeq = 0;
    this.bars = [];
    this.arrows = [];
    this.markers = [];
    this.stepStatus = {};
    this.active = new Set();
    this.barServices = new Set();
    this.laneIds = new Set(SERVICE_LANES);
    if (run.pattern === "choreography") this.laneIds.add("bus");
    this._lanes = null;
    this.open = new Map(); // step id (+ "~c" for its compensation) → the bar being drawn
    this.latest = new Map(); // … and the latest bar, open or not
    this.messages = new Map();
    this.rowEnds = new Map(); // lane → end time of the last bar on each row
    this.rowOf = new Map(); // "lane|step" → row of that step's latest bar
  }

  /** The lanes: the four services first, then the bus, the engine and anything else that appeared. */
  get lanes() {
    if (!this._lanes) {
      this._lanes = [...this.laneIds]
        .sort((a, b) => (LANE_ORDER.indexOf(a) + 1 || 99) - (LANE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b))
        .map((id) => ({ id, label: laneLabel(id), rows: Math.max(1, (this.rowEnds.get(id) || []).length), active: this.active.has(id) }));
    }
    return this._lanes;
  }

  _lane(id) {
    if (this.active.has(id)) return;
    this.laneIds.add(id);
    this.active.add(id);
    this._lanes = null;
  }

  /** Apply one record; records must come in sequence order. */
  apply(event) {
    const at = Date.parse(event.at);
    if (this.t0 === null) this.t0 = at;
    const t = at - this.t0;
    if (t > this.tMax) this.tMax = t;
    this.count += 1;
    this.lastSeq = event.seq;
    const kind = event.kind;
    const payload = event.payload || {};
    const stepId = event.step_id || "";
    this._lane(event.service);
    if (kind === "message.sent") {
      const message = {
        id: event.message_id, type: event.message_type, kind: payload.kind || "message", from: event.service,
        to: payload.to, sentAt: t, receivedAt: null, by: null, attempt: payload.attempt || 1, stepId,
        body: payload.body, sent: event, received: null,
      };
      if (event.message_id) this.messages.set(event.message_id, message);
      this.arrows.push(message);
      return;
    }
    if (kind === "message.received") {
      const message = this.messages.get(event.message_id);
      if (message && message.received === null) {
        Object.assign(message, { receivedAt: t, by: event.service, received: event });
        // A compensation waits in the queue from its command until its service takes it.
        const undo = message.kind === "compensate" && this.open.get(`${stepId}~c`);
        if (undo && undo.startedAt === null) undo.startedAt = t;
        return;
      }
    }
    if (UNDELIVERED[kind] && event.message_id) {
      // The message will never be acted on (ignored duplicate, cancelled, dropped): its arrow ends here.
      const message = this.messages.get(event.message_id);
      if (message && message.received === null && message.endedAt === undefined) {
        Object.assign(message, { endedAt: t, endKind: UNDELIVERED[kind] });
      }
    }
    if (STEP_STATUS[kind] && stepId && this._step(event, kind, payload, stepId, t)) return;
    if ((kind === "message.dropped" || kind === "message.cancelled") && this.open.has(stepId)) {
      this._close(stepId, t, "cancelled", event);
    }
    if (kind === "event.published") {
      // Publishing hands the event to the bus, which sends one delivery per subscriber.
      this._lane("bus");
      this.arrows.push({
        id: null, type: payload.type, kind: "publish", from: event.service, to: "bus", sentAt: t, receivedAt: t,
        by: "bus", attempt: 1, stepId, body: payload, sent: event, received: null,
      });
    }
    this.markers.push({ t, lane: event.service, kind, stepId, event });
  }

  /** A step.* record; false when it ends up as a marker (nothing to draw as a bar). */
  _step(event, kind, payload, stepId, t) {
    const lane = this.stepService.get(stepId) || event.service;
    this._lane(lane);
    this.stepStatus[stepId] = STEP_STATUS[kind];
    const compensation = kind === "step.compensating" || kind === "step.compensated" || payload.compensation === true;
    const key = compensation ? `${stepId}~c` : stepId;
    const base = { lane, stepId, kind: compensation ? "compensation" : "step" };
    if (kind === "step.queued") {
      if (!this.open.has(key)) this._open(key, { ...base, queuedAt: t }).events.push(event);
      return true;
    }
    if (kind === "step.started" || kind === "step.compensating") {
      let bar = this.open.get(key) || this._open(key, { ...base, queuedAt: t });
      if (bar.startedAt !== null) {
        // Started again without a recorded end (a redelivery): the earlier attempt ends here.
        this._close(key, t, "retried", event);
        bar = this._open(key, { ...base, queuedAt: t });
      }
      if (kind === "step.compensating") {
        // Recorded when the compensation is sent; it starts when its service receives it.
        bar.status = "compensating";
        bar.events.push(event);
        return true;
      }
      bar.startedAt = t;
      bar.status = "started";
      bar.attempt = payload.attempt || bar.attempt;
      bar.events.push(event);
      return true;
    }
    if (kind === "step.retried" || kind === "step.timed_out") {
      const bar = this._close(key, t, kind === "step.retried" ? "retried" : "timed_out", event);
      if (bar) bar.error = payload.error || payload.reason;
      if (kind === "step.retried") {
        const attempt = (payload.attempt || (bar ? bar.attempt : 1)) + 1;
        this._open(key, { ...base, queuedAt: t, attempt }).events.push(event);
      }
      return true;
    }
    const status = FINAL_STEP[kind];
    if (this.open.has(key)) {
      Object.assign(this._close(key, t, status, event), { result: payload.result, error: payload.error, ms: payload.ms });
      return true;
    }
    const previous = this.latest.get(key);
    if (kind === "step.failed" && previous && previous.status === "timed_out") {
      Object.assign(previous, { status, error: payload.error || previous.error });
      previous.events.push(event);
      return true;
    }
    if (kind === "step.succeeded" || kind === "step.compensated") {
      this._open(key, { ...base, queuedAt: t, startedAt: t });
      Object.assign(this._close(key, t, status, event), { result: payload.result, error: payload.error, ms: payload.ms });
      return true;
    }
    return false;
  }

  _open(key, fields) {
    const bar = { kind: "step", status: "queued", events: [], attempt: 1, startedAt: null, endAt: null, ...fields };
    // Greedy rows per lane: the first row free at this bar's start (records come roughly in time order).
    let ends = this.rowEnds.get(bar.lane);
    if (!ends) this.rowEnds.set(bar.lane, (ends = []));
    let row = ends.findIndex((end) => end <= bar.queuedAt);
    if (row === -1 && ends.length < MAX_ROWS) {
      row = ends.length;
      this._lanes = null; // one more row in this lane
    }
    if (row === -1) row = ends.indexOf(Math.min(...ends));
    ends[row] = Infinity;
    bar.row = row;
    this.bars.push(bar);
    this.open.set(key, bar);
    this.latest.set(key, bar);
    this.rowOf.set(`${bar.lane}|${bar.stepId}`, row);
    this.barServices.add(bar.lane);
    return bar;
  }

  _close(key, t, status, event) {
    const bar = this.open.get(key);
    if (!bar) return null;
    bar.endAt = t;
    bar.status = status;
    bar.events.push(event);
    this.open.delete(key);
    const ends = this.rowEnds.get(bar.lane);
    if (ends[bar.row] === Infinity || ends[bar.row] < t) ends[bar.row] = t;
    return bar;
  }
}

/** The model of these records (in sequence order) for this run ({graph, pattern}). */
export function buildModel(events, run = {}) {
  const model = new TimelineModel(run);
  for (const event of events) model.apply(event);
  if (model.t0 === null) model.t0 = Date.now();
  return model;
}

// From event records to what the timeline draws: lanes, step bars, message arrows and markers.
//
// A fold over the records in sequence order, applied one record at a time so that live records
// extend the model instead of rebuilding it. Step statuses follow the engine's own rules (as
// workflowviz/engine/replay.py does), so the replay bar's fold of records 1..k shows the run as it
// stood after record k, and the fold of all of them the run's final state. It also derives where a
// service fell behind (backlogs) and how long each step took (stepTimings) for the design graph.
//
// Nothing here knows a service: the lanes come from the run's graph (who starts it, then each step's
// service) and from whoever writes a record; their labels from the page's vocabulary.

import { serviceLabel, vocabulary } from "./vocabulary.js";

const MAX_ROWS = 6;
// A service "falls behind" when one of this run's messages waits in its queue longer than
// max(BACKLOG_FLOOR_MS, BACKLOG_FACTOR × the median queue wait of the run's messages to the other
// services). Relative to the others, so that when every queue is slow (a burst) only a service slower
// than the rest stands out, however many of its own messages waited; the floor keeps millisecond
// jitter from counting. A wait runs from when the message was due (retry backoff left out) to when
// its service took it, or to now while it still waits.
export const BACKLOG_FLOOR_MS = 1000;
export const BACKLOG_FACTOR = 3;

/** Step status after a step.* kind (the names RQ's registries and the engine use). */
const STEP_STATUS = {
  "step.queued": "queued",
  "step.started": "started",
  "step.succeeded": "succeeded",
  "step.failed": "failed",
  "step.retried": "retrying",
  "step.waiting": "retrying",
  "step.timed_out": "retrying",
  "step.cancelled": "cancelled",
  "step.compensating": "compensating",
  "step.compensated": "compensated",
};
const UNDELIVERED = {
  "message.duplicate": "ignored",
  "message.cancelled": "cancelled",
  "message.dropped": "dropped",
  "operator.discarded": "discarded", // a dead letter an operator discarded: it will never be delivered
};
const FINAL_STEP = {
  "step.succeeded": "succeeded",
  "step.failed": "failed",
  "step.cancelled": "cancelled",
  "step.compensated": "compensated",
};

/** A lane's name on screen: the service's label from the vocabulary ("bus" and "engine" included). */
export function laneLabel(id) {
  return serviceLabel(id);
}

/** The lanes that are not services: the event bus (choreography) and the engine's observer. */
export function specialLanes() {
  const lanes = vocabulary().lanes || {};
  return { bus: lanes.bus || "bus", engine: lanes.observer || "engine" };
}

/** An end step: no action and no service, only the result it gives the run. */
export function isEnd(step) {
  return step.end !== undefined && step.end !== null;
}

/**
 * The services a run's graph names, in lane order: who starts the run (the coordinator in
 * orchestration, the trigger's service in choreography), then each step's service as the graph lists them.
 */
export function graphServices(run = {}) {
  const graph = run.graph || {};
  const first = run.pattern === "choreography" ? [graph.trigger_service] : [graph.coordinator, graph.trigger_service];
  const steps = (graph.steps || []).filter((step) => !isEnd(step)).map((step) => step.service);
  return [...new Set([...first, ...steps].filter(Boolean))];
}

let models = 0;

export class TimelineModel {
  /** @param {{graph?: object, pattern?: string}} run */
  constructor(run = {}) {
    this.id = ++models;
    const steps = (run.graph && run.graph.steps) || [];
    this.stepService = new Map(steps.filter((step) => !isEnd(step)).map((step) => [step.id, step.service]));
    this.graphServices = graphServices(run); // the lanes the run's graph promises, in order
    this.stepServices = [...new Set(this.stepService.values())].filter(Boolean); // those that run steps
    this.special = specialLanes();
    this.t0 = null;
    this.tMax = 0;
    this.count = 0;
    this.lastSeq = 0;
    this.bars = [];
    this.arrows = [];
    this.markers = [];
    this.stepStatus = {};
    this.stepOutcome = {}; // step id → the outcome (event) its latest visit ended with
    this.stepVisits = {}; // step id → how often it ran (a loop runs a step again)
    this.result = ""; // the end(s) the run reached, in its design's words
    this.active = new Set();
    this.barServices = new Set();
    this.laneIds = new Set(this.graphServices);
    if (run.pattern === "choreography") {
      // The bus fans events out; the observer notices the run's end: both are there from the start.
      this.laneIds.add(this.special.bus);
      this.laneIds.add(this.special.engine);
    }
    this._lanes = null;
    this.open = new Map(); // bar key (step, visit; "~c" for its compensation) → the bar being drawn
    this.latest = new Map(); // … and the latest bar, open or not
    this.visit = new Map(); // step id → the visit its records are about now
    this.messages = new Map();
    this.rowEnds = new Map(); // lane → end time of the last bar on each row
    this.rowOf = new Map(); // "lane|step" → row of that step's latest bar
    this.runStatus = "running"; // from the run.* records, as the engine's Run.status
    this.stepVersion = 0; // grows with every step record (what step timings depend on)
    this.slow = []; // messages that waited at least BACKLOG_FLOOR_MS
    this.waiting = new Set(); // messages sent and not yet taken by their service
    this.messagesTo = new Map(); // service → the messages sent to it
  }

  /**
   * The lanes: the graph's services first (in its order), then any other service as it wrote its first
   * record, then the bus and the engine.
   */
  get lanes() {
    if (!this._lanes) {
      const { bus, engine } = this.special;
      const services = [...this.laneIds].filter((id) => id !== bus && id !== engine);
      this._lanes = [...services, bus, engine]
        .filter((id) => this.laneIds.has(id))
        .map((id) => ({
          id,
          label: laneLabel(id),
          rows: Math.max(1, (this.rowEnds.get(id) || []).length),
          active: this.active.has(id),
        }));
    }
    return this._lanes;
  }

  _lane(id) {
    if (!id || this.active.has(id)) return;
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
        id: event.message_id,
        type: event.message_type,
        kind: payload.kind || "message",
        from: event.service,
        to: payload.to,
        sentAt: t,
        receivedAt: null,
        by: null,
        attempt: payload.attempt || 1,
        visit: payload.visit || 1,
        stepId,
        body: payload.body,
        sent: event,
        received: null,
        dueAt: t + (payload.delay_s || 0) * 1000,
      };
      if (event.message_id) this.messages.set(event.message_id, message);
      this.arrows.push(message);
      this._queued(message);
      return;
    }
    if (kind === "message.received") {
      const message = this.messages.get(event.message_id);
      if (message && message.received === null) {
        Object.assign(message, { receivedAt: t, by: event.service, received: event });
        this._taken(message, t);
        // A compensation waits in the queue from its command until its service takes it.
        const undo = message.kind === "compensate" && this.open.get(`${stepId}~c`);
        if (undo && undo.startedAt === null) undo.startedAt = t;
        return;
      }
    }
    if (UNDELIVERED[kind] && event.message_id) {
      // The message will never be acted on (ignored duplicate, cancelled, dropped, discarded): its arrow ends here.
      const message = this.messages.get(event.message_id);
      if (message && message.received === null && message.endedAt === undefined) {
        Object.assign(message, { endedAt: t, endKind: UNDELIVERED[kind] });
        this._taken(message, t);
      }
    }
    if (kind === "message.amended") {
      // More data came from outside the run: the waiting message is due now, not after its delay.
      const message = this.messages.get(event.message_id);
      if (message && message.received === null && t < message.dueAt) message.dueAt = t;
    }
    if (kind.startsWith("run.") && kind !== "run.started") {
      this.runStatus = kind.slice(4);
      if (payload.result) this.result = payload.result;
    }
    this._stepOutcome(kind, stepId, payload);
    if (STEP_STATUS[kind] && stepId && this._step(event, kind, payload, stepId, t)) return;
    if ((kind === "message.dropped" || kind === "message.cancelled") && this.open.has(this._key(stepId))) {
      this._close(this._key(stepId), t, "cancelled", event);
    }
    if (kind === "event.published") {
      // Publishing hands the event to the bus, which sends one delivery per subscriber.
      this._lane(this.special.bus);
      this.arrows.push({
        id: null,
        type: payload.type,
        kind: "publish",
        from: event.service,
        to: this.special.bus,
        sentAt: t,
        receivedAt: t,
        by: this.special.bus,
        attempt: 1,
        stepId,
        body: payload,
        sent: event,
        received: null,
      });
    }
    this.markers.push({ t, lane: event.service, kind, stepId, event });
  }

  /** Step status as the engine writes it for records that are not bars (a run that stopped first, a
   * branch not taken, an end reached). */
  _stepOutcome(kind, stepId, payload) {
    if (!stepId) return;
    if (kind === "message.cancelled" || (kind === "message.dropped" && this.stepStatus[stepId] !== "succeeded")) {
      this._status(stepId, "cancelled");
    } else if (kind === "step.skipped") {
      this._status(stepId, "skipped");
    } else if (kind === "end.reached") {
      this._status(stepId, "succeeded");
      this.stepVisits[stepId] = payload.visit || 1;
      const results = this.result ? this.result.split(" · ") : [];
      if (payload.result && !results.includes(payload.result)) this.result = [...results, payload.result].join(" · ");
    }
  }

  _status(stepId, status) {
    this.stepStatus[stepId] = status;
    this.stepVersion += 1;
  }

  /** The key of a step's bar: one per visit (a loop runs the step again); its compensation apart. */
  _key(stepId, compensation = false) {
    return compensation ? `${stepId}~c` : `${stepId}@${this.visit.get(stepId) || 1}`;
  }

  /** A step.* record; false when it ends up as a marker (nothing to draw as a bar). */
  _step(event, kind, payload, stepId, t) {
    const lane = this.stepService.get(stepId) || event.service;
    this._lane(lane);
    this.stepVersion += 1;
    const compensation = kind === "step.compensating" || kind === "step.compensated" || payload.compensation === true;
    // As the engine: a timeout or a compensation's retry leaves the step's status as it was.
    if (kind !== "step.timed_out" && !(compensation && kind === "step.retried"))
      this.stepStatus[stepId] = STEP_STATUS[kind];
    if (payload.visit && !compensation) this.visit.set(stepId, payload.visit);
    const visit = this.visit.get(stepId) || 1;
    if (kind === "step.succeeded") {
      this.stepOutcome[stepId] = payload.event || "";
      this.stepVisits[stepId] = visit;
    }
    const key = this._key(stepId, compensation);
    const base = { lane, stepId, visit, kind: compensation ? "compensation" : "step" };
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
    if (kind === "step.retried" || kind === "step.waiting" || kind === "step.timed_out") {
      const ended = { "step.retried": "retried", "step.waiting": "waiting", "step.timed_out": "timed_out" }[kind];
      const bar = this._close(key, t, ended, event);
      if (bar) bar.error = payload.error || payload.reason;
      if (kind !== "step.timed_out") {
        const attempt = (payload.attempt || (bar ? bar.attempt : 1)) + 1;
        this._open(key, { ...base, queuedAt: t, attempt }).events.push(event);
      }
      return true;
    }
    const status = FINAL_STEP[kind];
    const ended = { result: payload.result, error: payload.error, ms: payload.ms, outcome: payload.event };
    if (this.open.has(key)) {
      Object.assign(this._close(key, t, status, event), ended);
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
      Object.assign(this._close(key, t, status, event), ended);
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

  _queued(message) {
    if (!message.to) return;
    this.waiting.add(message);
    if (!this.messagesTo.has(message.to)) this.messagesTo.set(message.to, []);
    this.messagesTo.get(message.to).push(message);
  }

  /** A message left its queue: taken by its service, or ended before that (cancelled). */
  _taken(message, t) {
    if (this.waiting.delete(message) && t - message.dueAt >= BACKLOG_FLOOR_MS) this.slow.push(message);
  }

  /** The median queue wait of the delivered messages to services other than `lane` (0 when none). */
  medianWaitExcept(lane) {
    const waits = [];
    for (const [to, messages] of this.messagesTo) {
      if (to === lane) continue;
      for (const m of messages) if (m.received) waits.push(Math.max(0, m.receivedAt - m.dueAt));
    }
    if (!waits.length) return 0;
    waits.sort((a, b) => a - b);
    const mid = waits.length >> 1;
    return waits.length % 2 ? waits[mid] : (waits[mid - 1] + waits[mid]) / 2;
  }

  /**
   * Where a service fell behind (see BACKLOG_FLOOR_MS): one episode per service and stretch of time,
   * overlapping long waits merged, `nowRel` ending the waits still going on. Each says how long the
   * longest wait was and how many of this run's messages waited in that queue at once.
   */
  backlogs(nowRel = this.tMax) {
    const open = [];
    for (const m of this.waiting) if (m.to && nowRel - m.dueAt > BACKLOG_FLOOR_MS) open.push(m);
    const key = `${this.count}|${open.length ? nowRel : ""}`;
    if (this._backlogs && this._backlogs.key === key) return this._backlogs.list;
    const limits = new Map(); // lane → {thresholdMs, medianMs}
    const limit = (lane) => {
      if (!limits.has(lane)) {
        const medianMs = this.medianWaitExcept(lane);
        limits.set(lane, { medianMs, thresholdMs: Math.max(BACKLOG_FLOOR_MS, BACKLOG_FACTOR * medianMs) });
      }
      return limits.get(lane).thresholdMs;
    };
    const long = [];
    for (const m of this.slow) {
      const end = m.receivedAt ?? m.endedAt;
      if (end - m.dueAt > limit(m.to)) long.push({ m, from: m.dueAt, to: end, open: false });
    }
    for (const m of open) if (nowRel - m.dueAt > limit(m.to)) long.push({ m, from: m.dueAt, to: nowRel, open: true });
    long.sort((a, b) => a.m.to.localeCompare(b.m.to) || a.from - b.from);
    const list = [];
    for (const { m, from, to, open: still } of long) {
      const last = list.at(-1);
      if (last && last.lane === m.to && from <= last.to) {
        last.to = Math.max(last.to, to);
        last.open = last.open || still;
        last.waitedMs = Math.max(last.waitedMs, to - from);
        last.messages.push(m);
      } else {
        list.push({ kind: "backlog", lane: m.to, from, to, open: still, waitedMs: to - from, messages: [m] });
      }
    }
    for (const episode of list) {
      Object.assign(episode, {
        t: episode.to,
        waiting: this._mostWaiting(episode, nowRel),
        ...limits.get(episode.lane),
      });
    }
    list.sort((a, b) => a.from - b.from);
    this._backlogs = { key, list };
    return list;
  }

  /** The most of this run's messages waiting at once in the episode's queue during the episode. */
  _mostWaiting({ lane, from, to }, nowRel) {
    const changes = [];
    for (const m of this.messagesTo.get(lane) || []) {
      const end = m.receivedAt ?? m.endedAt ?? nowRel;
      const start = Math.max(m.dueAt, from);
      const stop = Math.min(end, to);
      if (start < stop) changes.push([start, 1], [stop, -1]);
    }
    changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // one leaving as another arrives: not at once
    let now = 0;
    let most = 0;
    for (const [, change] of changes) {
      now += change;
      most = Math.max(most, now);
    }
    return most;
  }

  /**
   * Per step (its compensation aside) that has ended: from its first queuing to the end of its last
   * attempt (`ms`, retries and their backoff included), of which `wait` in queues and `ran` executing.
   */
  stepTimings() {
    if (this._timings && this._timings.version === this.stepVersion) return this._timings.byStep;
    const byStep = {};
    for (const bar of this.bars) {
      if (bar.kind !== "step") continue;
      const timing =
        byStep[bar.stepId] || (byStep[bar.stepId] = { from: bar.queuedAt, to: null, wait: 0, ran: 0, attempts: 0 });
      timing.attempts += 1;
      timing.to = bar.endAt;
      const started = bar.startedAt ?? bar.endAt;
      if (started !== null) timing.wait += started - bar.queuedAt;
      if (bar.startedAt !== null && bar.endAt !== null) timing.ran += bar.endAt - bar.startedAt;
    }
    for (const [stepId, timing] of Object.entries(byStep)) {
      if (timing.to === null) delete byStep[stepId];
      else timing.ms = timing.to - timing.from;
    }
    this._timings = { version: this.stepVersion, byStep };
    return byStep;
  }
}

/** The model of these records (in sequence order) for this run ({graph, pattern}). */
export function buildModel(events, run = {}) {
  const model = new TimelineModel(run);
  for (const event of events) model.apply(event);
  if (model.t0 === null) model.t0 = Date.now();
  return model;
}

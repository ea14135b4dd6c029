// Replay: a recorded run played back from its event records, nothing executed again.
//
// The model at position k is the TimelineModel fold of records 1..k, the same fold the live view
// runs, so playing to the end gives the live view's model. Forward moves apply the next records to
// the model; a move back folds again from the first record. While playing, time between records
// follows their timestamps divided by the speed; "max" shows every run in about two seconds.

import { TimelineModel } from "./timeline_model.js";

export const SPEEDS = [1, 2, 5, 10, 50, Infinity];
const MAX_SPEED_FRAMES = 120; // frames a replay at "max" speed takes, whatever the run's length
const LONGEST_FRAME_MS = 250; // a frame late by more (a background tab) does not jump ahead further

export class Replay {
  /**
   * @param {Array} records the run's records, in sequence order, with none missing
   * @param {{graph?: object, pattern?: string}} run the run's summary (the model needs its graph)
   * @param {{onFrame?: Function}} options onFrame(replay) after every change of position or clock
   */
  constructor(records, run, { onFrame = () => {} } = {}) {
    this.run = run;
    this.onFrame = onFrame;
    this.records = [];
    this.speed = 1;
    this.playing = false;
    this.position = 0;
    this.clock = 0; // ms from the first record: where the replay stands in the run's own time
    this.model = null;
    this.setRecords(records);
    this.seek(0);
  }

  get count() {
    return this.records.length;
  }

  get atEnd() {
    return this.position >= this.records.length;
  }

  /** The run's time span (ms from its first record to its last). */
  get span() {
    return this.records.length ? this.timeOf(this.records.length) : 0;
  }

  /** ms from the first record to record number k (1-based); 0 for k = 0. */
  timeOf(k) {
    if (!k || !this.records.length) return 0;
    return Date.parse(this.records[k - 1].at) - this.t0;
  }

  /** More records (a run still running): the replay goes on into them. */
  setRecords(records) {
    this.records = records;
    this.t0 = records.length ? Date.parse(records[0].at) : Date.now();
  }

  /** Show the run as it was after its first k records. */
  seek(k) {
    const target = Math.max(0, Math.min(this.records.length, Math.round(k)));
    if (!this.model || target < this.position) {
      this.model = new TimelineModel(this.run);
      this.model.t0 = this.t0; // the first record's time, even before it is applied
      this.position = 0;
    }
    this._forward(target);
    this.clock = this.timeOf(this.position);
    this._frame();
  }

  /** Apply the records after the position up to record `target`. */
  _forward(target) {
    const end = Math.min(target, this.records.length);
    while (this.position < end) {
      this.model.apply(this.records[this.position]);
      this.position += 1;
    }
  }

  /** One record forward (+1) or back (-1); pauses. */
  step(delta) {
    this.pause();
    this.seek(this.position + delta);
  }

  play() {
    if (this.playing) return;
    if (this.atEnd) this.seek(0);
    this.playing = true;
    this._last = performance.now();
    this._raf = requestAnimationFrame((now) => this._tick(now));
    this._frame();
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    cancelAnimationFrame(this._raf);
    this.clock = this.timeOf(this.position); // the position stays; the clock goes back to its record
    this._frame();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed) {
    this.speed = speed;
    this._frame();
  }

  stop() {
    this.playing = false;
    cancelAnimationFrame(this._raf);
  }

  _tick(now) {
    if (!this.playing) return;
    const elapsed = Math.min(LONGEST_FRAME_MS, now - this._last);
    this._last = now;
    if (this.speed === Infinity) {
      this._forward(this.position + Math.max(1, Math.ceil(this.records.length / MAX_SPEED_FRAMES)));
      this.clock = this.timeOf(this.position);
    } else {
      // The clock runs on between records; each record is applied once the clock reaches its time.
      this.clock += elapsed * this.speed;
      let target = this.position;
      while (target < this.records.length && this.timeOf(target + 1) <= this.clock) target += 1;
      this._forward(target);
    }
    if (this.atEnd) {
      this.playing = false;
      this.clock = this.timeOf(this.position);
    } else {
      this._raf = requestAnimationFrame((time) => this._tick(time));
    }
    this._frame();
  }

  _frame() {
    this.onFrame(this);
  }
}

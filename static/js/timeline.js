// The timeline, drawn on a canvas with d3's scales and zoom: a lane per service, a bar per step
// attempt (queue wait, then execution), an arrow per message, a marker per other record.
//
// A canvas keeps 5,000 records well inside one frame; hit-testing uses the geometry of the last
// draw. Horizontal zoom and pan with the wheel and drag; "fit" goes back to the whole run.

import { el, clear, formatMs } from "./dom.js";
import { BACKLOG_FACTOR, laneLabel, specialLanes } from "./timeline_model.js";
import { serviceColour, vocabulary } from "./vocabulary.js";
import { STATUS_COLORS } from "./status_colours.js";
import { freeSpot } from "./marker_spots.js";

const d3 = window.d3;

export { STATUS_COLORS };
const WAIT_COLORS = {
  queued: "#d9dee6",
  started: "#bcd2f5",
  succeeded: "#bfe3cf",
  failed: "#f3c6c6",
  retried: "#f6dcb8",
  waiting: "#efe2b0",
  timed_out: "#f6dcb8",
  cancelled: "#dcdee2",
  compensating: "#dccdf2",
  compensated: "#dccdf2",
};
export const MESSAGE_COLORS = {
  command: "#2f6fd6",
  reply: "#23915a",
  event: "#c0760f",
  publish: "#8c5209",
  compensate: "#8a55d0",
};
const MARKER_COLORS = {
  "run.started": "#1f2430",
  "coordinator.decided": "#4b3fb5",
  "event.published": "#c0760f",
  "join.waiting": "#7d838c",
  "join.ignored": "#7d838c",
  "message.amended": "#138a8a",
  "step.skipped": "#8c939d",
  "end.reached": "#23915a",
};
// Shapes besides the colour (never colour alone): an end reached is a ringed disc, a step skipped a
// hollow diamond, a join that ignored an event a hollow square; everything else a solid diamond.
const MARKER_SHAPES = { "end.reached": "end", "step.skipped": "hollow", "join.ignored": "square" };

function markerColor(kind) {
  if (MARKER_COLORS[kind]) return MARKER_COLORS[kind];
  if (kind.startsWith("run.")) return STATUS_COLORS[kind.slice(4)] || "#1f2430";
  if (kind.startsWith("message.")) return "#d23f3f";
  if (kind.startsWith("operator.")) return "#b5179e"; // a person acted on the run (cancel, re-run, dead letter)
  return "#59606b";
}

/** A lane's colour: its service's; the bus and the engine's observer (no services) in greys. */
function laneColour(id) {
  const { bus, engine } = specialLanes();
  if (id === "operator") return "#b5179e";
  return id === bus ? "#59606b" : id === engine ? "#a0a6b0" : serviceColour(id);
}

/** A bar's text: the step, which visit (a loop) and which attempt (a retry). */
function barText(bar) {
  if (bar.kind === "compensation") return `↺ ${bar.stepId}`;
  const visit = bar.visit > 1 ? ` ⟳${bar.visit}` : "";
  return `${bar.stepId}${visit}${bar.attempt > 1 ? ` #${bar.attempt}` : ""}`;
}

/** `text` cut with an ellipsis to fit `room` pixels in the context's font. */
function fitted(ctx, text, room) {
  if (ctx.measureText(text).width <= room) return text;
  let end = text.length;
  while (end > 1 && ctx.measureText(`${text.slice(0, end)}…`).width > room) end -= 1;
  return `${text.slice(0, end)}…`;
}

function axisLabel(ms) {
  if (ms === 0) return "0";
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  return `${+(ms / 1000).toFixed(3)} s`;
}

export class Timeline {
  /**
   * @param {HTMLElement} container
   * @param {{compact?: boolean, onSelect?: Function}} options onSelect(hit) on click ({type, item} or null)
   */
  constructor(container, { compact = false, onSelect = () => {} } = {}) {
    this.container = container;
    this.onSelect = onSelect;
    this.compact = compact;
    this.gutter = compact ? 92 : 116;
    this.axisH = 24;
    this.rowH = compact ? 14 : 22;
    this.lanePad = compact ? 5 : 9;
    this.model = null;
    this.nowRel = 0;
    this.running = false;
    this.transform = d3.zoomIdentity;
    this.frozen = null;
    this.hits = [];
    this.selected = null;
    this.drawTimes = [];
    container.classList.add("timeline");
    this.canvas = el("canvas", { class: "timeline-canvas", role: "img", "aria-label": "Run timeline" });
    this.tooltip = el("div", { class: "timeline-tooltip", hidden: true });
    container.append(this.canvas, this.tooltip);
    this.ctx = this.canvas.getContext("2d");
    this.zoom = d3
      .zoom()
      .scaleExtent([0.5, 50000])
      .filter((event) => (!event.ctrlKey || event.type === "wheel") && !event.button && event.type !== "dblclick")
      .on("zoom", (event) => {
        // A user's wheel or drag freezes the span; "fit" (even inside a wheel gesture) does not.
        if (event.sourceEvent && !this.frozen && !this._fitting) this.frozen = this.domain();
        this.transform = event.transform;
        this.requestDraw();
      });
    d3.select(this.canvas).call(this.zoom).on("dblclick.zoom", null);
    this.canvas.addEventListener("mousemove", (event) => this._hover(event));
    this.canvas.addEventListener("mouseleave", () => this._hideTooltip());
    this.canvas.addEventListener("click", (event) => this.select(this.hitAt(...this._point(event))));
    this._resize = new ResizeObserver(() => this.requestDraw());
    this._resize.observe(container);
  }

  /** Draw no more (its page replaces it): no frame pending, no redraw on resize. */
  stop() {
    this._resize.disconnect();
    cancelAnimationFrame(this._raf);
    this._raf = 0;
    this.model = null;
  }

  /**
   * New records, or time passing while the run runs: draw on the next frame. `span` (ms) fixes the
   * time axis to the whole run, so that a replay draws into the frame the finished run will fill.
   */
  setModel(model, { nowRel = model.tMax, running = false, span = null } = {}) {
    this.model = model;
    this.nowRel = nowRel;
    this.running = running;
    this.span = span;
    this.requestDraw();
  }

  /** Select a hit (or nothing): it is outlined, and the page shows its details. */
  select(hit) {
    this.selected = hit ? itemKey(hit.item) : null;
    this.onSelect(hit);
    this.requestDraw();
  }

  /** Set the model and draw it now (the first render, and updates already inside a frame). */
  render(model, options) {
    this.setModel(model, options);
    cancelAnimationFrame(this._raf);
    this._raf = 0;
    this.draw();
  }

  get zoomed() {
    return this.frozen !== null;
  }

  /** Back to the whole run, following new records again. */
  fit() {
    this.frozen = null;
    this._fitting = true;
    try {
      d3.select(this.canvas).call(this.zoom.transform, d3.zoomIdentity);
    } finally {
      this._fitting = false;
    }
    this.requestDraw();
  }

  /**
   * Show exactly [t0, t1] (ms from the run's first record) and keep that span while records come, as
   * a user's zoom would; fit() goes back. The compare page puts two timelines on one axis with it.
   */
  showDomain([t0, t1]) {
    if (!(t1 > t0)) return;
    this.frozen = [t0, t1];
    this._fitting = true; // not a user's zoom
    try {
      d3.select(this.canvas).call(this.zoom.transform, d3.zoomIdentity);
    } finally {
      this._fitting = false;
    }
    this.requestDraw();
  }

  /** The time span on screen now, after zoom and pan ([t0, t1] in ms), or null before the first model. */
  visibleDomain() {
    if (!this.model && !this.frozen) return null;
    const width = Math.max(320, this.container.clientWidth);
    const base = d3
      .scaleLinear()
      .domain(this.domain())
      .range([this.gutter + 6, width - 10]);
    return this.transform.rescaleX(base).domain();
  }

  /**
   * The time span shown before any zoom. While the run grows, the span grows in steps (with room to
   * spare) instead of every frame, so that what is already drawn stays put and is not redrawn.
   */
  domain() {
    if (this.frozen) return this.frozen;
    if (this.span) return [-this.span * 1.03 * 0.015, this.span * 1.03]; // as the finished run's own fit
    const end = Math.max(this.model ? this.model.tMax : 0, this.running ? this.nowRel : 0, 50);
    const auto = this._auto;
    const fits =
      auto && auto.running === this.running && auto.model === this.model.id && end <= auto.end && end > auto.end * 0.6;
    if (!fits) {
      const room = this.running ? 1.25 : auto && auto.model === this.model.id && end > auto.end ? 1.15 : 1.03;
      this._auto = { end: end * room, running: this.running, model: this.model.id };
    }
    return [-this._auto.end * 0.015, this._auto.end];
  }

  requestDraw() {
    if (this._raf) return;
    this._raf = requestAnimationFrame(() => {
      this._raf = 0;
      this.draw();
    });
  }

  /**
   * Draw everything. Finished bars, delivered messages and markers are drawn once into a cached
   * layer, kept while the scale, size and lanes stay the same; each frame copies that layer and
   * draws only what is still moving (running bars, messages on their way, the clock).
   */
  draw() {
    if (!this.model) return;
    const started = performance.now();
    const { model, ctx } = this;
    const width = Math.max(320, this.container.clientWidth);
    const laneTops = new Map();
    let y = this.axisH;
    for (const lane of model.lanes) {
      const height = this.lanePad * 2 + lane.rows * this.rowH;
      laneTops.set(lane.id, { top: y, height, rows: lane.rows });
      y += height;
    }
    const height = y + 2;
    this._size(width, height);
    const domain = this.domain();
    const base = d3
      .scaleLinear()
      .domain(domain)
      .range([this.gutter + 6, width - 10]);
    const x = this.transform.rescaleX(base);
    this.x = x;
    const rowY = (laneId, row) => {
      const lane = laneTops.get(laneId);
      if (!lane) return null;
      if (row === undefined || row === null) return lane.top + lane.height / 2;
      return lane.top + this.lanePad + row * this.rowH + this.rowH / 2;
    };
    const dpr = this._dpr;
    const lanesKey = model.lanes.map((lane) => `${lane.id}:${lane.rows}:${lane.active ? 1 : 0}`).join(",");
    const key = [model.id, width, height, dpr, domain[0], domain[1], this.transform.k, this.transform.x, lanesKey].join(
      "|",
    );
    let cache = this._cache;
    if (!cache || cache.key !== key) {
      const canvas = cache ? cache.canvas : document.createElement("canvas");
      canvas.width = this.canvas.width;
      canvas.height = this.canvas.height;
      cache = this._cache = {
        key,
        canvas,
        ctx: canvas.getContext("2d"),
        bars: 0,
        arrows: 0,
        markers: 0,
        hits: [],
        markerSpots: new Map(), // lane → x of each marker drawn on it
      };
      cache.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      this._drawLanes(cache.ctx, model, laneTops, width, height, x);
    }
    const end = this.running ? this.nowRel : model.tMax;
    const clip = (c) => {
      c.save();
      c.beginPath();
      c.rect(this.gutter, this.axisH, width - this.gutter, height - this.axisH);
      c.clip();
    };
    // Extend the cached layer with the items that have settled since.
    const settled = (items, from, done) => {
      let index = from;
      while (index < items.length && done(items[index])) index += 1;
      return index;
    };
    const bars = settled(model.bars, cache.bars, (bar) => bar.endAt !== null);
    const arrows = settled(
      model.arrows,
      cache.arrows,
      (arrow) => arrow.receivedAt !== null || arrow.endedAt !== undefined,
    );
    const markers = model.markers.length;
    if (bars > cache.bars || arrows > cache.arrows || markers > cache.markers) {
      clip(cache.ctx);
      this._drawBars(cache.ctx, model.bars.slice(cache.bars, bars), x, rowY, end, width, cache.hits);
      this._drawArrows(cache.ctx, model.arrows.slice(cache.arrows, arrows), x, rowY, end, width, cache.hits);
      this._drawMarkers(cache.ctx, model.markers.slice(cache.markers, markers), x, rowY, width, cache);
      cache.ctx.restore();
      Object.assign(cache, { bars, arrows, markers });
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(cache.canvas, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const moving = [];
    clip(ctx);
    this._drawBars(ctx, model.bars.slice(bars), x, rowY, end, width, moving);
    this._drawArrows(ctx, model.arrows.slice(arrows), x, rowY, end, width, moving);
    // Backlogs change as waits go on and the run's median moves: few, so drawn every frame.
    this._drawBacklogs(ctx, model.backlogs ? model.backlogs(end) : [], x, laneTops, width, moving);
    if (this.running) {
      const nx = x(this.nowRel);
      ctx.strokeStyle = "#2f6fd6";
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(nx, this.axisH);
      ctx.lineTo(nx, height);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    this.hits = moving.length ? cache.hits.concat(moving) : cache.hits;
    this._drawSelection(ctx);
    ctx.restore();
    const ms = performance.now() - started;
    this.lastDrawMs = ms;
    this.drawTimes.push(ms);
    if (this.drawTimes.length > 500) this.drawTimes.shift();
    this.container.dataset.drawn = String(model.count);
  }

  _drawSelection(ctx) {
    if (!this.selected) return;
    const hit = this.hits.find((h) => itemKey(h.item) === this.selected);
    if (!hit) return;
    ctx.strokeStyle = "#111";
    ctx.lineWidth = 2;
    if (hit.type === "bar" || hit.type === "backlog")
      ctx.strokeRect(hit.x0 - 1, hit.y0 - 1, hit.x1 - hit.x0 + 2, hit.y1 - hit.y0 + 2);
    else if (hit.type === "marker") ctx.strokeRect(hit.x - 7, hit.y - 7, 14, 14);
    else {
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.moveTo(hit.x0, hit.y0);
      ctx.lineTo(hit.x1, hit.y1);
      ctx.stroke();
    }
    ctx.lineWidth = 1;
  }

  _size(width, height) {
    const dpr = window.devicePixelRatio || 1;
    if (this._w !== width || this._h !== height || this._dpr !== dpr) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
      this.canvas.style.width = `${width}px`;
      this.canvas.style.height = `${height}px`;
      Object.assign(this, { _w: width, _h: height, _dpr: dpr });
    }
  }

  _drawLanes(ctx, model, laneTops, width, height, x) {
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    model.lanes.forEach((lane, index) => {
      const { top, height } = laneTops.get(lane.id);
      ctx.fillStyle = index % 2 ? "#ffffff" : "#f5f7fa";
      ctx.fillRect(0, top, width, height);
      // The service's colour as a stripe along the lane's name (the bus and the engine get one too).
      ctx.globalAlpha = lane.active ? 1 : 0.4;
      ctx.fillStyle = laneColour(lane.id);
      ctx.fillRect(0, top + 2, 4, height - 4);
      ctx.globalAlpha = 1;
      ctx.fillStyle = lane.active ? "#1f2430" : "#a0a6b0";
      ctx.font = `${lane.active ? "600 " : ""}${this.compact ? 11 : 12}px system-ui, sans-serif`;
      ctx.fillText(fitted(ctx, lane.label, this.gutter - 14), 10, top + height / 2);
    });
    ctx.strokeStyle = "#d5dae1";
    ctx.beginPath();
    ctx.moveTo(this.gutter, this.axisH);
    ctx.lineTo(this.gutter, height);
    ctx.stroke();
    // Time axis (relative to the run's first record) and its grid.
    const ticks = x.ticks(Math.max(2, Math.floor((width - this.gutter) / 90)));
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#59606b";
    ctx.textAlign = "center";
    ctx.strokeStyle = "#e6e9ee";
    ctx.beginPath();
    for (const tick of ticks) {
      const tx = Math.round(x(tick)) + 0.5;
      if (tx < this.gutter || tx > width) continue;
      ctx.moveTo(tx, this.axisH - 4);
      ctx.lineTo(tx, height);
      const label = axisLabel(tick);
      // A label cut by the right edge reads as a wrong figure ("400 m"): leave it out, keep the line.
      if (tx + ctx.measureText(label).width / 2 <= width - 2) ctx.fillText(label, tx, this.axisH / 2 - 1);
    }
    ctx.stroke();
    ctx.textAlign = "left";
  }

  _drawBars(ctx, bars, x, rowY, end, width, hits) {
    const h = this.rowH - 5;
    const labels = [];
    for (const bar of bars) {
      const x0 = x(bar.queuedAt);
      const xs = bar.startedAt === null ? null : x(bar.startedAt);
      const x1 = x(bar.endAt === null ? Math.max(end, bar.startedAt ?? bar.queuedAt) : bar.endAt);
      if (x1 < this.gutter - 2 || x0 > width) continue;
      const yc = rowY(bar.lane, bar.row);
      const top = yc - h / 2;
      const waitEnd = xs === null ? x1 : xs;
      ctx.fillStyle = WAIT_COLORS[bar.status] || "#e1e4ea";
      ctx.fillRect(x0, top, Math.max(1, waitEnd - x0), h);
      if (xs !== null) {
        ctx.fillStyle = STATUS_COLORS[bar.status] || "#59606b";
        ctx.fillRect(xs, top, Math.max(2, x1 - xs), h);
      }
      if (bar.kind === "compensation" || bar.endAt === null) {
        ctx.strokeStyle = STATUS_COLORS[bar.status] || "#59606b";
        ctx.setLineDash(bar.endAt === null ? [2, 2] : []);
        ctx.strokeRect(x0 + 0.5, top + 0.5, Math.max(1, x1 - x0) - 1, h - 1);
        ctx.setLineDash([]);
      }
      if (x1 - x0 > 46) labels.push([bar, Math.max(x0, this.gutter) + 4, yc, x1 - Math.max(x0, this.gutter) - 8]);
      hits.push({ type: "bar", item: bar, x0: Math.min(x0, x1 - 3), x1: Math.max(x1, x0 + 3), y0: top, y1: top + h });
    }
    // Dark text on a light halo reads on the pale wait segment and on the solid run segment alike.
    ctx.font = `${this.compact ? 10 : 11}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    ctx.lineWidth = 3;
    ctx.lineJoin = "round";
    ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fillStyle = "#1f2430";
    for (const [bar, lx, ly, room] of labels) {
      const text = barText(bar);
      const chars = Math.floor(room / 6);
      if (chars < 3) continue;
      const label = text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
      ctx.strokeText(label, lx, ly + 0.5);
      ctx.fillText(label, lx, ly + 0.5);
    }
    ctx.lineWidth = 1;
  }

  _drawArrows(ctx, arrows, x, rowY, end, width, hits) {
    const rowOf = this.model.rowOf;
    const heads = [];
    const byStyle = new Map();
    for (const arrow of arrows) {
      const x0 = x(arrow.sentAt);
      const pending = arrow.receivedAt === null;
      // Not delivered: to the record that ended it, to the clock while running, else a short stub.
      let x1;
      if (!pending) x1 = x(arrow.receivedAt);
      else if (arrow.endedAt !== undefined) x1 = x(arrow.endedAt);
      else x1 = this.running ? x(Math.max(end, arrow.sentAt)) : x0 + 18;
      if ((x0 < this.gutter && x1 < this.gutter) || x0 > width) continue;
      const y0 = rowY(arrow.from, rowOf.get(`${arrow.from}|${arrow.stepId}`));
      const y1 = rowY(arrow.by || arrow.to, rowOf.get(`${arrow.by || arrow.to}|${arrow.stepId}`));
      if (y0 === null || y1 === null) continue;
      const style = `${MESSAGE_COLORS[arrow.kind] || "#59606b"}|${pending ? 1 : 0}`;
      if (!byStyle.has(style)) byStyle.set(style, []);
      byStyle.get(style).push([x0, y0, x1, y1]);
      heads.push([x0, y0, x1, y1, style]);
      hits.push({ type: "arrow", item: arrow, x0, y0, x1, y1 });
    }
    ctx.lineWidth = 1.2;
    // Many arrows at once would hide the bars: the more there are, the fainter each one.
    const many = this.model.arrows.length;
    ctx.globalAlpha = many > 1500 ? 0.35 : many > 400 ? 0.55 : 0.85;
    for (const [style, lines] of byStyle) {
      const [color, pending] = style.split("|");
      ctx.strokeStyle = color;
      ctx.setLineDash(pending === "1" ? [4, 3] : []);
      ctx.beginPath();
      for (const [x0, y0, x1, y1] of lines) {
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    // Arrowheads, one path per colour.
    for (const style of byStyle.keys()) {
      ctx.fillStyle = style.split("|")[0];
      ctx.beginPath();
      for (const [x0, y0, x1, y1, headStyle] of heads) {
        if (headStyle !== style) continue;
        const angle = Math.atan2(y1 - y0, x1 - x0);
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 - 6 * Math.cos(angle - 0.45), y1 - 6 * Math.sin(angle - 0.45));
        ctx.lineTo(x1 - 6 * Math.cos(angle + 0.45), y1 - 6 * Math.sin(angle + 0.45));
        ctx.closePath();
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
  }

  /** A backlog: the lane washed red while the service was behind, a band on top, a warning sign at its end. */
  _drawBacklogs(ctx, backlogs, x, laneTops, width, hits) {
    const summary = backlogs.map((b) => `${b.lane}:${Math.round(b.waitedMs)}:${b.waiting}`).join(" ");
    if (this.container.dataset.backlogs !== summary) this.container.dataset.backlogs = summary; // what tests read
    for (const backlog of backlogs) {
      const lane = laneTops.get(backlog.lane);
      if (!lane) continue;
      const x0 = Math.max(this.gutter, x(backlog.from));
      const x1 = Math.min(width, x(backlog.to));
      if (x1 < this.gutter || x0 > width) continue;
      ctx.fillStyle = "rgba(210, 63, 63, 0.08)";
      ctx.fillRect(x0, lane.top, Math.max(1, x1 - x0), lane.height);
      ctx.fillStyle = "#c22f2f";
      ctx.fillRect(x0, lane.top + 1, Math.max(2, x1 - x0), 3);
      // The warning sign where the wait ended (or where it stands now).
      ctx.beginPath();
      ctx.moveTo(x1, lane.top + 1);
      ctx.lineTo(x1 + 6, lane.top + 12);
      ctx.lineTo(x1 - 6, lane.top + 12);
      ctx.closePath();
      ctx.fill();
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(x1 - 0.75, lane.top + 4.5, 1.5, 4);
      ctx.fillRect(x1 - 0.75, lane.top + 9.5, 1.5, 1.5);
      let labelEnd = x1;
      if (!this.compact) {
        const label = backlogLabel(backlog);
        ctx.font = "600 10px system-ui, sans-serif";
        ctx.textBaseline = "middle";
        const textWidth = ctx.measureText(label).width;
        // Inside the band, left of the sign, when it fits; else right of the sign.
        const lx = x1 - x0 > textWidth + 14 ? x1 - 9 - textWidth : x1 + 9;
        if (lx + textWidth <= width) {
          ctx.lineWidth = 3;
          ctx.lineJoin = "round";
          ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
          ctx.strokeText(label, lx, lane.top + 8);
          ctx.fillStyle = "#a32020";
          ctx.fillText(label, lx, lane.top + 8);
          ctx.lineWidth = 1;
          labelEnd = Math.max(x1 + 7, lx + textWidth);
        }
      }
      hits.push({
        type: "backlog",
        item: backlog,
        x0: x0 - 2,
        x1: Math.max(x1 + 7, labelEnd),
        y0: lane.top,
        y1: lane.top + 13,
        signX: x1,
      });
    }
  }

  _drawMarkers(ctx, markers, x, rowY, width, { hits, markerSpots }) {
    const r = this.compact ? 3.5 : 4.5;
    const groups = new Map(); // "shape|colour" → [x, y, x, y…]
    for (const marker of markers) {
      // Records of one moment on one lane stand side by side, so that each can be seen and clicked.
      if (!markerSpots.has(marker.lane)) markerSpots.set(marker.lane, []);
      const mx = freeSpot(markerSpots.get(marker.lane), x(marker.t), r * 2);
      if (mx < this.gutter - r || mx > width + r) continue;
      const my = rowY(marker.lane, 0);
      if (my === null) continue;
      const group = `${MARKER_SHAPES[marker.kind] || "diamond"}|${markerColor(marker.kind)}`;
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(mx, my);
      hits.push({ type: "marker", item: marker, x: mx, y: my });
    }
    // One path per shape and colour, outlined in white so that neighbours stay apart.
    ctx.lineWidth = 1;
    for (const [group, points] of groups) {
      const [shape, color] = group.split("|");
      const size = shape === "end" ? r + 1.5 : r;
      ctx.beginPath();
      for (let i = 0; i < points.length; i += 2) markerPath(ctx, shape, points[i], points[i + 1], size);
      if (shape === "hollow" || shape === "square") {
        // Something that did not happen (a branch not taken, an event a join ignored): an outline.
        ctx.fillStyle = "#ffffff";
        ctx.fill();
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.5;
        ctx.stroke();
        ctx.lineWidth = 1;
        continue;
      }
      ctx.strokeStyle = "#ffffff";
      ctx.stroke(); // outline first: a neighbour's fill covers it where markers overlap
      ctx.fillStyle = color;
      ctx.fill();
      if (shape === "end") {
        // A ringed disc: the run reached one of its design's ends here.
        ctx.beginPath();
        for (let i = 0; i < points.length; i += 2) markerPath(ctx, "end", points[i], points[i + 1], size * 0.42);
        ctx.fillStyle = "#ffffff";
        ctx.fill();
      }
    }
  }

  /** What is drawn at (px, py) in CSS pixels: the nearest marker, else a bar, else the nearest arrow. */
  hitAt(px, py) {
    let marker = null;
    let markerDistance = 7;
    let bar = null;
    let backlog = null;
    let arrow = null;
    let arrowDistance = 4.5;
    for (const hit of this.hits) {
      if (hit.type === "marker") {
        // Markers at one spot (records of one moment): the later record wins.
        const d = Math.hypot(hit.x - px, hit.y - py);
        if (d <= markerDistance) [marker, markerDistance] = [hit, d];
      } else if (hit.type === "bar" || hit.type === "backlog") {
        if (px >= hit.x0 && px <= hit.x1 && py >= hit.y0 - 1 && py <= hit.y1 + 1) {
          if (hit.type === "bar") bar = hit;
          else backlog = hit;
        }
      } else {
        const d = segmentDistance(px, py, hit.x0, hit.y0, hit.x1, hit.y1);
        if (d < arrowDistance) [arrow, arrowDistance] = [hit, d];
      }
    }
    return marker || backlog || bar || arrow;
  }

  /** Where a record's item is drawn (tests and the page use it to point at things). */
  positionOf(predicate) {
    const hit = this.hits.find((h) => predicate(h));
    if (!hit) return null;
    if (hit.type === "marker") return { x: hit.x, y: hit.y };
    if (hit.type === "backlog") return { x: hit.signX, y: hit.y0 + 8 };
    if (hit.type === "bar") return { x: (hit.x0 + hit.x1) / 2, y: (hit.y0 + hit.y1) / 2 };
    return { x: (hit.x0 + hit.x1) / 2, y: (hit.y0 + hit.y1) / 2 };
  }

  _point(event) {
    const rect = this.canvas.getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  _hover(event) {
    const [px, py] = this._point(event);
    const hit = this.hitAt(px, py);
    this.canvas.style.cursor = hit ? "pointer" : "grab";
    if (!hit) return this._hideTooltip();
    clear(this.tooltip);
    for (const [index, line] of describe(hit).entries()) {
      this.tooltip.append(el("div", { class: index ? "" : "tooltip-title", text: line }));
    }
    this.tooltip.hidden = false;
    const left = Math.min(px + 14, this.container.clientWidth - this.tooltip.offsetWidth - 4);
    this.tooltip.style.left = `${Math.max(0, left)}px`;
    this.tooltip.style.top = `${py + 14}px`;
  }

  _hideTooltip() {
    this.tooltip.hidden = true;
  }
}

/** Add a marker's outline at (mx, my) to the current path. */
function markerPath(ctx, shape, mx, my, r) {
  if (shape === "end") {
    ctx.moveTo(mx + r, my);
    ctx.arc(mx, my, r, 0, Math.PI * 2);
  } else if (shape === "square") {
    ctx.rect(mx - r * 0.8, my - r * 0.8, r * 1.6, r * 1.6);
  } else {
    ctx.moveTo(mx, my - r);
    ctx.lineTo(mx + r, my);
    ctx.lineTo(mx, my + r);
    ctx.lineTo(mx - r, my);
    ctx.closePath();
  }
}

/** A name for a drawn item that survives rebuilding the model from more records. */
export function itemKey(item) {
  if (item.kind === "backlog") return `backlog:${item.lane}:${item.messages[0].sent.seq}`;
  if (item.sent) return `message:${item.id || item.sent.seq}`;
  if (item.event) return `record:${item.event.seq}`;
  return `bar:${item.kind}:${item.stepId}:${item.events[0] ? item.events[0].seq : item.queuedAt}`;
}

/** "backlog: waited 2.4 s, 3 waiting" (still waiting: "waiting 2.4 s"). */
export function backlogLabel(backlog) {
  return `backlog: ${backlog.open ? "waiting" : "waited"} ${formatMs(backlog.waitedMs)}, ${backlog.waiting} waiting`;
}

function segmentDistance(px, py, x0, y0, x1, y1) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const length = dx * dx + dy * dy;
  const t = length ? Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / length)) : 0;
  return Math.hypot(px - (x0 + t * dx), py - (y0 + t * dy));
}

/** The tooltip's lines for a hit: a short summary; a click shows everything in the details panel. */
export function describe(hit) {
  const item = hit.item;
  if (hit.type === "backlog") {
    return [
      `${laneLabel(item.lane)} fell behind`,
      backlogLabel(item),
      `over ${formatMs(item.thresholdMs)}: max(1 s, ${BACKLOG_FACTOR} × the other services' median wait, ${formatMs(item.medianMs)})`,
      "click for why",
    ];
  }
  if (hit.type === "bar") {
    const wait = item.startedAt === null ? null : item.startedAt - item.queuedAt;
    const ran = item.startedAt === null || item.endAt === null ? null : item.endAt - item.startedAt;
    return [
      `${item.kind === "compensation" ? "compensation of " : ""}${item.stepId} · ${barStatus(item.status)}` +
        (item.outcome && item.kind === "step" ? ` → ${item.outcome}` : ""),
      `attempt ${item.attempt}${item.visit > 1 ? ` · visit ${item.visit}` : ""} · ${laneLabel(item.lane)}`,
      `queue wait ${formatMs(wait)} · ran ${formatMs(ran)}`,
      item.error ? `error: ${String(item.error).slice(0, 120)}` : "click for payload and admin links",
    ];
  }
  if (hit.type === "arrow") {
    return [
      `${item.kind} ${item.type}`,
      `${laneLabel(item.from)} → ${laneLabel(item.by || item.to)}${item.attempt > 1 ? ` · attempt ${item.attempt}` : ""}`,
      item.receivedAt !== null
        ? `delivered after ${formatMs(item.receivedAt - item.sentAt)}`
        : item.endKind
          ? `not acted on: ${item.endKind}`
          : "not delivered (yet)",
      "click for payload",
    ];
  }
  const payload = item.event.payload || {};
  const meaning = (vocabulary().record_kinds[item.kind] || {}).meaning;
  let title = `${item.kind}${item.stepId ? ` · ${item.stepId}` : ""}`;
  if (item.kind === "end.reached") title = `end ${item.stepId} reached: "${payload.result}"`;
  else if (item.kind === "step.skipped") title = `${item.stepId} skipped`;
  return [
    title,
    meaning || null,
    `${laneLabel(item.lane)} · #${item.event.seq}`,
    payload.reason ? `${String(payload.reason).slice(0, 120)}` : "click for payload",
  ].filter(Boolean);
}

/** A bar's status as the tooltip says it ("waiting" ended because the service had no room yet). */
function barStatus(status) {
  return status === "waiting" ? "waiting for capacity" : status;
}

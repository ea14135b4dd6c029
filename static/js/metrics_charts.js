// The metrics page's charts, drawn with d3 (loaded as the global `d3`) into SVG: a line chart over time
// and a horizontal grouped bar chart. Each chart states what it drew in data attributes
// (data-points, data-bars, data-max) so that tests and people can check it against the API.

import { el, clear, formatMs } from "./dom.js";

const SVG = "http://www.w3.org/2000/svg";
const AXIS_FONT = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";

/** A legend under a chart: a swatch and a name per series. */
export function legend(items) {
  return el(
    "ul",
    { class: "legend chart-legend" },
    items.map(({ name, color }) => el("li", {}, el("i", { class: "swatch", style: `background:${color}` }), name)),
  );
}

function textWidth(text) {
  const canvas = textWidth.canvas || (textWidth.canvas = document.createElement("canvas"));
  const context = canvas.getContext("2d");
  context.font = AXIS_FONT;
  return context.measureText(text).width;
}

function svgIn(host, width, height) {
  const svg = d3
    .select(host)
    .append("svg")
    .attr("xmlns", SVG)
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("class", "chart-svg");
  return svg;
}

function axisLabel(svg, text, { x, y, rotate = false }) {
  svg
    .append("text")
    .attr("class", "axis-label")
    .attr("transform", rotate ? `translate(${x},${y}) rotate(-90)` : `translate(${x},${y})`)
    .attr("text-anchor", "middle")
    .text(text);
}

/** Counts on an axis: whole numbers only, never "0.5 jobs". */
/** The x axis along the bottom of a chart (d3 axis options through `axis`). */
export function bottomAxis(svg, axis, { height, margin }) {
  svg
    .append("g")
    .attr("class", "axis")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(axis);
}

function integerTicks(scale, count) {
  return scale.ticks(count).filter((tick) => Number.isInteger(tick));
}

/**
 * Lines over time. `times` are bucket starts (Date), `bucketMs` their length; each series has
 * `values` (numbers, or null where nothing was measured: the line breaks there) and may have a `dash`
 * (an SVG dash array), so that two series with the same values both show.
 */
export function lineChart(host, { times, bucketMs, series, yLabel, height = 190, integer = true }) {
  clear(host);
  const width = Math.max(280, host.clientWidth || 600);
  const margin = { top: 10, right: 14, bottom: 36, left: 50 };
  const svg = svgIn(host, width, height);
  const x = d3
    .scaleTime()
    .domain([times[0], new Date(times[times.length - 1].getTime() + bucketMs)])
    .range([margin.left, width - margin.right]);
  const all = series.flatMap((s) => s.values.filter((v) => v !== null && v !== undefined));
  const max = all.length ? Math.max(...all) : 0;
  const y = d3
    .scaleLinear()
    .domain([0, Math.max(integer ? 4 : 1, max)])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const yAxis = d3.axisLeft(y).tickSizeOuter(0);
  if (integer) yAxis.tickValues(integerTicks(y, 5)).tickFormat(d3.format("d"));
  svg
    .append("g")
    .attr("class", "axis grid")
    .attr("transform", `translate(${margin.left},0)`)
    .call(yAxis.tickSize(-(width - margin.left - margin.right)))
    .call((g) => g.select(".domain").remove());
  const timeAxis = d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90)));
  bottomAxis(svg, timeAxis.tickFormat(d3.timeFormat("%H:%M")).tickSizeOuter(0), { height, margin });
  axisLabel(svg, yLabel, { x: 13, y: margin.top + (height - margin.top - margin.bottom) / 2, rotate: true });
  axisLabel(svg, "time (local clock)", { x: margin.left + (width - margin.left - margin.right) / 2, y: height - 3 });

  const centre = (index) => x(new Date(times[index].getTime() + bucketMs / 2));
  const line = d3
    .line()
    .defined((value) => value !== null && value !== undefined)
    .x((_, index) => centre(index))
    .y((value) => y(value));
  let points = 0;
  for (const each of series) {
    const measured = each.values.filter((value) => value !== null && value !== undefined);
    svg
      .append("path")
      .attr("class", "series-line")
      .attr("fill", "none")
      .attr("stroke", each.color)
      .attr("stroke-width", 2)
      .attr("stroke-dasharray", each.dash || null)
      .attr("d", line(each.values))
      .attr("data-series", each.name)
      .attr("data-max", measured.length ? Math.max(...measured) : "");
    // A dot where something happened, so a single busy bucket is not a line of zero length.
    const busy = each.values.map((value, index) => [value, index]).filter(([value]) => value > 0);
    points += measured.length;
    svg
      .append("g")
      .selectAll("circle")
      .data(busy)
      .join("circle")
      .attr("cx", ([, index]) => centre(index))
      .attr("cy", ([value]) => y(value))
      .attr("r", 2.6)
      .attr("fill", each.color);
  }
  hoverReadout(host, svg, { times, bucketMs, series, x, centre, margin, width, height });
  host.dataset.points = String(points);
  host.dataset.max = String(max);
  return { max, points };
}

/** Hovering shows the bucket's time and every series' value there. */
function hoverReadout(host, svg, { times, bucketMs, series, x, centre, margin, width, height }) {
  const tip = el("div", { class: "chart-tip", hidden: true });
  host.append(tip);
  const rule = svg
    .append("line")
    .attr("class", "hover-rule")
    .attr("y1", margin.top)
    .attr("y2", height - margin.bottom)
    .attr("visibility", "hidden");
  const format = d3.timeFormat("%H:%M:%S");
  svg
    .append("rect")
    .attr("x", margin.left)
    .attr("y", margin.top)
    .attr("fill", "transparent")
    .attr("width", width - margin.left - margin.right)
    .attr("height", height - margin.top - margin.bottom)
    .on("mouseleave", () => {
      tip.hidden = true;
      rule.attr("visibility", "hidden");
    })
    .on("mousemove", (event) => {
      const [px] = d3.pointer(event);
      const at = x.invert(px).getTime();
      const index = Math.max(0, Math.min(times.length - 1, Math.floor((at - times[0].getTime()) / bucketMs)));
      rule.attr("x1", centre(index)).attr("x2", centre(index)).attr("visibility", "visible");
      const start = times[index];
      clear(tip).append(
        el("div", { class: "chart-tip-title" }, `${format(start)} – ${format(new Date(start.getTime() + bucketMs))}`),
        ...series.map((s) =>
          el(
            "div",
            {},
            el("i", { class: "swatch", style: `background:${s.color}` }),
            ` ${s.name}: ${s.values[index] ?? "no sample"}`,
          ),
        ),
      );
      tip.hidden = false;
      const left = Math.min(centre(index) + 12, width - 190);
      tip.style.left = `${left}px`;
      tip.style.top = `${margin.top}px`;
    });
}

/**
 * Horizontal grouped bars: one group per row (`label`), one bar per key (p50, p95, p99 or counts).
 * `format` writes a value at the end of its bar; null values are written as "no data".
 */
export function barChart(host, { rows, keys, xLabel, format = formatMs, integer = false, barHeight = 12 }) {
  clear(host);
  const width = Math.max(280, host.clientWidth || 600);
  const labelWidth = Math.min(240, Math.max(60, ...rows.map((row) => textWidth(row.label)))) + 12;
  const margin = { top: 6, right: 64, bottom: 36, left: labelWidth };
  const groupHeight = keys.length * barHeight + 10;
  const height = margin.top + margin.bottom + Math.max(1, rows.length) * groupHeight;
  const svg = svgIn(host, width, height);
  const values = rows
    .flatMap((row) => keys.map((key) => row.values[key.key]))
    .filter((v) => v !== null && v !== undefined);
  const max = values.length ? Math.max(...values) : 0;
  const x = d3
    .scaleLinear()
    .domain([0, Math.max(integer ? 4 : 1, max)])
    .nice()
    .range([margin.left, width - margin.right]);
  const xAxis = d3
    .axisBottom(x)
    .ticks(Math.max(2, Math.floor((width - margin.left) / 80)))
    .tickSizeOuter(0);
  if (integer) xAxis.tickValues(integerTicks(x, 6)).tickFormat(d3.format("d"));
  else xAxis.tickFormat((value) => formatMs(value));
  svg
    .append("g")
    .attr("class", "axis grid")
    .attr("transform", `translate(0,${height - margin.bottom})`)
    .call(xAxis.tickSize(-(height - margin.top - margin.bottom)))
    .call((g) => g.select(".domain").remove());
  axisLabel(svg, xLabel, { x: margin.left + (width - margin.left - margin.right) / 2, y: height - 3 });

  let bars = 0;
  rows.forEach((row, rowIndex) => {
    const top = margin.top + rowIndex * groupHeight + 5;
    const group = svg.append("g").attr("class", "bar-group").attr("data-label", row.label);
    group
      .append("text")
      .attr("class", "bar-label")
      .attr("x", margin.left - 8)
      .attr("y", top + (keys.length * barHeight) / 2)
      .attr("dy", "0.35em")
      .attr("text-anchor", "end")
      .text(row.label)
      .attr("fill", row.color || null);
    keys.forEach((key, keyIndex) => {
      const value = row.values[key.key];
      const y = top + keyIndex * barHeight;
      if (value === null || value === undefined) {
        if (keyIndex === 0) {
          group
            .append("text")
            .attr("class", "bar-value muted")
            .attr("x", margin.left + 4)
            .attr("y", y + barHeight)
            .attr("dy", "0.35em")
            .text("no data");
        }
        return;
      }
      bars += 1;
      group
        .append("rect")
        .attr("x", margin.left)
        .attr("y", y + 0.5)
        .attr("height", barHeight - 1)
        .attr("width", Math.max(value > 0 ? 1 : 0, x(value) - margin.left))
        .attr("fill", key.color)
        .attr("data-key", key.key)
        .attr("data-value", value)
        .append("title")
        .text(`${row.label} · ${key.name}: ${format(value)}`);
      if (value === 0 && integer) return; // a zero-width bar needs no label: the axis says 0
      group
        .append("text")
        .attr("class", "bar-value")
        .attr("x", x(value) + 4)
        .attr("y", y + barHeight / 2)
        .attr("dy", "0.35em")
        .text(format(value));
    });
    if (integer && keys.every((key) => !row.values[key.key])) {
      group
        .append("text")
        .attr("class", "bar-value muted")
        .attr("x", margin.left + 4)
        .attr("y", top + (keys.length * barHeight) / 2)
        .attr("dy", "0.35em")
        .text("none");
    }
  });
  host.dataset.bars = String(bars);
  host.dataset.max = String(max);
  return { max, bars };
}

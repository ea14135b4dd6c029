// The latency distribution: a histogram per pattern over the same buckets, side by side (d3, SVG).

import { el, clear, formatMs } from "./dom.js";
import { bottomAxis } from "./metrics_charts.js";

const PATTERNS = ["orchestration", "choreography"];

/**
 * @param {HTMLElement} container
 * @param {{edges: number[], counts: Object<string, number[]>}} distribution from the comparison API
 */
export function drawDistribution(container, distribution) {
  const d3 = window.d3;
  clear(container);
  const { edges, counts } = distribution;
  container.dataset.buckets = String(Math.max(0, edges.length - 1));
  if (edges.length < 2) {
    container.append(el("p", { class: "muted", text: "No run has finished yet." }));
    return;
  }
  const width = Math.max(280, container.clientWidth);
  const height = 190;
  const margin = { top: 8, right: 26, bottom: 34, left: 36 };
  const x = d3
    .scaleLinear()
    .domain([edges[0], edges[edges.length - 1]])
    .range([margin.left, width - margin.right]);
  const most = d3.max(PATTERNS.flatMap((pattern) => counts[pattern] || [])) || 1;
  const y = d3
    .scaleLinear()
    .domain([0, most])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const svg = d3
    .select(container)
    .append("svg")
    .attr("width", width)
    .attr("height", height)
    .attr("role", "img")
    .attr("aria-label", "Latency histogram per pattern");
  PATTERNS.forEach((pattern, side) => {
    const bars = (counts[pattern] || []).map((count, index) => ({ count, index }));
    svg
      .append("g")
      .attr("class", `bars bar-${pattern}`)
      .selectAll("rect")
      .data(bars.filter((bar) => bar.count > 0))
      .join("rect")
      .attr("data-pattern", pattern)
      .attr("x", (bar) => {
        const left = x(edges[bar.index]);
        const half = (x(edges[bar.index + 1]) - left) / 2;
        return left + side * half + 1;
      })
      .attr("width", (bar) => Math.max(1, (x(edges[bar.index + 1]) - x(edges[bar.index])) / 2 - 2))
      .attr("y", (bar) => y(bar.count))
      .attr("height", (bar) => y(0) - y(bar.count))
      .append("title")
      .text(
        (bar) =>
          `${pattern}: ${bar.count} run${bar.count === 1 ? "" : "s"} took ${formatMs(edges[bar.index])} to ${formatMs(edges[bar.index + 1])}`,
      );
  });
  const ticks = Math.max(2, Math.min(edges.length, Math.floor(width / 80)));
  bottomAxis(
    svg,
    d3
      .axisBottom(x)
      .ticks(ticks)
      .tickFormat((ms) => formatMs(ms)),
    { height, margin },
  );
  svg
    .append("g")
    .attr("class", "axis")
    .attr("transform", `translate(${margin.left},0)`)
    .call(d3.axisLeft(y).ticks(Math.min(5, most)).tickFormat(d3.format("d")));
  svg
    .append("text")
    .attr("x", width - margin.right)
    .attr("y", height - 4)
    .attr("text-anchor", "end")
    .attr("font-size", 11)
    .attr("fill", "#6b7280")
    .text("end-to-end latency");
  container.append(
    el(
      "div",
      { class: "chart-legend" },
      ...PATTERNS.map((pattern) => {
        const total = (counts[pattern] || []).reduce((sum, count) => sum + count, 0);
        return el("span", {}, el("i", { class: pattern }), `${pattern} (${total} finished)`);
      }),
    ),
  );
}

// The health strip: each service queue's depth, jobs in flight and failed jobs, every few seconds.

import { apiGet } from "./api.js";
import { el, clear } from "./dom.js";

const LABELS = { orders: "Orders", notifications: "Notifications", sellers: "Sellers", logistics: "Logistics" };

export class HealthStrip {
  constructor(container, { everyMs = 3000 } = {}) {
    this.container = container;
    this.everyMs = everyMs;
  }

  start() {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.everyMs);
  }

  async refresh() {
    if (document.hidden) return;
    try {
      const data = await apiGet("/api/services");
      this.render(data.services);
    } catch (error) {
      clear(this.container).append(el("div", { class: "health-card down", text: `Health unavailable: ${error.message}` }));
      this.container.dataset.state = "error";
    }
  }

  render(services) {
    clear(this.container);
    for (const service of services) {
      const state = service.workers === 0 ? "down" : service.failed > 0 ? "warn" : "ok";
      this.container.append(
        el(
          "div",
          { class: `health-card ${state}`, dataset: { service: service.service } },
          el("div", { class: "health-name" }, el("span", { class: "dot" }), LABELS[service.service] || service.service.charAt(0).toUpperCase() + service.service.slice(1)),
          el(
            "dl",
            {},
            el("dt", { text: "queued" }), el("dd", { text: service.queued }),
            el("dt", { text: "in flight" }), el("dd", { text: service.started }),
            el("dt", { text: "failed" }), el("dd", { text: service.failed }),
            el("dt", { text: "workers" }), el("dd", { text: service.workers }),
          ),
        ),
      );
    }
    this.container.dataset.state = "ok";
    this.container.dataset.checkedAt = String(Date.now());
  }
}

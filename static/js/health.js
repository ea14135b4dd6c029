// The health strip: every service (coded or declared, as GET /api/services lists them) with its queue's
// depth, jobs in flight and failed jobs, every few seconds, and its fault switches (GET /api/faults): a
// "down" badge, "next N delivered twice", and for operators the buttons that switch them (POST /api/faults).

import { apiGet, apiPost } from "./http.js";
import { el, clear } from "./dom.js";
import { serviceLabel } from "./vocabulary.js";

const MAX_TWICE = 10000;

export class HealthStrip {
  constructor(container, { everyMs = 3000, canOperate = false } = {}) {
    this.container = container;
    this.everyMs = everyMs;
    this.canOperate = canOperate;
    this.cards = new Map(); // service → the card's live nodes (built once, updated in place)
    this.faults = new Map(); // service → {down, deliver_twice}
  }

  start() {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.everyMs);
  }

  async refresh() {
    if (document.hidden) return;
    const [health, faults] = await Promise.allSettled([apiGet("/api/services"), apiGet("/api/faults")]);
    if (faults.status === "fulfilled") this.applyFaults(faults.value.services);
    if (health.status === "rejected") {
      this.cards.clear();
      clear(this.container).append(
        el("div", { class: "health-card down", text: `Health unavailable: ${health.reason.message}` }),
      );
      this.container.dataset.state = "error";
      return;
    }
    this.render(health.value.services);
  }

  applyFaults(services) {
    for (const each of services || [])
      this.faults.set(each.service, { down: Boolean(each.down), deliver_twice: Number(each.deliver_twice) || 0 });
    for (const [service, card] of this.cards) this._showFaults(service, card);
    this.container.dataset.faultsAt = String(Date.now());
  }

  render(services) {
    if (this.container.dataset.state === "error") clear(this.container);
    for (const service of services) {
      let card = this.cards.get(service.service);
      if (!card || !card.root.isConnected) {
        card = this._build(service);
        this.cards.set(service.service, card);
        this.container.append(card.root);
      }
      card.queued.textContent = String(service.queued);
      card.started.textContent = String(service.started);
      card.failed.textContent = String(service.failed);
      // A worker that kept dying is given up by its supervisor (its RQ registration may outlive it).
      card.workers.textContent = service.given_up ? "given up" : String(service.workers);
      card.workers.title = service.given_up || "";
      if (service.links) this._showLinks(card, service.links);
      card.health = service.workers === 0 || service.given_up ? "down" : service.failed > 0 ? "warn" : "ok";
      this._showFaults(service.service, card);
    }
    this.container.dataset.state = "ok";
    this.container.dataset.checkedAt = String(Date.now());
  }

  /** A service's card ({service, label, colour, modelled, description}), built once. */
  _build({ service, label = serviceLabel(service), colour, modelled, description }) {
    const card = {
      label,
      queued: el("dd"),
      started: el("dd"),
      failed: el("dd"),
      workers: el("dd"),
      downBadge: el("span", { class: "badge fault-down", text: "down", hidden: true }),
      twiceBadge: el("span", { class: "badge fault-twice", hidden: true }),
      health: "ok",
    };
    const name = el(
      "div",
      { class: "health-name", title: description || null },
      el("span", { class: "dot" }),
      el("span", { class: "service-swatch", style: colour ? `background:${colour}` : null }),
      label,
      modelled ? el("span", { class: "badge declared", text: "declared", title: "declared without code" }) : null,
      card.downBadge,
    );
    card.root = el(
      "div",
      { class: "health-card ok", dataset: { service, modelled: String(Boolean(modelled)) } },
      name,
      el(
        "dl",
        {},
        el("dt", { text: "queued" }),
        card.queued,
        el("dt", { text: "in flight" }),
        card.started,
        el("dt", { text: "failed" }),
        card.failed,
        el("dt", { text: "workers" }),
        card.workers,
      ),
      el("div", { class: "fault-state" }, card.twiceBadge),
    );
    card.links = el("div", { class: "health-links" });
    card.root.append(card.links);
    if (this.canOperate) card.root.append(this._controls(service, card));
    return card;
  }

  /** Links to django-rq's views of the queue (staff only) and to the service's records in the admin. */
  _showLinks(card, links) {
    if (card.links.childElementCount) return;
    const names = { queue: "jobs", failed: "failed jobs", records: "records" };
    for (const [key, text] of Object.entries(names)) {
      if (links[key])
        card.links.append(
          el("a", {
            href: links[key],
            class: `link-${key}`,
            text,
            title: key === "records" ? "in the admin" : "in django-rq",
          }),
        );
    }
  }

  _controls(service, card) {
    card.error = el("small", { class: "field-error fault-error", role: "status" });
    card.toggle = el("button", { type: "button", class: "fault-toggle", text: "Switch off" });
    card.toggle.addEventListener("click", () => {
      const fault = this.faults.get(service);
      this._send(card, { service, down: !(fault && fault.down) });
    });
    card.count = el("input", {
      type: "number",
      name: "deliver_twice",
      min: 0,
      max: MAX_TWICE,
      step: 1,
      value: 10,
      "aria-label": `messages to deliver twice (${card.label})`,
    });
    const twiceForm = el(
      "form",
      { class: "fault-twice-form", novalidate: true },
      el("span", { text: "Deliver next" }),
      card.count,
      el("button", { type: "submit", class: "fault-twice-send", text: "twice" }),
    );
    twiceForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const count = Number(card.count.value);
      if (!Number.isInteger(count) || count < 0 || count > MAX_TWICE || card.count.value.trim() === "") {
        card.error.textContent = `A whole number from 0 to ${MAX_TWICE} (0 stops it).`;
        return;
      }
      this._send(card, { service, deliver_twice: count });
    });
    return el("div", { class: "fault-controls" }, card.toggle, twiceForm, card.error);
  }

  async _send(card, body) {
    const buttons = card.root.querySelectorAll(".fault-controls button");
    buttons.forEach((button) => (button.disabled = true));
    card.error.textContent = "";
    try {
      const data = await apiPost("/api/faults", body);
      this.applyFaults(data.services);
    } catch (error) {
      card.error.textContent = error.message;
    } finally {
      buttons.forEach((button) => (button.disabled = false));
    }
  }

  _showFaults(service, card) {
    const fault = this.faults.get(service) || { down: false, deliver_twice: 0 };
    card.root.className = `health-card ${fault.down ? "down" : card.health}`;
    card.root.dataset.down = String(fault.down);
    card.root.dataset.deliverTwice = String(fault.deliver_twice);
    card.downBadge.hidden = !fault.down;
    card.downBadge.title = "switched off: the service takes no messages; its queue keeps them";
    card.twiceBadge.hidden = fault.deliver_twice === 0;
    card.twiceBadge.textContent = `next ${fault.deliver_twice} delivered twice`;
    if (card.toggle) {
      card.toggle.textContent = fault.down ? "Switch on" : "Switch off";
      card.toggle.classList.toggle("danger", !fault.down);
    }
  }
}

// The fault switches on the compare pages: one chip per service, on or off (GET/POST /api/faults).
// Operators switch them; everybody sees their state. They are global, as on the dashboard.

import { apiGet, apiPost } from "./http.js";
import { el, clear } from "./dom.js";
import { serviceLabel as label } from "./vocabulary.js";

export class FaultSwitches {
  /** @param {HTMLElement} container @param {{canOperate?: boolean, everyMs?: number, onChange?: Function}} options */
  constructor(container, { canOperate = false, everyMs = 3000, onChange = () => {} } = {}) {
    this.container = container;
    this.canOperate = canOperate;
    this.everyMs = everyMs;
    this.onChange = onChange;
    this.chips = new Map();
    this.error = el("small", { class: "field-error fault-switches-error", role: "status" });
  }

  start() {
    this.refresh();
    this.timer = setInterval(() => this.refresh(), this.everyMs);
  }

  async refresh() {
    if (document.hidden || this.busy) return;
    try {
      this.render((await apiGet("/api/faults")).services);
    } catch (error) {
      this.error.textContent = `Fault switches unavailable: ${error.message}`;
      this.container.dataset.state = "error";
    }
  }

  render(services) {
    if (this.container.dataset.state !== "ok") clear(this.container);
    for (const fault of services) {
      let chip = this.chips.get(fault.service);
      if (!chip || !chip.root.isConnected) {
        chip = this._build(fault.service);
        this.chips.set(fault.service, chip);
        this.container.append(chip.root);
      }
      const down = Boolean(fault.down);
      chip.root.dataset.down = String(down);
      chip.state.textContent = down ? "off" : "on";
      chip.twice.hidden = !fault.deliver_twice;
      chip.twice.textContent = `next ${fault.deliver_twice} twice`;
      if (chip.button) {
        chip.button.textContent = down ? "Switch on" : "Switch off";
        chip.button.classList.toggle("danger", !down);
      }
    }
    if (!this.error.isConnected) this.container.after(this.error);
    this.error.textContent = "";
    this.container.dataset.state = "ok";
    this.container.dataset.down = services
      .filter((f) => f.down)
      .map((f) => f.service)
      .join(" ");
    this.onChange(services);
  }

  _build(service) {
    const chip = {
      state: el("span", { class: "state" }),
      twice: el("span", { class: "twice", hidden: true }),
    };
    chip.root = el(
      "div",
      { class: "fault-switch", dataset: { service } },
      el("span", { class: "name", text: label(service) }),
      chip.state,
      chip.twice,
    );
    if (this.canOperate) {
      chip.button = el("button", {
        type: "button",
        class: "fault-toggle",
        "aria-label": `Switch ${label(service)} on or off`,
      });
      chip.button.addEventListener("click", () => this.toggle(service, chip.root.dataset.down !== "true"));
      chip.root.append(chip.button);
    }
    return chip;
  }

  async toggle(service, down) {
    this.busy = true;
    const buttons = [...this.chips.values()].map((chip) => chip.button).filter(Boolean);
    buttons.forEach((button) => (button.disabled = true));
    try {
      this.render((await apiPost("/api/faults", { service, down })).services);
    } catch (error) {
      this.error.textContent = error.message;
    } finally {
      this.busy = false;
      buttons.forEach((button) => (button.disabled = false));
    }
  }
}

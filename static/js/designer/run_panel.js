// "Run it": start the saved design in either pattern or both, and follow the runs until they finish.
// A design that starts with OrderPlaced places an order (POST /api/orders); any other takes its trigger's
// fields in a form (POST /api/runs) whose 422 errors land at their fields.

import { clear, el } from "../dom.js";
import { errorText, request } from "../http.js";
import { vocabulary } from "../vocabulary.js";
import { inputExample, inputField, inputTyped } from "./model.js";
import { renderRuns } from "./panels.js";
import { put } from "./step_panel.js";

const ORDER_PLACED = "OrderPlaced";
const PATTERNS = {
  orchestration: ["orchestration"],
  choreography: ["choreography"],
  both: ["orchestration", "choreography"],
};
const get = (path) => request("GET", path);
const post = (path, body) => request("POST", path, body, { editor: true });

function finalStatuses() {
  const listed = vocabulary().final_run_statuses;
  return new Set(listed && listed.length ? listed : ["succeeded", "failed", "compensated"]);
}

export class RunPanel {
  /** onRun(): a run started (the editor reloads its versions: the version is used now). */
  constructor(container, { onRun }) {
    this.container = container;
    this.onRun = onRun;
    this.runs = [];
    this.products = null;
    this.values = {}; // trigger → field → what was typed, kept while the panel is drawn anew
    this.polling = false;
  }

  /** Draw for the design: its trigger (with its fields from the catalogue), and whether it is saved. */
  async draw({ trigger, triggerInfo, slug, saved }) {
    this.slug = slug;
    const panel = clear(this.container);
    const note = saved
      ? null
      : el("p", { class: "muted", text: "Save the design to run it: runs use a saved version." });
    if (trigger === ORDER_PLACED) {
      await this.drawOrder(panel, note, saved);
      return;
    }
    if (!triggerInfo) {
      panel.append(el("p", { class: "error", text: `No service publishes ${trigger}: choose another trigger.` }));
      return;
    }
    this.drawInput(panel, note, saved, triggerInfo);
  }

  async drawOrder(panel, note, saved) {
    if (note) panel.append(note);
    if (this.products === null) {
      const answer = await get("/api/products");
      this.products = answer.ok ? answer.data.results : [];
      if (panel.childElementCount > 1) return; // drawn meanwhile
    }
    const sku = el(
      "select",
      { id: "run-sku", "aria-label": "Product" },
      this.products.map((p) => el("option", { value: p.sku, text: `${p.sku} · ${p.name}` })),
    );
    const email = el("input", {
      id: "run-email",
      type: "email",
      value: "buyer@example.com",
      "aria-label": "Buyer email",
    });
    const start = (pattern) => this.placeOrders(PATTERNS[pattern], sku.value, email.value);
    panel.append(
      el("div", { class: "row" }, sku, email),
      this.buttons(saved, start, { orchestration: "Orchestration", choreography: "Choreography", both: "Run both" }),
      el("ul", { id: "runs", class: "runs-list" }),
    );
    renderRuns(panel.querySelector("#runs"), this.runs);
  }

  drawInput(panel, note, saved, triggerInfo) {
    const values = (this.values[triggerInfo.name] ||= {});
    const fields = triggerInfo.fields.map((field) => {
      const type = (triggerInfo.types && triggerInfo.types[field]) || "string";
      if (!(field in values)) values[field] = inputExample(field, type);
      const attrs = { id: `run-input-${field}`, dataset: { field }, autocomplete: "off" };
      const input =
        type === "boolean"
          ? el("input", { ...attrs, type: "checkbox", checked: values[field] })
          : el("input", {
              ...attrs,
              type: type === "string" ? "text" : "number",
              step: type === "integer" ? "1" : type === "number" ? "any" : null,
              value: values[field],
            });
      input.addEventListener(type === "boolean" ? "change" : "input", () => {
        values[field] = type === "boolean" ? input.checked : input.value;
      });
      return el(
        "label",
        { class: type === "boolean" ? "inline run-field" : "run-field" },
        type === "boolean" ? input : null,
        el("span", { class: "mono", text: field }),
        el("span", { class: "small muted", text: ` ${type}` }),
        type === "boolean" ? null : input,
      );
    });
    const start = (pattern) => this.startRuns(PATTERNS[pattern], triggerInfo, values);
    put(
      panel,
      el(
        "p",
        { class: "small" },
        "A run starts with ",
        el("span", { class: "msg event", text: triggerInfo.name }),
        " carrying:",
      ),
      note,
      el("form", { id: "run-form", class: "run-form", onsubmit: (event) => event.preventDefault() }, fields),
      el("ul", { id: "run-errors", class: "form-errors", role: "alert" }),
      this.buttons(saved, start, {
        orchestration: "Run orchestration",
        choreography: "Run choreography",
        both: "Run both",
      }),
      triggerInfo.name === "LoginRequested"
        ? el("p", { class: "small" }, el("a", { href: "/designer/try/login/", text: "Try the sign-in page" }), ".")
        : null,
      el("ul", { id: "runs", class: "runs-list" }),
    );
    renderRuns(panel.querySelector("#runs"), this.runs);
  }

  buttons(saved, start, texts) {
    return el(
      "div",
      { class: "buttons" },
      Object.entries(texts).map(([pattern, text]) =>
        el("button", { type: "button", id: `run-${pattern}`, text, disabled: !saved, onclick: () => start(pattern) }),
      ),
    );
  }

  async placeOrders(patterns, sku, email) {
    for (const pattern of patterns) {
      const run = { pattern, status: "placing" };
      this.runs.unshift(run);
      const answer = await post("/api/orders", {
        customer_email: email,
        sku,
        quantity: 1,
        pattern,
        workflow: this.slug,
      });
      this.started(run, answer);
    }
    this.follow();
  }

  async startRuns(patterns, triggerInfo, values) {
    const form = this.container.querySelector("#run-form");
    this.errorsShow(form, {});
    const input = inputTyped(triggerInfo.fields, triggerInfo.types, values);
    for (const pattern of patterns) {
      const answer = await post("/api/runs", { workflow: this.slug, pattern, input });
      if (!answer.ok && answer.status === 422 && answer.data && answer.data.errors) {
        this.errorsShow(form, answer.data.errors);
        break; // the same input fails the other pattern the same way
      }
      const run = { pattern, status: "placing" };
      this.runs.unshift(run);
      this.started(run, answer);
    }
    this.follow();
  }

  /** 422 errors: "input.<field>" next to its field, the others above the buttons. */
  errorsShow(form, errors) {
    const general = this.container.querySelector("#run-errors");
    if (!form || !general) return;
    form.querySelectorAll(".field-error").forEach((node) => node.remove());
    form.querySelectorAll(".invalid").forEach((node) => node.classList.remove("invalid"));
    clear(general);
    for (const [key, message] of Object.entries(errors)) {
      const field = inputField(key);
      const input = field && form.querySelector(`[data-field="${CSS.escape(field)}"]`);
      if (input) {
        input.classList.add("invalid");
        input.closest("label").after(el("span", { class: "field-error", dataset: { errorFor: key }, text: message }));
      } else general.append(el("li", { text: `${key}: ${message}` }));
    }
  }

  started(run, answer) {
    if (answer.ok) {
      run.run_id = answer.data.run_id;
      run.status = "running";
    } else {
      run.status = "failed";
      run.error = errorText(answer);
    }
  }

  async follow() {
    this.runs = this.runs.slice(0, 8);
    this.list();
    if (this.runs.some((run) => run.run_id)) this.onRun();
    if (this.polling) return;
    this.polling = true;
    const final = finalStatuses();
    while (this.runs.some((run) => run.run_id && !final.has(run.status))) {
      for (const run of this.runs.filter((r) => r.run_id && !final.has(r.status))) {
        const answer = await get(`/api/runs/${run.run_id}?after_seq=999999999`);
        if (answer.ok)
          Object.assign(run, {
            status: answer.data.status,
            steps: answer.data.steps,
            result: answer.data.result,
            workflow_version: answer.data.workflow_version,
          });
      }
      this.list();
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    this.polling = false;
    this.onRun();
  }

  list() {
    const list = this.container.querySelector("#runs");
    if (list) renderRuns(list, this.runs);
  }
}

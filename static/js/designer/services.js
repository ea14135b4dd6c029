// The Services panel: the services declared without code, and the dialog that declares, changes or
// deletes one through /api/services. A 422's errors land at their fields, a 409's reason above the form.

import { clear, el } from "../dom.js";
import { request } from "../http.js";
import {
  declarationFromDraft,
  draftFromDeclaration,
  draftGet,
  draftSet,
  errorsPlace,
  namesParse,
  rowAdd,
  rowRemove,
  serviceDraft,
} from "./declaration.js";
import { serviceErrorsShow, serviceFormRender } from "./service_form.js";

const send = (method, path, body) => request(method, path, body, { editor: true });
const servicePath = (name) => `/api/services/${encodeURIComponent(name)}`;

/** The answer's {path: message} errors, or one general message. */
function answerErrors(answer) {
  const errors = answer.data && answer.data.errors;
  if (errors && typeof errors === "object") return errors;
  return { http: `HTTP ${answer.status} ${answer.statusText || ""}`.trim() };
}

/** The list of declared services, each with edit; and the button that declares a new one. */
export function renderServices(container, { services, actions, onDeclare, onEdit }) {
  clear(container);
  const declared = services.filter((service) => service.modelled);
  container.append(
    el("p", {
      class: "small muted",
      text: "Services declared here run without code: their actions pick an outcome by weight or by rule.",
    }),
    el(
      "ul",
      { class: "services-list" },
      declared.length ? null : el("li", { class: "muted small", text: "None yet." }),
      declared.map((service) => {
        const count = actions.filter((action) => action.service === service.name).length;
        return el(
          "li",
          { dataset: { service: service.name } },
          el("span", { class: "swatch", style: `background:${service.colour}` }),
          el("strong", { text: service.label || service.name }),
          el("span", {
            class: "mono small muted",
            text: ` ${service.name} · ${count} action${count === 1 ? "" : "s"}`,
          }),
          el("button", {
            type: "button",
            class: "link",
            text: "edit",
            "aria-label": `Edit ${service.name}`,
            onclick: () => onEdit(service.name),
          }),
        );
      }),
    ),
    el("button", { type: "button", id: "declare-service", text: "Declare a service", onclick: onDeclare }),
  );
}

export class ServiceDialog {
  /** handlers: onChanged(name) after a save or a delete (the editor reloads its palette). */
  constructor(dialog, { distributions, onChanged }) {
    this.dialog = dialog;
    this.form = dialog.querySelector("form");
    this.distributions = distributions;
    this.onChanged = onChanged;
    this.draft = serviceDraft();
    this.existing = false;
    this.saved = new Set();
    this.errors = {};
    this.status = {};
    this.form.addEventListener("input", (event) => this.typed(event.target));
    this.form.addEventListener("change", (event) => this.changed(event.target));
    this.form.addEventListener("click", (event) => this.clicked(event));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
  }

  declare() {
    this.show(serviceDraft(), { existing: false });
  }

  async edit(name) {
    const answer = await send("GET", servicePath(name));
    if (!answer.ok) {
      this.show(serviceDraft(), { existing: false });
      this.fail(answer);
      return;
    }
    this.show(draftFromDeclaration(answer.data), { existing: true });
  }

  show(draft, { existing }) {
    this.draft = draft;
    this.existing = existing;
    this.saved = new Set(existing ? draft.actions.map((action) => action.name) : []);
    this.errors = {};
    this.status = {};
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
    this.form.querySelector(existing ? "[data-path='label']" : "#service-name").focus();
  }

  close() {
    this.dialog.close();
  }

  /** Draw the form anew, keeping the focus (and the caret) where it was. */
  render() {
    const active = document.activeElement;
    const path = active && this.form.contains(active) ? active.dataset.path : null;
    const caret = path && typeof active.selectionStart === "number" ? active.selectionStart : null;
    serviceFormRender(this.form, this.draft, {
      existing: this.existing,
      saved: this.saved,
      distributions: this.distributions,
      status: this.status,
    });
    const { placed, general } = errorsPlace(this.errors, (p) =>
      Boolean(this.form.querySelector(`[data-path="${CSS.escape(p)}"]`)),
    );
    serviceErrorsShow(this.form, placed, general);
    const again = path && this.form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    if (again) {
      again.focus();
      if (caret !== null && typeof again.setSelectionRange === "function" && again.type === "text")
        again.setSelectionRange(caret, caret);
    }
  }

  typed(target) {
    const path = target.dataset.path;
    if (!path || target.type === "checkbox") return;
    draftSet(this.draft, path, target.value);
    target.classList.remove("invalid");
    target.removeAttribute("aria-invalid");
    const note = this.form.querySelector(`[data-error-for="${CSS.escape(path)}"]`);
    if (note) note.remove();
  }

  changed(target) {
    if (target.dataset.key) {
      const key = draftGet(this.draft, target.dataset.key);
      const name = target.dataset.name;
      draftSet(
        this.draft,
        target.dataset.key,
        target.checked ? [...new Set([...key, name])] : key.filter((n) => n !== name),
      );
      return;
    }
    if (!target.dataset.path) return;
    draftSet(this.draft, target.dataset.path, target.value);
    // After the focus moved on (the change came from leaving the field), so that it stays there.
    if (target.dataset.rerender) setTimeout(() => this.render(), 0);
  }

  clicked(event) {
    const button = event.target.closest("button");
    if (!button || !this.form.contains(button)) return;
    const { add, remove, suggest, saved } = button.dataset;
    if (button.id === "service-close" || button.id === "service-cancel") this.close();
    else if (button.id === "service-delete") this.deleteService();
    else if (add) {
      const path = rowAdd(this.draft, add);
      this.errors = {}; // the rows moved: the errors' paths no longer name them
      this.render();
      const first = this.form.querySelector(`[data-path^="${CSS.escape(path)}"]`);
      if (first) first.focus();
    } else if (remove && saved) this.deleteAction(remove, saved);
    else if (remove) {
      rowRemove(this.draft, remove);
      this.errors = {};
      this.render();
    } else if (suggest) {
      const names = namesParse(draftGet(this.draft, suggest));
      draftSet(this.draft, suggest, [...names, button.value].join(", "));
      this.render();
    }
  }

  fail(answer, status = "") {
    this.errors = answerErrors(answer);
    const count = Object.keys(this.errors).length;
    this.status = {
      kind: "error",
      text:
        status ||
        (answer.status === 409 ? "Refused:" : `${count} problem${count === 1 ? "" : "s"}: see the fields marked red.`),
    };
    this.render();
    const first = this.form.querySelector(".invalid, #service-errors li");
    if (first) first.scrollIntoView({ block: "center" });
  }

  async save() {
    const body = declarationFromDraft(this.draft);
    this.status = { text: "saving…" };
    this.render();
    const answer = this.existing
      ? await send("PUT", servicePath(body.name), body)
      : await send("POST", "/api/services", body);
    if (!answer.ok) {
      this.fail(answer);
      return;
    }
    this.close();
    await this.onChanged(body.name, this.existing ? "saved" : "declared");
  }

  async deleteService() {
    const name = this.draft.name;
    if (!window.confirm(`Delete the service ${name}? Its records stay; designs that use it must change first.`)) return;
    const answer = await send("DELETE", servicePath(name));
    if (!answer.ok) {
      this.fail(answer, "Not deleted:");
      return;
    }
    this.close();
    await this.onChanged(name, "deleted");
  }

  /** Remove an action the service has saved: at once, through its own endpoint (409: a design needs it). */
  async deleteAction(path, action) {
    if (!window.confirm(`Delete the action ${this.draft.name}.${action} now?`)) return;
    const answer = await send("DELETE", `${servicePath(this.draft.name)}/actions/${encodeURIComponent(action)}`);
    if (!answer.ok) {
      this.errors = { [`${path}.name`]: Object.values(answerErrors(answer)).join("; ") };
      this.status = { kind: "error", text: `${action} is not deleted.` };
      this.render();
      return;
    }
    rowRemove(this.draft, path);
    this.saved.delete(action);
    this.errors = {};
    this.status = { kind: "ok", text: `Deleted ${action}.` };
    this.render();
    await this.onChanged(this.draft.name, "changed");
  }
}

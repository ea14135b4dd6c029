// The "Declare a service" form, drawn from its draft (declaration.js). Every input carries the path of
// its value in the draft (data-path, the same path the API's 422 errors use); the controller
// (services.js) listens on the form: `input` sets values, data-add / data-remove / data-suggest change lists.

import { el } from "../dom.js";
import { CHOICES, FIELD_TYPES, draftGet, fieldsKnown, namesParse } from "./declaration.js";

/** An input bound to the draft's value at `path`. `rerender`: the form is drawn anew after a change. */
function input(draft, path, attrs = {}, { rerender = false } = {}) {
  const value = draftGet(draft, path);
  return el("input", {
    autocomplete: "off",
    spellcheck: "false",
    ...attrs,
    value: value ?? "",
    dataset: { path, ...(rerender ? { rerender: "1" } : {}) },
  });
}

function select(draft, path, options, attrs = {}, { rerender = false } = {}) {
  const value = draftGet(draft, path) ?? "";
  return el(
    "select",
    { ...attrs, dataset: { path, ...(rerender ? { rerender: "1" } : {}) } },
    options.map(([optionValue, label]) =>
      el("option", { value: optionValue, text: label, selected: value === optionValue }),
    ),
  );
}

const labelled = (text, control, attrs = {}) => el("label", attrs, el("span", { text }), control);
const addButton = (path, text) => el("button", { type: "button", class: "link add-row", dataset: { add: path }, text });
const removeButton = (path, what) =>
  el("button", {
    type: "button",
    class: "link remove-row",
    dataset: { remove: path },
    text: "remove",
    "aria-label": `Remove ${what}`,
  });

/** The rows of a list of fields: each a name, a second control (`second(path)`) and remove; then "+ field". */
function fieldRows(draft, path, caption, second) {
  const fields = draftGet(draft, `${path}.fields`);
  return el(
    "div",
    { class: "rows", dataset: { path: `${path}.fields` } },
    el("span", { class: "small muted", text: caption(fields.length) }),
    fields.map((_, index) => {
      const at = `${path}.fields[${index}]`;
      return el(
        "div",
        { class: "field-row", dataset: { path: at } },
        input(draft, `${at}.name`, { placeholder: "field_name", class: "mono", "aria-label": "Field name" }),
        second(at),
        removeButton(at, "field"),
      );
    }),
    addButton(`${path}.fields`, "+ field"),
  );
}

const FIELD_TYPE_OPTIONS = FIELD_TYPES.map((type) => [type, type]);
const typeSelect = (draft, at) => select(draft, `${at}.type`, FIELD_TYPE_OPTIONS, { "aria-label": "Field type" });
const eventFields = (draft, path) =>
  fieldRows(
    draft,
    path,
    (count) => (count ? "Fields (name, type)" : "No fields yet."),
    (at) => typeSelect(draft, at),
  );

const outcomeFields = (draft, path) =>
  fieldRows(
    draft,
    path,
    (count) => (count ? "Fields it carries (name, value)" : "No fields: the event says only what happened."),
    (at) =>
      input(draft, `${at}.value`, {
        placeholder: "value: an expression (or copied / generated)",
        class: "mono",
        "aria-label": "Value expression",
        title:
          "Empty: copies the input of the same name, or a generated reference when the name ends with _id or _ref.",
      }),
  );

function eventsSection(draft) {
  return el(
    "section",
    { class: "declare-events", dataset: { path: "events" } },
    el("h3", { text: "Events that start runs" }),
    el("p", {
      class: "small muted",
      text: "A design can start with any of these (its trigger); a run's input is the event's fields.",
    }),
    draft.events.map((_, index) => {
      const path = `events[${index}]`;
      return el(
        "fieldset",
        { class: "declare-event", dataset: { path } },
        el(
          "div",
          { class: "line" },
          labelled("Event", input(draft, `${path}.name`, { placeholder: "TripRequested", class: "mono" })),
          removeButton(path, "event"),
        ),
        eventFields(draft, path),
      );
    }),
    addButton("events", "+ event"),
  );
}

function outcomesSection(draft, path) {
  const action = draftGet(draft, path);
  const rule = action.choice === "rule";
  return el(
    "div",
    { class: "outcomes", dataset: { path: `${path}.outcomes` } },
    el("h4", {
      text: rule
        ? "Outcomes: the first whose rule holds (the last is the default)"
        : "Outcomes: picked at random by weight",
    }),
    action.outcomes.map((_, index) => {
      const at = `${path}.outcomes[${index}]`;
      const last = index === action.outcomes.length - 1;
      const chooser = rule
        ? labelled(
            "When",
            input(draft, `${at}.when`, {
              class: "mono",
              placeholder: last ? "otherwise (leave empty)" : 'amount > 1000 and country != "GB"',
            }),
            { class: "grow" },
          )
        : labelled(
            "Weight",
            input(draft, `${at}.weight`, { type: "number", min: "0", max: "1000", step: "any", placeholder: "1" }),
            {
              class: "narrow",
            },
          );
      return el(
        "div",
        { class: "outcome", dataset: { path: at } },
        el(
          "div",
          { class: "line" },
          labelled("Outcome event", input(draft, `${at}.event`, { placeholder: "FlightBooked", class: "mono" })),
          chooser,
          removeButton(at, "outcome"),
        ),
        outcomeFields(draft, at),
      );
    }),
    addButton(`${path}.outcomes`, "+ outcome"),
  );
}

function inputsControl(draft, path) {
  const action = draftGet(draft, path);
  const have = new Set(namesParse(action.inputs));
  const offered = fieldsKnown(draft).filter((name) => !have.has(name));
  return el(
    "div",
    { class: "inputs" },
    labelled(
      "Inputs (the fields its command carries)",
      input(draft, `${path}.inputs`, { class: "mono", placeholder: "trip_id, nights" }, { rerender: true }),
    ),
    offered.length
      ? el(
          "div",
          { class: "suggest small" },
          "Known: ",
          offered.map((name) =>
            el("button", {
              type: "button",
              class: "chip",
              dataset: { suggest: `${path}.inputs` },
              value: name,
              text: `+ ${name}`,
            }),
          ),
        )
      : null,
  );
}

function idempotencyControl(draft, path) {
  const action = draftGet(draft, path);
  const inputs = namesParse(action.inputs);
  return el(
    "fieldset",
    { class: "idempotency", dataset: { path: `${path}.idempotency` } },
    el("legend", { text: "Idempotency key (one effect per…)" }),
    inputs.length
      ? inputs.map((name) =>
          el(
            "label",
            { class: "inline" },
            el("input", {
              type: "checkbox",
              checked: action.idempotency.includes(name),
              dataset: { key: `${path}.idempotency`, name },
            }),
            name,
          ),
        )
      : el("span", { class: "small muted", text: "no inputs yet" }),
    el("span", { class: "small muted", text: " (none ticked: one effect per step of a run)" }),
  );
}

function actionSection(draft, index, { distributions, saved }) {
  const path = `actions[${index}]`;
  const action = draftGet(draft, path);
  const others = draft.actions.map((a) => a.name.trim()).filter((name) => name && name !== action.name.trim());
  return el(
    "fieldset",
    { class: "declare-action", dataset: { path } },
    el("legend", { text: `Action ${index + 1}${saved.has(action.name) ? " (saved)" : ""}` }),
    el(
      "div",
      { class: "line" },
      labelled("Name", input(draft, `${path}.name`, { class: "mono", placeholder: "book_flight" }, { rerender: true })),
      labelled(
        "Picks its outcome",
        select(
          draft,
          `${path}.choice`,
          CHOICES.map((choice) => [choice, choice === "weighted" ? "by weight" : "by rule"]),
          {},
          { rerender: true },
        ),
      ),
      el("button", {
        type: "button",
        class: "link remove-row",
        dataset: { remove: path, saved: saved.has(action.name) ? action.name : "" },
        text: saved.has(action.name) ? "delete action" : "remove",
        "aria-label": `Remove action ${action.name || index + 1}`,
      }),
    ),
    labelled("Description", input(draft, `${path}.description`, { placeholder: "What it does" })),
    inputsControl(draft, path),
    outcomesSection(draft, path),
    el(
      "div",
      { class: "line" },
      labelled(
        "Latency (ms, low–high)",
        el(
          "span",
          { class: "pair", dataset: { path: `${path}.latency_ms` } },
          input(draft, `${path}.latency[0]`, {
            type: "number",
            min: "0",
            step: "10",
            placeholder: "0",
            "aria-label": "Latency low",
          }),
          "–",
          input(draft, `${path}.latency[1]`, {
            type: "number",
            min: "0",
            step: "10",
            placeholder: "0",
            "aria-label": "Latency high",
          }),
        ),
      ),
      labelled(
        "Distribution",
        select(draft, `${path}.latency_distribution`, [
          ["", "default (uniform)"],
          ...distributions.map((name) => [name, name]),
        ]),
      ),
      labelled(
        "Failure probability",
        input(draft, `${path}.failure_probability`, {
          type: "number",
          min: "0",
          max: "1",
          step: "0.01",
          placeholder: "0",
        }),
      ),
    ),
    el(
      "div",
      { class: "line" },
      labelled(
        "Compensation (undoes it)",
        select(draft, `${path}.compensation`, [["", "none"], ...others.map((name) => [name, name])]),
      ),
      idempotencyControl(draft, path),
    ),
  );
}

/**
 * Draw the form. `options`: existing (the service is saved: its name is fixed), saved (names of its
 * saved actions), distributions (latency distributions the engine knows), status (a line by the buttons).
 */
export function serviceFormRender(form, draft, { existing, saved, distributions, status }) {
  const name = input(draft, "name", {
    class: "mono",
    placeholder: "flights",
    readonly: existing ? "readonly" : null,
    id: "service-name",
  });
  form.replaceChildren(
    el(
      "header",
      { class: "dialog-head" },
      el("h2", { text: existing ? `Service ${draft.name}` : "Declare a service" }),
      el("span", { class: "spacer" }),
      el("button", { type: "button", class: "link", id: "service-close", text: "close", "aria-label": "Close" }),
    ),
    el("ul", { class: "form-errors", role: "alert", id: "service-errors" }),
    el(
      "div",
      { class: "line" },
      labelled("Name", name),
      labelled("Label", input(draft, "label", { placeholder: "Flights" })),
      labelled("Colour", input(draft, "colour", { type: "color" }), { class: "narrow" }),
    ),
    labelled("Description", input(draft, "description", { placeholder: "What the service is for" })),
    eventsSection(draft),
    el(
      "section",
      { class: "declare-actions", dataset: { path: "actions" } },
      el("h3", { text: "Actions" }),
      draft.actions.map((_, index) => actionSection(draft, index, { distributions, saved })),
      addButton("actions", "+ action"),
    ),
    el(
      "footer",
      { class: "dialog-foot" },
      el("span", {
        id: "service-status",
        class: `small ${status.kind || ""}`.trim(),
        role: "status",
        text: status.text || "",
      }),
      el("span", { class: "spacer" }),
      existing ? el("button", { type: "button", class: "danger", id: "service-delete", text: "Delete service" }) : null,
      el("button", { type: "button", id: "service-cancel", text: "Cancel" }),
      el("button", {
        type: "submit",
        class: "primary",
        id: "service-save",
        text: existing ? "Save service" : "Declare service",
      }),
    ),
  );
}

/** Show errors at their fields (placed: path → messages) and the rest at the top. */
export function serviceErrorsShow(form, placed, general) {
  const list = form.querySelector("#service-errors");
  list.replaceChildren(
    ...general.map(([key, message]) => el("li", { text: key === "network" ? message : `${key}: ${message}` })),
  );
  for (const [path, messages] of placed) {
    const target = form.querySelector(`[data-path="${CSS.escape(path)}"]`);
    const note = el("span", { class: "field-error", dataset: { errorFor: path }, text: messages.join(" · ") });
    if (["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName)) {
      target.classList.add("invalid");
      target.setAttribute("aria-invalid", "true");
      // Under the field: inside its label, or at the end of its row of fields.
      const label = target.closest("label");
      if (label) label.append(note);
      else if (target.parentElement.classList.contains("field-row")) target.parentElement.append(note);
      else target.after(note);
    } else {
      target.classList.add("invalid");
      target.append(note);
    }
  }
}

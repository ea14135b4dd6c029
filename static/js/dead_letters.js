// The dead-letters page: the messages given up on (GET /api/dead-letters), each with Resend and Discard and a
// reason; the answer replaces the row's buttons.

import { apiGet, errorText, request } from "./http.js";
import { el, clear, formatClock, shortId, testHooksExpose } from "./dom.js";
import { serviceLabel } from "./vocabulary.js";

const root = document.getElementById("dead-letters-page");
const rows = document.getElementById("dead-letters-rows");
const empty = document.getElementById("dead-letters-empty");
const status = document.getElementById("dead-letters-status");

function row(letter) {
  const reason = el("input", { type: "text", maxlength: "500", placeholder: "reason", "aria-label": "Reason" });
  const said = el("span", { class: "small" });
  const actions = el("div", { class: "row-actions" }, reason);
  const act = async (verb) => {
    for (const each of actions.querySelectorAll("button")) each.disabled = true;
    const answer = await request("POST", `/api/dead-letters/${letter.message_id}/${verb}`, { reason: reason.value });
    if (!answer.ok) {
      for (const each of actions.querySelectorAll("button")) each.disabled = false;
      said.textContent = errorText(answer);
      said.className = "small error";
      return;
    }
    clear(actions).append(
      el("span", {
        class: "small ok",
        text: verb === "resend" ? "Resent: on its way." : `Discarded: ${answer.data.outcome}.`,
      }),
    );
    actions.closest("tr").dataset.done = verb; // the row stays; its buttons are gone
  };
  const resend = el("button", {
    type: "button",
    class: "primary",
    text: "Resend",
    onclick: () => act("resend"),
  });
  const discard = el("button", { type: "button", text: "Discard", onclick: () => act("discard") });
  actions.append(resend, discard, said);
  return el(
    "tr",
    { dataset: { messageId: letter.message_id } },
    el("td", {}, el("a", { href: `/runs/${letter.run_id}/`, class: "mono", text: shortId(letter.run_id) })),
    el("td", { title: letter.message_id }, `${letter.kind} ${letter.type}`),
    el("td", {}, `${serviceLabel(letter.target_service)} · ${letter.step_id}`),
    el("td", { text: letter.attempt }),
    el("td", { text: letter.resends }),
    el("td", { class: "error-text", text: letter.last_error || "–" }),
    el("td", { title: letter.created_at, text: formatClock(letter.created_at) }),
    el("td", {}, actions),
  );
}

async function load() {
  root.dataset.state = "loading";
  status.textContent = "loading…";
  try {
    const data = await apiGet("/api/dead-letters?limit=500");
    clear(rows).append(...data.results.map(row));
    empty.hidden = data.results.length > 0;
    status.textContent = `${data.results.length} dead letter${data.results.length === 1 ? "" : "s"}`;
    root.dataset.count = String(data.results.length);
    root.dataset.state = "ready";
  } catch (error) {
    status.textContent = `Could not load the dead letters: ${error.message}`;
    status.className = "error";
    root.dataset.state = "error";
  }
}

document.getElementById("dead-letters-refresh").addEventListener("click", () => load());
testHooksExpose({ load });
load();

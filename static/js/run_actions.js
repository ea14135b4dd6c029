// The run page's operator actions: "Cancel run" while the run is running, "Re-run" once it has ended, each
// with an optional reason (recorded on the run with the operator's name), and what the server answered.

import { request, errorText } from "./http.js";
import { el, clear, shortId } from "./dom.js";
import { vocabulary } from "./vocabulary.js";

export class RunActions {
  /** @param {HTMLElement} card the #run-actions card (absent for viewers: then nothing is done) */
  constructor(card, runId) {
    this.card = card;
    this.runId = runId;
    if (!card) return;
    this.reason = card.querySelector("#action-reason");
    this.cancelButton = card.querySelector("#run-cancel");
    this.rerunButton = card.querySelector("#run-rerun");
    this.result = card.querySelector("#action-result");
    this.cancelButton.addEventListener("click", () => this.cancel());
    this.rerunButton.addEventListener("click", () => this.rerun());
  }

  /** Offer what applies to the run as it stands now. */
  statusShow(status) {
    if (!this.card) return;
    const final = (vocabulary().final_run_statuses || []).includes(status);
    this.cancelButton.hidden = status !== "running";
    this.rerunButton.hidden = !final;
    this.card.dataset.status = status;
  }

  async cancel() {
    const answer = await this.post(`/api/runs/${this.runId}/cancel`, this.cancelButton);
    if (answer.ok) this.say(answer.data.detail, "ok");
  }

  async rerun() {
    const answer = await this.post(`/api/runs/${this.runId}/rerun`, this.rerunButton);
    if (!answer.ok) return;
    const id = answer.data.run_id;
    clear(this.result).className = "small ok";
    this.result.append(
      "Re-run started: ",
      el("a", { href: `/runs/${id}/`, id: "rerun-link", text: `run ${shortId(id)}` }),
    );
  }

  async post(path, button) {
    button.disabled = true;
    this.say("…", "muted");
    const answer = await request("POST", path, { reason: this.reason.value });
    button.disabled = false;
    if (!answer.ok) this.say(errorText(answer), "error");
    return answer;
  }

  say(text, kind) {
    this.result.textContent = text;
    this.result.className = `small ${kind}`;
  }
}

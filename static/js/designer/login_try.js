// The sign-in-with-a-code demo: start a login-otp run, then enter the emailed code and watch the verdict.

import { errorText, request } from "../http.js";

const $ = (id) => document.getElementById(id);
const MESSAGES = {
  sending: "Sending the code…",
  code_sent: "Code sent. Enter it below.",
  checking: "Checking the code…",
  wrong_code: "That is not the code we sent. Try again.",
  signed_in: "Signed in: the code was right.",
  failed: "This login failed (the code expired, or too many checks). Start again.",
};
let loginId = null;
let watching = false;

function showState(login) {
  const status = $("otp-status");
  status.textContent = MESSAGES[login.status] || login.status;
  status.className =
    login.status === "signed_in" ? "ok" : ["wrong_code", "failed"].includes(login.status) ? "error" : "";
  status.dataset.status = login.status;
  $("otp-to").textContent = login.email || "";
  const link = $("otp-run");
  link.hidden = false;
  link.setAttribute("href", `/runs/${encodeURIComponent(login.run_id)}/`);
  $("otp-code").hidden = ["signed_in", "failed", "sending"].includes(login.status);
}

async function watch() {
  if (watching) return;
  watching = true;
  for (let i = 0; i < 600; i += 1) {
    const answer = await request("GET", `/api/logins/${encodeURIComponent(loginId)}`);
    if (answer.ok) {
      showState(answer.data);
      if (["signed_in", "failed", "wrong_code", "code_sent"].includes(answer.data.status) && i > 0) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  watching = false;
}

$("otp-start").addEventListener("submit", async (event) => {
  event.preventDefault();
  const pattern = document.querySelector('input[name="pattern"]:checked').value;
  const answer = await request("POST", "/api/logins", { email: $("otp-email").value, pattern });
  if (!answer.ok) {
    $("otp-status").textContent = errorText(answer);
    return;
  }
  loginId = answer.data.login_id;
  showState(answer.data);
  watch();
});

$("otp-code").addEventListener("submit", async (event) => {
  event.preventDefault();
  const answer = await request("POST", `/api/logins/${encodeURIComponent(loginId)}/code`, {
    code: $("otp-input").value,
  });
  if (!answer.ok) {
    $("otp-status").textContent = errorText(answer);
    return;
  }
  showState(answer.data);
  watch();
});

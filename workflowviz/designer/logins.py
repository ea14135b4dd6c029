"""Signing in with a one-time code: the user's side of the built-in `login-otp` design.

1. The user gives an email address (`login_start`): a run of login-otp starts with the trigger
   LoginRequested; its id is the login's id. Step `send_code` (Notifications) emails a code.
2. Step `verify_code` fails while no code was entered, and its retry policy asks again later
   (the timeline shows each check). The user types the code (`login_code_submit`): Notifications keeps
   its digest and the pending check is delivered at once instead of after its backoff.
3. The code matches: the step succeeds and so does the run ("signed in"). A wrong code fails that
   check; the user may try again until the step's attempts run out or the code expires.

This module is project-level glue (like the pages): it may know the engine and the Notifications app.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from notifications.selectors import login_code_state
from notifications.services import UnknownLogin, login_code_enter
from workflowviz.contracts import LoginRequested
from workflowviz.engine.models import EventRecord, OutboxMessage, Pattern, Run, RunStatus
from workflowviz.engine.relay import messages_enqueue
from workflowviz.engine.runs import run_begin, run_create

from .builtins import LOGIN_OTP, LOGIN_REQUESTED

LOGIN_DESIGN = LOGIN_OTP["slug"]
VERIFY_STEP = "verify_code"


class LoginProblem(Exception):
    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


def login_start(*, email: str, pattern: str = Pattern.ORCHESTRATION, design: str = LOGIN_DESIGN) -> Run:
    """Start a login run for `email`; its id is the login id."""
    with transaction.atomic():
        run = run_create(pattern=pattern, design_slug=design, trigger=LOGIN_REQUESTED)
        run_begin(run=run, trigger=LoginRequested(login_id=str(run.id), email=email))
    return run


def login_run(login_id: str) -> Run:
    try:
        return Run.objects.get(pk=uuid.UUID(str(login_id)), graph__trigger=LOGIN_REQUESTED)
    except (ValueError, Run.DoesNotExist):
        raise LoginProblem("no such login", status=404) from None


def login_code_submit(*, login_id: str, code: str) -> None:
    """Keep the code the user typed and wake the waiting verification step."""
    run = login_run(login_id)
    if run.status != RunStatus.RUNNING:
        raise LoginProblem(f"this login is over ({run.status})")
    try:
        with transaction.atomic():
            login_code_enter(login_id=str(run.id), code=code)
            _retry_now(run, VERIFY_STEP)
    except UnknownLogin as error:
        raise LoginProblem(str(error)) from None


def _retry_now(run: Run, step_id: str) -> None:
    """Deliver the step's pending check now instead of after its backoff: the user has answered."""
    now = timezone.now()
    waiting = list(
        OutboxMessage.objects.filter(run=run, step_id=step_id, processed_at__isnull=True, available_at__gt=now)
    )
    if not waiting:
        return  # a check is on its way or running; the next one sees the code
    OutboxMessage.objects.filter(pk__in=[message.pk for message in waiting]).update(available_at=now)
    for message in waiting:
        message.available_at = now
    transaction.on_commit(lambda: messages_enqueue(waiting))


def login_state(login_id: str) -> dict:
    """Where a login stands, for the page that waits on it (never the code)."""
    run = login_run(login_id)
    code = login_code_state(login_id=str(run.id))
    status = "sending"
    if run.status == RunStatus.SUCCEEDED:
        status = "signed_in"
    elif run.status != RunStatus.RUNNING:
        status = "failed"
    elif code and code["entered_at"]:
        wrong = EventRecord.objects.filter(
            run=run, step_id=VERIFY_STEP, kind="step.retried", at__gte=code["entered_at"]
        ).order_by("-seq")
        last = wrong.first()
        status = "wrong_code" if last and "LoginCodeWrong" in str(last.payload.get("error", "")) else "checking"
    elif code:
        status = "code_sent"
    return {
        "login_id": str(run.id),
        "run_id": str(run.id),
        "pattern": run.pattern,
        "status": status,
        "run_status": run.status,
        "email": code["email"] if code else None,
        "expires_at": code["expires_at"].isoformat() if code else None,
        "run_url": f"/runs/{run.id}/",
    }

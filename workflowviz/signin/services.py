"""Signing in with a one-time code: the user's side of the built-in `login-otp` design.

1. The user gives an email address (`login_start`): a run of login-otp starts with the trigger
   LoginRequested; its id is the login's id. Step `send_code` (Notifications) emails a code.
2. Step `verify_code` fails while no code was entered, and its retry policy asks again later (the
   timeline shows each check). The user types the code (`login_code_submit`): it travels to
   Notifications in the waiting check's own message (`message_amend`), which is due at once.
3. The code matches: the step succeeds and so does the run ("signed in"). A wrong code fails that check;
   the user may try again until the step's attempts run out or the code expires.

This app knows the engine, never Notifications: it speaks to it only through the run's messages.
"""

import time
import uuid

from django.db import transaction
from django.utils import timezone

from workflowviz.engine.design import graph_of
from workflowviz.engine.messages import message_amend
from workflowviz.engine.models import Pattern, Run, RunStatus
from workflowviz.engine.runs import run_begin, run_create

from .models import SignIn

LOGIN_DESIGN = "login-otp"
LOGIN_REQUESTED = "LoginRequested"
VERIFY_STEP = "verify_code"
SEND_STEP = "send_code"
WAIT_FOR_CHECK_SECONDS = 3.0


class LoginProblem(Exception):
    def __init__(self, message: str, status: int = 409):
        super().__init__(message)
        self.status = status


def login_start(*, email: str, pattern: str = Pattern.ORCHESTRATION, design: str = LOGIN_DESIGN) -> Run:
    """Start a login run for `email`; its id is the login id."""
    with transaction.atomic():
        run = run_create(pattern=pattern, design_slug=design, trigger=LOGIN_REQUESTED)
        SignIn.objects.create(login_id=run.id, email=email, pattern=pattern)
        run_begin(run=run, trigger=LOGIN_REQUESTED, data={"login_id": str(run.id), "email": email})
    return run


def sign_in_get(login_id: str) -> SignIn:
    try:
        return SignIn.objects.get(pk=uuid.UUID(str(login_id)))
    except (ValueError, SignIn.DoesNotExist):
        raise LoginProblem("no such login", status=404) from None


def login_code_submit(*, login_id: str, code: str) -> None:
    """Send the code the user typed to the waiting check, which is delivered at once."""
    sign_in = sign_in_get(login_id)
    run = Run.objects.get(pk=sign_in.login_id)
    if run.status != RunStatus.RUNNING:
        raise LoginProblem(f"this login is over ({run.status})")
    lane = graph_of(run).step(VERIFY_STEP).service
    deadline = time.monotonic() + WAIT_FOR_CHECK_SECONDS
    # The check's message exists moments after the code email (the email and the event that starts the
    # check commit together in choreography; orchestration's coordinator sends it on the next hop).
    while not message_amend(run.id, step_id=VERIFY_STEP, fields={"entered_code": code.strip()}, lane=lane):
        if time.monotonic() > deadline:
            raise LoginProblem("no check is waiting for a code yet; try again in a moment")
        time.sleep(0.1)
    SignIn.objects.filter(pk=sign_in.pk).update(code_entered_at=timezone.now())

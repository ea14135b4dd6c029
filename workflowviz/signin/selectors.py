"""Where a sign-in stands, read from its run: what the engine recorded, never the code."""

from workflowviz.engine.models import EventRecord, Run, RunStatus
from workflowviz.engine.vocabulary import RecordKind

from .services import SEND_STEP, VERIFY_STEP, sign_in_get

CHECK_ENDED = (RecordKind.STEP_RETRIED, RecordKind.STEP_FAILED)


def _code_sent(run: Run) -> dict | None:
    """The send_code step's outcome (LoginCodeSent: when the code expires), once it succeeded."""
    record = EventRecord.objects.filter(run=run, step_id=SEND_STEP, kind=RecordKind.STEP_SUCCEEDED).first()
    return record.payload.get("result", {}) if record else None


def _checked_wrong(run: Run, entered_at) -> bool:
    """Whether a check that began after the code was entered (so it carried the code) failed: the code
    entered is not the one sent (or it expired)."""
    checks = EventRecord.objects.filter(run=run, step_id=VERIFY_STEP)
    carried = {
        record.payload.get("attempt") for record in checks.filter(kind=RecordKind.STEP_STARTED, at__gte=entered_at)
    }
    return any(record.payload.get("attempt") in carried for record in checks.filter(kind__in=CHECK_ENDED))


def login_state(login_id: str) -> dict:
    """Where a login stands, for the page that waits on it."""
    sign_in = sign_in_get(login_id)
    run = Run.objects.get(pk=sign_in.login_id)
    sent = _code_sent(run)
    status = "sending"
    if run.status == RunStatus.SUCCEEDED:
        status = "signed_in"
    elif run.status != RunStatus.RUNNING:
        status = "failed"
    elif sign_in.code_entered_at:
        status = "wrong_code" if _checked_wrong(run, sign_in.code_entered_at) else "checking"
    elif sent:
        status = "code_sent"
    return {
        "login_id": str(run.id),
        "run_id": str(run.id),
        "pattern": run.pattern,
        "status": status,
        "run_status": run.status,
        "email": sign_in.email,
        "expires_at": sent.get("expires_at") if sent else None,
        "run_url": f"/runs/{run.id}/",
    }

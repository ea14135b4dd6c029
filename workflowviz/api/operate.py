"""Operator actions over HTTP: cancel a run, re-run one or many, and the dead letters (list, resend, discard).

Every action needs the operator role and takes an optional `reason`; the engine writes who and why as an
event record on the run (workflowviz/engine/operator_actions.py).
"""

import uuid

from django.core.exceptions import ValidationError
from django.http import JsonResponse

from orders.services import order_place_again
from workflowviz.engine.models import OutboxMessage, Run
from workflowviz.engine.operator_actions import (
    DEAD_LETTERS_MAX,
    Refused,
    dead_letter_discard,
    dead_letter_json,
    dead_letter_resend,
    dead_letters,
    last_errors,
    reason_problem,
    run_cancel,
    run_rerun,
)
from workflowviz.engine.reconciler import MAX_RESENDS
from workflowviz.engine.selectors import run_summary_json
from workflowviz.roles import OPERATOR
from workflowviz.values import digits

from .auth import api_view, error_response, found_or_404
from .body import json_fields

BULK_MAX = 500
BULK_BYTES = 64 * 1024


def _body(request, required: set, *, limit: int | None = None):
    """(the body's fields, None) or (None, an error): an empty body is no fields; `reason` must be short text."""
    if request.META.get("CONTENT_LENGTH") in (None, "", "0") and not required:
        return {"reason": ""}, None
    data, problem = json_fields(request, required, {"reason"}, **({"limit": limit} if limit else {}))
    if problem:
        return None, problem
    data.setdefault("reason", "")
    why = reason_problem(data["reason"])
    if why:
        return None, error_response(422, {"reason": why})
    return data, None


def _refused(refused: Refused) -> JsonResponse:
    return error_response(409, {refused.field: refused.reason})


@api_view(["POST"])
def run_cancel_view(request, run_id):
    """POST /api/runs/{run_id}/cancel {"reason"}: undo what the run did (saga, or the design's failure event)."""
    run, problem = found_or_404(Run.objects, run_id, "run_id")
    if problem:
        return problem
    data, problem = _body(request, set())
    if problem:
        return problem
    try:
        started = run_cancel(run_id=run.pk, username=request.user.get_username(), reason=data["reason"])
    except Refused as refused:
        return _refused(refused)
    run.refresh_from_db()
    detail = "Cancelling: what the run did is being undone." if started else "Already cancelling: it is being undone."
    return JsonResponse({**run_summary_json(run), "detail": detail}, status=202 if started else 200)


def _starter(run: Run):
    """How a run is started again: an order's run by a new order with the same content, any other by the engine."""
    if run.order_id is None:
        return None

    def start(old: Run) -> Run:
        try:
            order = order_place_again(run=old)
        except ValidationError as error:
            why = " ".join(" ".join(messages) for messages in error.message_dict.values())
            raise Refused("run_id", f"Its order cannot be placed again: {why}") from None
        return Run.objects.get(pk=order.run_id)

    return start


def _rerun(run: Run, request, reason: str) -> Run:
    return run_rerun(run=run, username=request.user.get_username(), reason=reason, start=_starter(run))


@api_view(["POST"])
def run_rerun_view(request, run_id):
    """POST /api/runs/{run_id}/rerun {"reason"}: a new run of a finished one, same design version and input."""
    run, problem = found_or_404(Run.objects, run_id, "run_id")
    if problem:
        return problem
    data, problem = _body(request, set())
    if problem:
        return problem
    try:
        new = _rerun(run, request, data["reason"])
    except Refused as refused:
        return _refused(refused)
    return JsonResponse(
        {**run_summary_json(new), "run_url": f"/api/runs/{new.pk}", "page": f"/runs/{new.pk}/"}, status=201
    )


@api_view(["POST"])
def runs_rerun_view(request):
    """POST /api/runs/rerun {"run_ids": [...], "reason"}: re-run each finished run; say why for the others."""
    data, problem = _body(request, {"run_ids"}, limit=BULK_BYTES)
    if problem:
        return problem
    run_ids = data["run_ids"]
    if not isinstance(run_ids, list) or not run_ids or len(run_ids) > BULK_MAX:
        return error_response(422, {"run_ids": f"Must be a list of 1 to {BULK_MAX} run ids."})
    if not all(isinstance(run_id, str) and len(run_id) <= 64 for run_id in run_ids):
        return error_response(422, {"run_ids": "Every run id must be text (a run's uuid)."})
    started, refused = [], {}
    wanted = list(dict.fromkeys(run_ids))
    valid = [run_id for run_id in wanted if _is_uuid(run_id)]
    runs = {str(run.pk): run for run in Run.objects.filter(pk__in=valid)}
    for run_id in wanted:
        run = runs.get(str(uuid.UUID(run_id))) if run_id in valid else None
        if run_id not in valid:
            refused[run_id] = "Not a run id."
        elif run is None:
            refused[run_id] = "No such run."
        else:
            try:
                new = _rerun(run, request, data["reason"])
            except Refused as why:
                refused[run_id] = why.reason
                continue
            started.append({"run_id": str(new.pk), "rerun_of": str(run.pk)})
    return JsonResponse({"started": started, "refused": refused})


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@api_view(["GET"], read_role=OPERATOR)
def dead_letters_view(request):
    """GET /api/dead-letters?limit=&run_id=: the messages given up on, oldest first."""
    limit, run_id = request.GET.get("limit", "100"), request.GET.get("run_id")
    errors = {}
    if not digits(limit) or not 1 <= int(limit) <= DEAD_LETTERS_MAX:
        errors["limit"] = f"Must be a whole number from 1 to {DEAD_LETTERS_MAX}."
    if run_id is not None and not _is_uuid(run_id):
        errors["run_id"] = "Not a run id."
    if errors:
        return error_response(400, errors)
    messages = dead_letters(limit=int(limit), run_id=run_id)
    errors_by_id = last_errors([str(message.pk) for message in messages])
    return JsonResponse(
        {
            "max_resends": MAX_RESENDS,
            "results": [dead_letter_json(message, errors_by_id.get(str(message.pk), "")) for message in messages],
        }
    )


def _dead_letter_action(request, message_id, action):
    message, problem = found_or_404(OutboxMessage.objects, message_id, "message_id")
    if problem:
        return None, problem
    data, problem = _body(request, set())
    if problem:
        return None, problem
    try:
        done = action(
            message_id=message.pk, run_id=message.run_id, username=request.user.get_username(), reason=data["reason"]
        )
    except Refused as refused:
        return None, _refused(refused)
    return (message, done), None


@api_view(["POST"])
def dead_letter_resend_view(request, message_id):
    """POST /api/dead-letters/{message_id}/resend {"reason"}: send it again now (the reconciler's count starts over)."""
    done, problem = _dead_letter_action(request, message_id, dead_letter_resend)
    if problem:
        return problem
    _, message = done
    return JsonResponse({**dead_letter_json(message), "resent": True})


@api_view(["POST"])
def dead_letter_discard_view(request, message_id):
    """POST /api/dead-letters/{message_id}/discard {"reason"}: mark it handled; its step failed for good."""
    done, problem = _dead_letter_action(request, message_id, dead_letter_discard)
    if problem:
        return problem
    message, outcome = done
    return JsonResponse({"message_id": str(message.pk), "run_id": str(message.run_id), "outcome": outcome})

"""`Idempotency-Key`: a write retried with the same key and body gets its first answer and creates nothing new.

A client that lost an answer (a dropped connection, a closed tab) cannot know whether its order was placed;
sending the request again with the same key is then safe. Keys are per user and live 24 hours.
A resumable view (a burst chunk, whose orders each carry a reference: Order.client_ref) is also run again
when the request holding its key died with the server half-way: see TAKE_OVER_AFTER.
"""

import enum
import hashlib
import json
import math
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse, RawPostDataException
from django.utils import timezone

from .auth import error_response
from .body import BadJson, json_parse
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_LIFETIME = timedelta(hours=24)
# A request still "processing" after this long died with its server: what it created is unknown.
ABANDONED_AFTER = timedelta(minutes=5)
# A resumable view's key still "processing" after this long is taken over and the view runs again. A burst
# chunk (at most 100 orders) is placed in a few seconds even on a busy machine, so a request this old died
# with its server; were it only slow, running again is still safe: each order's reference places it once.
TAKE_OVER_AFTER = timedelta(seconds=30)


class Claim(enum.Enum):
    NEW = "new"  # this request runs and its answer is kept
    TAKEN_OVER = "taken_over"  # the first request died half-way: this one runs again (resumable views only)
    REPLAY = "replay"  # answered before: send that answer again
    IN_PROGRESS = "in_progress"  # the first request with this key has not answered yet
    ABANDONED = "abandoned"  # the first request never answered
    OTHER_REQUEST = "other_request"  # the key was used for a different request


@dataclass(frozen=True)
class Claimed:
    claim: Claim
    row: IdempotencyKey


def idempotency_key_problem(value: str) -> str | None:
    """Why a header value cannot be a key, or None: 1 to 255 printable ASCII characters."""
    if not value or len(value) > MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in value):
        return f"Must be 1 to {MAX_KEY_LENGTH} printable ASCII characters."
    return None


def request_digest(*, method: str, path: str, body: bytes) -> str:
    """What identifies a request: its method, path and body (JSON compared by value, key order aside)."""
    try:
        canonical = json.dumps(json_parse(body, limit=len(body), strict=False), sort_keys=True, separators=(",", ":"))
        content = canonical.encode()
    except BadJson:
        content = body
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), content])).hexdigest()


def idempotency_keys_prune(*, now=None) -> int:
    """Forget keys older than KEY_LIFETIME; returns how many."""
    cutoff = (now or timezone.now()) - KEY_LIFETIME
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def idempotency_key_claim(
    *, user, key: str, digest: str, now=None, take_over_after: timedelta | None = None
) -> Claimed:
    """Take `key` for this request, or say what the earlier request with it was and did.

    With `take_over_after`, a key still processing for longer than that is taken over (TAKEN_OVER).
    """
    now = now or timezone.now()
    idempotency_keys_prune(now=now)
    # A released key can vanish between the failed insert and the read; another retry can take one over.
    for _ in range(3):
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(user=user, key=key, request_digest=digest, created_at=now)
            return Claimed(Claim.NEW, row)
        except IntegrityError:
            row = IdempotencyKey.objects.filter(user=user, key=key).first()
        if row is None:
            continue
        if row.request_digest != digest:
            return Claimed(Claim.OTHER_REQUEST, row)
        if row.status_code is not None:
            return Claimed(Claim.REPLAY, row)
        if take_over_after is not None and now - row.created_at > take_over_after:
            if _take_over(row, now):
                return Claimed(Claim.TAKEN_OVER, row)
            continue  # another retry took it over first: read it again
        return Claimed(Claim.ABANDONED if now - row.created_at > ABANDONED_AFTER else Claim.IN_PROGRESS, row)
    raise RuntimeError(f"idempotency key {key[:40]!r} could neither be taken nor read")


def _take_over(row: IdempotencyKey, now) -> bool:
    """Restart the key's clock for this request; False when another retry took it over first."""
    taken = IdempotencyKey.objects.filter(pk=row.pk, status_code__isnull=True, created_at=row.created_at).update(
        created_at=now
    )
    if taken:
        row.created_at = now
    return taken == 1


def idempotency_key_wait(*, row: IdempotencyKey, take_over_after: timedelta, now=None) -> int:
    """Whole seconds until a retry of a resumable view may take the key over (at least 1)."""
    left = row.created_at + take_over_after - (now or timezone.now())
    return max(1, math.ceil(left.total_seconds()))


def idempotency_key_ref(request) -> str | None:
    """A reference for what this request creates: the user and the row of the key it holds (None without one).

    The row, not the key's text: a key forgotten after KEY_LIFETIME and used again is a new request, while a
    request that takes a key over keeps its row.
    """
    row = getattr(request, "idempotency_key", None)
    return f"u{request.user.pk}:k{row.pk}" if row else None


def idempotency_key_answer(*, row: IdempotencyKey, status_code: int, body: str) -> None:
    """Keep the answer a request got, to give it again."""
    IdempotencyKey.objects.filter(pk=row.pk).update(status_code=status_code, response_body=body)


def idempotency_key_release(*, row: IdempotencyKey) -> None:
    """Free the key of a request that created nothing (refused input), so a corrected request may use it."""
    IdempotencyKey.objects.filter(pk=row.pk, status_code__isnull=True).delete()


REFUSALS = {
    Claim.IN_PROGRESS: (409, "A request with this key is still being processed; retry in a moment."),
    Claim.ABANDONED: (
        409,
        "The request with this key never finished (the server stopped); what it created is unknown. "
        "Check, then use a new key.",
    ),
    Claim.OTHER_REQUEST: (422, "This key was already used for a different request (another body or path)."),
}


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(row.response_body, status=row.status_code, content_type="application/json")
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(view=None, *, resumable: bool = False):
    """Honour an `Idempotency-Key` header on POST (inside `api_view`: the caller is known).

    A 2xx answer is kept and given again to the same key and body; any other answer created nothing (refused
    input), so the key is released. If the view raises, the key stays taken: what was created is unknown.
    `resumable=True` declares that the view may safely run again after a request died half-way (what it
    creates carries `idempotency_key_ref`): a key processing longer than TAKE_OVER_AFTER is taken over, and
    a younger one answers 409 with Retry-After saying when to ask again.
    """
    if view is None:
        return lambda view: idempotent(view, resumable=resumable)
    take_over_after = TAKE_OVER_AFTER if resumable else None

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST" or HEADER not in request.headers:
            return view(request, *args, **kwargs)
        key = request.headers[HEADER]
        problem = idempotency_key_problem(key)
        if problem:
            return error_response(400, {HEADER: problem})
        try:
            body = request.body
        except (RequestDataTooBig, RawPostDataException):
            # Too large, or a form the CSRF check already parsed: the body reader refuses it (413, 415).
            return view(request, *args, **kwargs)
        digest = request_digest(method=request.method, path=request.path, body=body)
        claimed = idempotency_key_claim(user=request.user, key=key, digest=digest, take_over_after=take_over_after)
        if claimed.claim is Claim.REPLAY:
            return _replay(claimed.row)
        if claimed.claim in REFUSALS:
            status, reason = REFUSALS[claimed.claim]
            response = error_response(status, {HEADER: reason})
            if claimed.claim is Claim.IN_PROGRESS and resumable:
                response["Retry-After"] = str(idempotency_key_wait(row=claimed.row, take_over_after=take_over_after))
            return response
        request.idempotency_key = claimed.row  # for idempotency_key_ref
        response = view(request, *args, **kwargs)
        if 200 <= response.status_code < 300:
            idempotency_key_answer(row=claimed.row, status_code=response.status_code, body=response.content.decode())
        else:
            idempotency_key_release(row=claimed.row)
        return response

    return wrapper

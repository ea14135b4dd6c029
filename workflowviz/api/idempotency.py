"""`Idempotency-Key`: a write retried with the same key and body gets its first answer and creates nothing new.

A client that lost an answer (a dropped connection, a closed tab) cannot know whether its order was placed;
sending the request again with the same key is then safe. Keys are per user and live 24 hours.
"""

import enum
import hashlib
import json
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


class Claim(enum.Enum):
    NEW = "new"  # this request runs and its answer is kept
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


def idempotency_key_claim(*, user, key: str, digest: str, now=None) -> Claimed:
    """Take `key` for this request, or say what the earlier request with it was and did."""
    now = now or timezone.now()
    idempotency_keys_prune(now=now)
    for _ in range(3):  # a released key can vanish between the failed insert and the read
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
        return Claimed(Claim.ABANDONED if now - row.created_at > ABANDONED_AFTER else Claim.IN_PROGRESS, row)
    raise RuntimeError(f"idempotency key {key[:40]!r} could neither be taken nor read")


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


def idempotent(view):
    """Honour an `Idempotency-Key` header on POST (inside `api_view`: the caller is known).

    A 2xx answer is kept and given again to the same key and body; any other answer created nothing (refused
    input), so the key is released. If the view raises, the key stays taken: what was created is unknown.
    """

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
        claimed = idempotency_key_claim(user=request.user, key=key, digest=digest)
        if claimed.claim is Claim.REPLAY:
            return _replay(claimed.row)
        if claimed.claim in REFUSALS:
            status, reason = REFUSALS[claimed.claim]
            return error_response(status, {HEADER: reason})
        response = view(request, *args, **kwargs)
        if 200 <= response.status_code < 300:
            idempotency_key_answer(row=claimed.row, status_code=response.status_code, body=response.content.decode())
        else:
            idempotency_key_release(row=claimed.row)
        return response

    return wrapper

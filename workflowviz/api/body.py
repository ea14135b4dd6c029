"""The one reader of JSON request bodies: bounded size and nesting, JSON only (by its Content-Type too),
an object at the top.

`strict` also refuses duplicate keys and NaN/Infinity (designs and service declarations, which are
stored and exported as they came).
"""

import json
import math

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from workflowviz.values import digits

from .auth import error_response

MAX_BODY_BYTES = 16 * 1024
MAX_DEPTH = 12


class BadJson(ValueError):
    """The body is not a JSON document we are willing to read."""


def _reject_constant(name: str):
    raise BadJson(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJson(f"number out of range: {text[:20]}")
    return value


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise BadJson(f"duplicate key {key[:40]!r}")
        result[key] = value
    return result


def json_depth_exceeds(raw: str, limit: int) -> bool:
    """Whether brackets nest deeper than `limit` (strings skipped), checked before parsing."""
    depth = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def json_parse(raw: bytes | str, *, limit: int, strict: bool = True, depth: int = MAX_DEPTH) -> object:
    """Parse untrusted JSON: bounded size and depth; strict: no NaN/Infinity, no duplicate keys. Raises BadJson."""
    if len(raw) > limit:
        raise BadJson(f"larger than {limit} bytes")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BadJson("not UTF-8") from None
    if json_depth_exceeds(text, depth):
        raise BadJson(f"nested deeper than {depth} levels")
    hooks = {}
    if strict:
        hooks = {
            "object_pairs_hook": _no_duplicate_keys,
            "parse_constant": _reject_constant,
            "parse_float": _finite_float,
        }
    try:
        return json.loads(text, **hooks)
    except BadJson:
        raise
    except (ValueError, RecursionError) as error:
        raise BadJson(f"malformed JSON: {str(error)[:200]}") from None


def _declares_json(request) -> bool:
    """application/json, or a structured `+json` type (the charset parameter is ignored: JSON is UTF-8)."""
    content_type = request.content_type or ""  # lower-cased by Django, parameters split off
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def json_read(request, *, limit: int = MAX_BODY_BYTES, strict: bool = False) -> tuple[object, JsonResponse | None]:
    """(the body's JSON, None) or (None, an error response): 413 too large, 415 not sent as JSON,
    400 not JSON we accept."""
    too_large = error_response(413, {"body": f"At most {limit} bytes."})
    # Refuse by the declared length before reading: nothing is read, and over DATA_UPLOAD_MAX_MEMORY_SIZE
    # reading would raise RequestDataTooBig (workflowviz.errors would answer a 413 without our limit).
    declared = request.META.get("CONTENT_LENGTH") or ""
    if digits(declared, max_digits=20) and int(declared) > limit:
        return None, too_large
    # A form post or text/plain is refused by its type, so a client learns to send the header rather
    # than have its form encoding read as (malformed) JSON. Checked before reading: a multipart body
    # already parsed (for a CSRF token) cannot be read again as raw bytes.
    not_json = error_response(415, {"content_type": "Send the body as JSON, with Content-Type: application/json."})
    if request.content_type and not _declares_json(request):
        return None, not_json
    try:
        raw = request.body
    except RequestDataTooBig:
        return None, too_large
    if len(raw) > limit:
        return None, too_large
    if not raw.strip():
        return None, error_response(400, {"body": "Empty: send a JSON object."})
    if not request.content_type:  # a body, but no type at all
        return None, not_json
    try:
        return json_parse(raw, limit=limit, strict=strict), None
    except BadJson as error:
        return None, error_response(400, {"body": f"Not a JSON document we accept: {error}"})


def json_object(
    request, *, limit: int = MAX_BODY_BYTES, strict: bool = False
) -> tuple[dict | None, JsonResponse | None]:
    """The body's JSON object, or an error response (400 for any other JSON)."""
    data, problem = json_read(request, limit=limit, strict=strict)
    if problem is None and not isinstance(data, dict):
        return None, error_response(400, {"body": "Send a JSON object."})
    return data, problem


def json_fields(
    request, required: set, optional: set, *, limit: int = MAX_BODY_BYTES
) -> tuple[dict | None, JsonResponse | None]:
    """The JSON object of the request with every required field and no unknown one; else a 400."""
    data, problem = json_object(request, limit=limit)
    if problem:
        return None, problem
    errors = {name: "This field is required." for name in sorted(required - data.keys())}
    errors.update({str(name)[:40]: "Unknown field." for name in sorted(data.keys() - required - optional)})
    if errors:
        return None, error_response(400, errors)
    return data, None

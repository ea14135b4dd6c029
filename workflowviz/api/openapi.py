"""The OpenAPI 3.1 description of the HTTP API, served at /api/openapi.json."""

from django.http import JsonResponse

from workflowviz.compare.openapi import comparison_paths
from workflowviz.designer.openapi import workflow_paths
from workflowviz.metrics.openapi import metrics_paths

from .openapi_runs import runs_list_operation
from .openapi_services import DECLARE_SERVICE, START_RUN, services_paths

ERRORS = {
    "type": "object",
    "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    "required": ["errors"],
}
EVENT = {
    "type": "object",
    "properties": {
        "run_id": {"type": "string", "format": "uuid"},
        "seq": {"type": "integer"},
        "service": {"type": "string"},
        "kind": {"type": "string"},
        "step_id": {"type": "string"},
        "message_id": {"type": ["string", "null"]},
        "message_type": {"type": "string"},
        "payload": {"type": "object"},
        "at": {"type": "string", "format": "date-time"},
    },
}
RUN_SUMMARY = {
    "type": "object",
    "properties": {
        "run_id": {"type": "string", "format": "uuid"},
        "pattern": {"enum": ["orchestration", "choreography"]},
        "status": {"enum": ["running", "compensating", "succeeded", "failed", "compensated"]},
        "result": {"type": "string", "description": "The end the run reached (its design's word)."},
        "workflow": {"type": "string"},
        "workflow_version": {"type": "integer"},
        "order_id": {"type": ["integer", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
STEP = {
    "type": "object",
    "properties": {
        "step_id": {"type": "string"},
        "service": {"type": "string"},
        "action": {"type": "string"},
        "status": {"type": "string"},
        "attempts": {"type": "integer"},
        "queued_at": {"type": ["string", "null"]},
        "started_at": {"type": ["string", "null"]},
        "finished_at": {"type": ["string", "null"]},
        "error": {"type": "string"},
    },
}


FAULTS = {
    "type": "object",
    "properties": {
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "service": {"type": "string"},
                    "down": {"type": "boolean"},
                    "deliver_twice": {"type": "integer"},
                },
            },
        }
    },
}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ERRORS}}}


def _ok(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


UNAUTHORIZED = _error("Not logged in and no valid bearer token.")
OBJECT = {"type": "object"}


def _json_body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _post(summary, request_schema, responses):
    responses = {**responses, "401": UNAUTHORIZED}
    return {"post": {"summary": summary, "requestBody": _json_body(request_schema), "responses": responses}}


# The dashboard's endpoints (workflowviz/api/dashboard.py).
DASHBOARD_PATHS = {
    "/api/services": {
        "post": DECLARE_SERVICE,
        "get": {
            "summary": (
                "Each service queue: jobs queued, in flight (started), failed, scheduled, its workers, and "
                "given_up: why its worker is no longer restarted (it kept dying), or null."
            ),
            "responses": {
                "200": _ok("Health per service.", {"type": "object", "properties": {"services": {"type": "array"}}}),
                "401": UNAUTHORIZED,
                "503": _error("Redis does not answer."),
            },
        },
    },
    "/api/orders/burst": _post(
        "Place up to 100 orders at once (send bigger bursts in chunks); pattern 'both' alternates.",
        {
            "type": "object",
            "required": ["count", "customer_email", "sku", "quantity", "pattern"],
            "additionalProperties": False,
            "properties": {
                "count": {"type": "integer", "minimum": 1, "maximum": 100},
                "customer_email": {"type": "string", "format": "email", "maxLength": 254},
                "sku": {"type": "string"},
                "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
                "pattern": {"enum": ["orchestration", "choreography", "both"]},
                "region": {"enum": ["north", "south", "east", "west"], "default": "north"},
                "offset": {"type": "integer", "minimum": 0, "description": "Index of the first order ('both')."},
                "latency_ms": {
                    "type": ["array", "null"],
                    "items": {"type": "integer", "minimum": 0, "maximum": 10000},
                    "minItems": 2,
                    "maxItems": 2,
                    "description": "Simulated latency [low, high] per step instead of the design's.",
                },
                "workflow": {"type": "string", "default": "order-fulfilment"},
                "policy": {
                    "type": "object",
                    "description": "Step policy overrides for every order of the chunk, as in POST /api/orders: "
                    '{"*" or a step id: {"failure_probability": 0..1, "latency_ms": [lo, hi], '
                    '"max_attempts": 1..10, "timeout_seconds": 1..3600, "backoff_seconds": 0..60}}; '
                    "errors are keyed 'policy.<path>'.",
                    "additionalProperties": {"type": "object"},
                },
            },
        },
        {
            "201": _ok(
                "Placed; 'stopped' says why the chunk ended early.",
                {
                    "type": "object",
                    "properties": {"count": {"type": "integer"}, "placed": {"type": "array"}, "stopped": OBJECT},
                },
            ),
            "400": _error("Malformed JSON, missing or unknown fields."),
            "403": _error("Session without a CSRF token."),
            "413": _error("Body too large."),
            "422": _error("A field's value is not acceptable; nothing was placed."),
        },
    ),
    "/api/run-statuses": _post(
        "The status of many runs at once (a burst's progress).",
        {
            "type": "object",
            "required": ["run_ids"],
            "additionalProperties": False,
            "properties": {
                "run_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}, "maxItems": 1000}
            },
        },
        {
            "200": _ok(
                "Run id → status, how many runs have each status, and why the failed or compensated ones ended so"
                " (reason → runs, from their records).",
                OBJECT,
            ),
            "400": _error("Malformed JSON, missing or unknown fields."),
            "403": _error("Session without a CSRF token."),
            "422": _error("Not a list of at most 1000 run ids."),
        },
    ),
}


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key (per user, for 24 h) with the same body gets the first "
    "answer again (status and JSON, with the header 'Idempotent-Replayed: true') and creates nothing new. "
    "Only 2xx answers are kept; a refused request frees its key.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}
IDEMPOTENT_POSTS = ["/api/orders", "/api/orders/burst", "/api/comparisons"]


def _idempotent(paths: dict) -> dict:
    """The POSTs that take an Idempotency-Key: the header and the answers it adds (copies: the path
    dicts are module constants)."""
    paths = dict(paths)
    for path in IDEMPOTENT_POSTS:
        post = paths[path]["post"]
        responses = post["responses"]
        paths[path] = {
            **paths[path],
            "post": {
                **post,
                "parameters": [*post.get("parameters", []), IDEMPOTENCY_KEY],
                "responses": {
                    **responses,
                    "400": _error(responses["400"]["description"] + " Or a malformed Idempotency-Key."),
                    "409": _error(
                        "A request with this Idempotency-Key is still being processed (or never finished). A burst "
                        "chunk's 409 has Retry-After: then a retry takes over a chunk whose first try died, and "
                        "places only its missing orders."
                    ),
                    "422": _error(
                        responses["422"]["description"] + " Or the Idempotency-Key was used for a different request."
                    ),
                },
            },
        }
    return paths


THROTTLED = {
    **_error("Too many failed sign-ins from this address (unknown bearer tokens included): wait Retry-After seconds."),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds until it may try again."}},
}


def _throttled(operation):
    """An operation that authenticates (it answers 401) may also answer 429 (workflowviz/signin/throttle.py)."""
    if not isinstance(operation, dict) or "401" not in operation.get("responses", {}):
        return operation
    return {**operation, "responses": {**operation["responses"], "429": THROTTLED}}


def _throttled_everywhere(paths: dict) -> dict:
    """Copies of `paths` with 429 wherever 401 is (the path dicts are module constants)."""
    return {path: {method: _throttled(operation) for method, operation in ops.items()} for path, ops in paths.items()}


def openapi_schema() -> dict:
    schema = {
        "openapi": "3.1.0",
        "info": {"title": "workflowviz API", "version": "1.0.0"},
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            }
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            **DASHBOARD_PATHS,
            "/api/products": {
                "get": {
                    "summary": "The product catalogue.",
                    "responses": {
                        "200": _ok("Products.", {"type": "object", "properties": {"results": {"type": "array"}}}),
                        "401": UNAUTHORIZED,
                    },
                }
            },
            "/api/orders": {
                "post": {
                    "summary": "Place an order; its run starts at once.",
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["customer_email", "sku", "quantity", "pattern"],
                            "additionalProperties": False,
                            "properties": {
                                "customer_email": {"type": "string", "format": "email", "maxLength": 254},
                                "sku": {"type": "string"},
                                "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
                                "pattern": {"enum": ["orchestration", "choreography"]},
                                "region": {"enum": ["north", "south", "east", "west"], "default": "north"},
                                "workflow": {"type": "string", "default": "order-fulfilment"},
                                "policy": {
                                    "type": "object",
                                    "description": 'Step policy overrides (faults): {"*" or a step id: '
                                    '{"failure_probability": 0..1, "latency_ms": [lo, hi], '
                                    '"max_attempts": 1..10, "timeout_seconds": 1..3600, '
                                    '"backoff_seconds": 0..60}}',
                                    "additionalProperties": {"type": "object"},
                                },
                            },
                        }
                    ),
                    "responses": {
                        "201": _ok(
                            "Placed.",
                            {
                                "type": "object",
                                "properties": {
                                    "order_id": {"type": "integer"},
                                    "run_id": {"type": "string", "format": "uuid"},
                                    "status": {"type": "string"},
                                    "pattern": {"type": "string"},
                                    "run_url": {"type": "string"},
                                },
                            },
                        ),
                        "400": _error("Malformed JSON, missing or unknown fields."),
                        "401": UNAUTHORIZED,
                        "403": _error("Session without a CSRF token."),
                        "413": _error("Body too large."),
                        "422": _error("A field's value is not acceptable (unknown SKU, quantity, email…)."),
                    },
                }
            },
            "/api/faults": {
                "get": {
                    "summary": "The fault switches of every service.",
                    "responses": {"200": _ok("Switches.", FAULTS), "401": UNAUTHORIZED},
                },
                "post": {
                    "summary": "Take a service down or up; deliver its next N messages twice (operator role).",
                    "requestBody": _json_body(
                        {
                            "type": "object",
                            "required": ["service"],
                            "additionalProperties": False,
                            "properties": {
                                "service": {"type": "string"},
                                "down": {"type": "boolean"},
                                "deliver_twice": {"type": "integer", "minimum": 0, "maximum": 10000},
                            },
                        }
                    ),
                    "responses": {
                        "200": _ok("Switches after the change.", FAULTS),
                        "400": _error("Malformed JSON or unknown fields."),
                        "401": UNAUTHORIZED,
                        "403": _error("Not an operator, or a session without a CSRF token."),
                        "422": _error("Unknown service or bad value."),
                    },
                },
            },
            "/api/runs": {
                "post": START_RUN,
                "get": runs_list_operation(run_summary=RUN_SUMMARY, ok=_ok, error=_error, unauthorized=UNAUTHORIZED),
            },
            "/api/runs/{run_id}": {
                "get": {
                    "summary": "A run: its steps and its event records in sequence order.",
                    "parameters": [
                        {
                            "name": "run_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        },
                        {
                            "name": "after_seq",
                            "in": "query",
                            "description": "Only the event records after this sequence number.",
                            "schema": {"type": "integer", "minimum": 0},
                        },
                    ],
                    "responses": {
                        "200": _ok(
                            "The run.",
                            {
                                "allOf": [
                                    RUN_SUMMARY,
                                    {
                                        "type": "object",
                                        "properties": {
                                            "graph": {"type": "object"},
                                            "steps": {"type": "array", "items": STEP},
                                            "events": {"type": "array", "items": EVENT},
                                            "last_seq": {"type": "integer"},
                                        },
                                    },
                                ]
                            },
                        ),
                        "400": _error("Bad after_seq."),
                        "401": UNAUTHORIZED,
                        "404": _error("No such run."),
                    },
                }
            },
            **workflow_paths(),
            **metrics_paths(),
            **comparison_paths(),
            **services_paths(),
        },
    }
    schema["paths"] = _throttled_everywhere(_idempotent(schema["paths"]))
    return schema


def openapi_view(request):
    """Public, like the design JSON Schema: it documents formats and holds no data."""
    return JsonResponse(openapi_schema())

"""The operator actions' part of the OpenAPI description (workflowviz/api/operate.py; merged into /api/openapi.json)."""

ERRORS = {
    "type": "object",
    "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    "required": ["errors"],
}
REASON_BODY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "reason": {
            "type": "string",
            "maxLength": 500,
            "description": "Why (optional); recorded on the run with the operator's username.",
        }
    },
}
UUID = {"type": "string", "format": "uuid"}
DEAD_LETTER = {
    "type": "object",
    "properties": {
        "message_id": UUID,
        "run_id": UUID,
        "kind": {"enum": ["command", "reply", "event", "compensate"]},
        "type": {"type": "string"},
        "source_service": {"type": "string"},
        "target_service": {"type": "string"},
        "step_id": {"type": "string"},
        "attempt": {"type": "integer"},
        "resends": {"type": "integer", "description": "How often the reconciler sent it again."},
        "last_error": {"type": "string", "description": "The last line of its latest failed RQ job ('' if none)."},
        "created_at": {"type": "string", "format": "date-time"},
        "available_at": {"type": "string", "format": "date-time"},
    },
}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ERRORS}}}


def _ok(description, schema=None):
    return {"description": description, "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def _path_id(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description, "schema": UUID}


def _action(summary: str, parameter: dict, ok: dict, refused: str, body=REASON_BODY) -> dict:
    return {
        "post": {
            "summary": summary,
            "parameters": [parameter],
            "requestBody": {"required": False, "content": {"application/json": {"schema": body}}},
            "responses": {
                **ok,
                "400": _error("Malformed JSON or unknown fields."),
                "401": _error("Not logged in and no valid bearer token."),
                "403": _error("Not an operator, or a session without a CSRF token."),
                "404": _error("Malformed or unknown id."),
                "409": _error(refused),
                "413": _error("Body too large."),
                "415": _error("A body not sent as JSON."),
                "422": _error("The reason is not text of at most 500 characters."),
            },
        }
    }


RUN_ID = _path_id("run_id", "The run.")
MESSAGE_ID = _path_id("message_id", "The outbox message given up on.")


def operate_paths(run_summary: dict) -> dict:
    """The paths; `run_summary` is the API's schema of a run in a list."""
    return {
        "/api/runs/{run_id}/cancel": _action(
            "Cancel a running run (operator role): orchestration undoes it by the coordinator's saga, choreography "
            "by the design's failure event; it ends compensated (failed if a compensation fails).",
            RUN_ID,
            {
                "202": _ok("Cancelling: the run as it stands, with detail.", run_summary),
                "200": _ok("It was being undone already: nothing was done.", run_summary),
            },
            "The run already ended, e.g. {'run_id': 'The run already ended (succeeded).'}",
        ),
        "/api/runs/{run_id}/rerun": _action(
            "Re-run a finished run (operator role): a new run of the same design version, graph and input, linked "
            "by rerun_of; a run of an order places a new order with the same content.",
            RUN_ID,
            {"201": _ok("The new run.", run_summary)},
            "The run has not ended, or its order cannot be placed again (stock).",
        ),
        "/api/runs/rerun": {
            "post": {
                "summary": "Re-run up to 500 runs (operator role): the finished ones are started again; the others "
                "are refused with the reason, by run id.",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["run_ids"],
                                "additionalProperties": False,
                                "properties": {
                                    "run_ids": {"type": "array", "items": UUID, "minItems": 1, "maxItems": 500},
                                    "reason": REASON_BODY["properties"]["reason"],
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _ok(
                        "What was started and what was refused.",
                        {
                            "type": "object",
                            "properties": {
                                "started": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {"run_id": UUID, "rerun_of": UUID},
                                    },
                                },
                                "refused": {"type": "object", "additionalProperties": {"type": "string"}},
                            },
                        },
                    ),
                    "400": _error("Malformed JSON, no run_ids, or unknown fields."),
                    "401": _error("Not logged in and no valid bearer token."),
                    "403": _error("Not an operator, or a session without a CSRF token."),
                    "413": _error("Body too large (64 KiB)."),
                    "415": _error("A body not sent as JSON."),
                    "422": _error("run_ids is not a list of 1 to 500 ids, or a bad reason."),
                },
            }
        },
        "/api/dead-letters": {
            "get": {
                "summary": "The messages given up on (operator role): not processed after the reconciler sent them "
                "again max_resends times. Oldest first.",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                    {"name": "run_id", "in": "query", "description": "Only this run's.", "schema": UUID},
                ],
                "responses": {
                    "200": _ok(
                        "Dead letters.",
                        {
                            "type": "object",
                            "properties": {
                                "max_resends": {"type": "integer"},
                                "results": {"type": "array", "items": DEAD_LETTER},
                            },
                        },
                    ),
                    "400": _error("Bad limit or run_id."),
                    "401": _error("Not logged in and no valid bearer token."),
                    "403": _error("Not an operator."),
                },
            }
        },
        "/api/dead-letters/{message_id}/resend": _action(
            "Send a dead letter again now, through the relay; the reconciler's count of resends starts over.",
            MESSAGE_ID,
            {"200": _ok("The message as it is now, with resent: true.", DEAD_LETTER)},
            "Not a dead letter: it was processed, or the reconciler still sends it.",
        ),
        "/api/dead-letters/{message_id}/discard": _action(
            "Discard a dead letter: marked handled, so the reconciler stops; its step failed for good, so a running "
            "run is undone (a lost compensation ends the run failed; an ended run stays as it is).",
            MESSAGE_ID,
            {
                "200": _ok(
                    "What followed.",
                    {
                        "type": "object",
                        "properties": {"message_id": UUID, "run_id": UUID, "outcome": {"type": "string"}},
                    },
                )
            },
            "Not a dead letter: it was processed, or the reconciler still sends it.",
        ),
    }

"""OpenAPI paths of starting runs of any design and of declaring services (see api/services.py)."""

NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$"},
}
ACTION = {
    "name": "action",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"},
}
ERRORS = {"type": "object", "properties": {"errors": {"type": "object"}}, "required": ["errors"]}
FIELD = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "type": {"enum": ["string", "integer", "number", "boolean"]}},
}
OUTCOME = {
    "type": "object",
    "required": ["event"],
    "properties": {
        "event": {"type": "string", "description": "The outcome's event, in CamelCase."},
        "fields": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "value": {"type": "string", "description": "An expression."},
                },
            },
        },
        "weight": {"type": "number", "minimum": 0, "maximum": 1000},
        "when": {"type": "string", "description": 'A rule on the inputs, e.g. amount > 1000 or count("X") >= 3.'},
    },
}
ACTION_SCHEMA = {
    "type": "object",
    "required": ["name", "outcomes"],
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "inputs": {"type": "array", "items": {"type": "string"}},
        "outcomes": {"type": "array", "minItems": 1, "items": OUTCOME},
        "choice": {"enum": ["weighted", "rule"]},
        "latency_ms": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
        "latency_distribution": {"enum": ["uniform", "normal", "exponential"]},
        "failure_probability": {"type": "number", "minimum": 0, "maximum": 1},
        "compensation": {"type": "string", "description": "Another action of the service that undoes this one."},
        "idempotency": {"type": "object", "properties": {"key": {"type": "array", "items": {"type": "string"}}}},
    },
}
SERVICE_SCHEMA = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$"},
        "label": {"type": "string", "maxLength": 60},
        "colour": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        "description": {"type": "string"},
        "events": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "fields": {"type": "array", "items": FIELD}},
            },
        },
        "actions": {"type": "array", "items": ACTION_SCHEMA},
    },
}


def _json(description, schema=None):
    return {"description": description, "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


WRITE_ERRORS = {
    "400": _json("Not a JSON object.", ERRORS),
    "401": _json("Not logged in.", ERRORS),
    "403": _json("Not a designer.", ERRORS),
    "409": _json("The name is taken, or a design in use needs what would change.", ERRORS),
    "413": _json("Body too large.", ERRORS),
    "422": _json("A problem per field, by path (actions[0].outcomes[1].when: …).", ERRORS),
}


START_RUN = {
    "summary": "Start a run of any design: its trigger's input, checked field by field.",
    "requestBody": _body(
        {
            "type": "object",
            "required": ["workflow", "pattern", "input"],
            "properties": {
                "workflow": {"type": "string", "description": "The design's slug."},
                "pattern": {"enum": ["orchestration", "choreography"]},
                "input": {"type": "object", "description": "The fields of the design's trigger event."},
                "version": {"type": "integer", "minimum": 1, "description": "Default: the latest version."},
            },
        }
    ),
    "responses": {
        "201": _json("The run started."),
        "400": _json("Not a JSON object, a missing or unknown field.", ERRORS),
        "401": _json("Not logged in.", ERRORS),
        "403": _json("Not an operator.", ERRORS),
        "413": _json("Body too large.", ERRORS),
        "422": _json("Unknown design, bad pattern, or input.<field>: what is wrong.", ERRORS),
    },
}
DECLARE_SERVICE = {
    "summary": "Declare a service, its events and its actions, without code (designer).",
    "requestBody": _body(SERVICE_SCHEMA),
    "responses": {"201": _json("The declaration."), **WRITE_ERRORS},
}


def _read(summary: str, missing: str) -> dict:
    return {
        "summary": summary,
        "responses": {"200": _json("It."), "401": _json("Not logged in.", ERRORS), "404": _json(missing, ERRORS)},
    }


def _write(summary: str, body: dict | None, ok: str, status: str = "200") -> dict:
    answer = {"description": ok} if status == "204" else _json(ok)
    operation = {
        "summary": summary,
        "responses": {status: answer, **WRITE_ERRORS, "404": _json("No such service.", ERRORS)},
    }
    if body is not None:
        operation["requestBody"] = _body(body)
    return operation


def services_paths() -> dict:
    paths = {
        "/api/services/{name}": {
            "get": _read("A service's declaration (a coded one: read-only).", "No such service."),
            "put": _write("Replace a declared service's declaration.", SERVICE_SCHEMA, "Saved."),
            "delete": _write("Delete a declared service (its records table stays).", None, "Deleted.", "204"),
        },
        "/api/services/{name}/actions": {
            "post": _write("Add an action to a declared service.", ACTION_SCHEMA, "The service.", "201"),
        },
        "/api/services/{name}/actions/{action}": {
            "get": _read("One action.", "No such service or action."),
            "put": _write("Replace an action.", ACTION_SCHEMA, "The service."),
            "delete": _write("Delete an action, unless a design in use needs it.", None, "Deleted.", "204"),
        },
        "/api/vocabulary": {
            "get": {
                "summary": "Record kinds, statuses and every service (the browser's one list).",
                "responses": {"200": _json("The words."), "401": _json("Not logged in.", ERRORS)},
            },
        },
    }
    for path, item in paths.items():
        parameters = [NAME, ACTION] if "{action}" in path else [NAME] if "{name}" in path else []
        for operation in item.values():
            operation["parameters"] = parameters
    return paths

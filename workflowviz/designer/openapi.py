"""The designer's part of the OpenAPI description (merged into /api/openapi.json)."""

from .schema import DESIGN_SCHEMA

ERRORS = {
    "type": "object",
    "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    "required": ["errors"],
}
PROBLEM = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "examples": ["cycle", "unknown_action", "missing_field", "event_unconsumed"]},
        "severity": {"enum": ["error", "warning"]},
        "message": {"type": "string"},
        "where": {"type": "string", "description": "step:<id>, edge:<from>-><to>, or a field path."},
        "step": {"type": "string"},
        "edge": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}},
        "path": {"type": "string"},
    },
    "required": ["code", "severity", "message", "where"],
}
PROBLEMS = {
    "type": "object",
    "description": "`errors` names each error by where it is; `problems` has every error and warning.",
    "properties": {**ERRORS["properties"], "problems": {"type": "array", "items": PROBLEM}},
    "required": ["errors"],
}
DESIGN = {**{k: v for k, v in DESIGN_SCHEMA.items() if not k.startswith("$")}}
VERSION_INFO = {
    "type": "object",
    "properties": {
        "number": {"type": "integer"},
        "origin": {"enum": ["builtin", "editor", "api"]},
        "created_at": {"type": "string", "format": "date-time"},
        "created_by": {"type": ["string", "null"]},
        "used": {"type": "boolean", "description": "A run used it: it is immutable."},
        "first_used_at": {"type": ["string", "null"], "format": "date-time"},
        "runs": {"type": "integer"},
        "url": {"type": "string"},
    },
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": DESIGN_SCHEMA["properties"]["slug"]}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
UNAUTHORIZED = {
    "description": "Not logged in and no valid bearer token.",
    "content": {"application/json": {"schema": ERRORS}},
}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict) -> dict:
    """A required JSON request body of this schema."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(description, ERRORS)


BODY = _body({"$ref": "/api/workflows/schema.json"})
SAVE_ERRORS = {
    "400": _json("Not JSON we accept (malformed, nested too deep, duplicate keys), or the wrong shape.", PROBLEMS),
    "401": UNAUTHORIZED,
    "403": _error(
        "Not a designer, a session without a CSRF token, or (`design`) a built-in design changed by someone who "
        "is not an admin: copy it instead (POST /api/workflows/{slug}/copy)."
    ),
    "413": _error("Body larger than 256 KiB."),
    "422": _json("The design has errors (a cycle, an unknown action, a missing field…): each is named.", PROBLEMS),
}
LOGIN = {
    "type": "object",
    "properties": {
        "login_id": {"type": "string", "format": "uuid"},
        "run_id": {"type": "string", "format": "uuid"},
        "pattern": {"enum": ["orchestration", "choreography"]},
        "status": {"enum": ["sending", "code_sent", "checking", "wrong_code", "signed_in", "failed"]},
        "run_status": {"type": "string"},
        "email": {"type": ["string", "null"]},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "run_url": {"type": "string"},
    },
}


def workflow_paths() -> dict:
    return {
        "/api/workflows": {
            "get": {
                "summary": "Workflow designs, each with its latest version.",
                "parameters": [{"name": "trigger", "in": "query", "schema": DESIGN_SCHEMA["properties"]["trigger"]}],
                "responses": {"200": _json("Designs.", {"type": "object"}), "401": UNAUTHORIZED},
            },
            "post": {
                "summary": "Create a design (version 1) from its JSON.",
                "requestBody": BODY,
                "responses": {
                    "201": _json("Created.", DESIGN),
                    "409": _error("A design with this slug exists."),
                    **SAVE_ERRORS,
                },
            },
        },
        "/api/workflows/schema.json": {
            "get": {
                "summary": "The JSON Schema of a design, as import takes it and export gives it (no login needed).",
                "security": [],
                "responses": {"200": _json("JSON Schema 2020-12.", {"type": "object"})},
            }
        },
        "/api/workflows/validate": {
            "post": {
                "summary": "Validate a design without saving it: errors and warnings, message flow, Mermaid.",
                "requestBody": BODY,
                "responses": {
                    "200": _json(
                        "The verdict (a bad design is a normal answer here).",
                        {
                            "type": "object",
                            "properties": {
                                "valid": {"type": "boolean"},
                                "errors": {"type": "array", "items": PROBLEM},
                                "warnings": {"type": "array", "items": PROBLEM},
                                "preview": {"type": ["object", "null"]},
                                "mermaid": {"type": ["string", "null"]},
                            },
                        },
                    ),
                    "400": _error("Not JSON we accept."),
                    "401": UNAUTHORIZED,
                    "413": _error("Body larger than 256 KiB."),
                },
            }
        },
        "/api/workflows/{slug}": {
            "get": {
                "summary": "A design in the JSON format import takes (the latest version, or `version`).",
                "parameters": [SLUG, {"name": "version", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                "responses": {
                    "200": _json("The design.", DESIGN),
                    "401": UNAUTHORIZED,
                    "404": _error("No such design."),
                },
            }
        },
        "/api/workflows/{slug}/versions": {
            "get": {
                "summary": "The design's versions, newest first.",
                "parameters": [SLUG],
                "responses": {
                    "200": _json(
                        "Versions.",
                        {"type": "object", "properties": {"results": {"type": "array", "items": VERSION_INFO}}},
                    ),
                    "401": UNAUTHORIZED,
                    "404": _error("No such design."),
                },
            },
            "post": {
                "summary": "Save the design as a new version (the body's slug, if any, must be this one).",
                "parameters": [SLUG],
                "requestBody": BODY,
                "responses": {"201": _json("Saved.", DESIGN), "404": _error("No such design."), **SAVE_ERRORS},
            },
        },
        "/api/workflows/{slug}/versions/{number}": {
            "get": {
                "summary": "One version, with `version_info`.",
                "parameters": [SLUG, NUMBER],
                "responses": {
                    "200": _json("The version.", DESIGN),
                    "401": UNAUTHORIZED,
                    "404": _error("No such version."),
                },
            },
            "put": {
                "summary": "Change a version in place: only while no run has used it.",
                "parameters": [SLUG, NUMBER],
                "requestBody": BODY,
                "responses": {
                    "200": _json("Changed.", DESIGN),
                    "404": _error("No such version."),
                    "409": _error("A run used this version: save a new version instead."),
                    **SAVE_ERRORS,
                },
            },
        },
        "/api/workflows/{slug}/copy": {
            "post": {
                "summary": "Copy a design (how a designer changes a built-in): a new design owned by the caller, "
                "with the same steps.",
                "parameters": [SLUG],
                "requestBody": _body(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "slug": {
                                **DESIGN_SCHEMA["properties"]["slug"],
                                "description": "Default: <slug>-copy.",
                            },
                            "name": {
                                **DESIGN_SCHEMA["properties"]["name"],
                                "description": "Default: <name> (copy).",
                            },
                            "version": {
                                "type": "integer",
                                "minimum": 1,
                                "description": "The version copied (default: the latest).",
                            },
                        },
                    }
                ),
                "responses": {
                    "201": _json("The copy, version 1, with its `owner`.", DESIGN),
                    "404": _error("No such design or version."),
                    "409": _error("A design with this slug exists."),
                    **SAVE_ERRORS,
                },
            }
        },
        "/api/workflows/{slug}/diff": {
            "get": {
                "summary": "What changed between two versions (default: the latest and the one before).",
                "parameters": [
                    SLUG,
                    {"name": "from", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "to", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                ],
                "responses": {
                    "200": _json("The differences.", {"type": "object"}),
                    "401": UNAUTHORIZED,
                    "404": _error("No such version."),
                },
            }
        },
        "/api/workflows/{slug}/mermaid": {
            "get": {
                "summary": "The design as a Mermaid flowchart.",
                "parameters": [SLUG, {"name": "version", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                "responses": {
                    "200": {"description": "Mermaid text.", "content": {"text/plain": {"schema": {"type": "string"}}}},
                    "401": UNAUTHORIZED,
                    "404": _error("No such design."),
                },
            }
        },
        "/api/actions": {
            "get": {
                "summary": "The actions services offer (their commands and events), the triggers, the default policy.",
                "responses": {"200": _json("The palette.", {"type": "object"}), "401": UNAUTHORIZED},
            }
        },
        "/api/logins": {
            "post": {
                "summary": "Sign in with a one-time code: starts a run of login-otp, which emails a code.",
                "requestBody": _body(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["email"],
                        "properties": {
                            "email": {"type": "string", "format": "email"},
                            "pattern": {"enum": ["orchestration", "choreography"], "default": "orchestration"},
                        },
                    }
                ),
                "responses": {
                    "201": _json("Started.", LOGIN),
                    "400": _error("Bad body."),
                    "401": UNAUTHORIZED,
                    "422": _error("Bad email or pattern."),
                },
            }
        },
        "/api/logins/{login_id}": {
            "get": {
                "summary": "Where a login stands.",
                "parameters": [{"name": "login_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json("The login.", LOGIN), "401": UNAUTHORIZED, "404": _error("No such login.")},
            }
        },
        "/api/logins/{login_id}/code": {
            "post": {
                "summary": "Enter the code from the email; the verifying step checks it at once. Poll the login.",
                "parameters": [{"name": "login_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["code"],
                        "properties": {"code": {"type": "string"}},
                    }
                ),
                "responses": {
                    "202": _json("Being checked.", LOGIN),
                    "400": _error("Bad body."),
                    "401": UNAUTHORIZED,
                    "404": _error("No such login."),
                    "409": _error("The login is over, or no code was sent yet."),
                    "422": _error("Not a code."),
                },
            }
        },
    }

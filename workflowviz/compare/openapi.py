"""The comparisons' part of the OpenAPI description (merged into /api/openapi.json)."""

ERRORS = {
    "type": "object",
    "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    "required": ["errors"],
}
PATTERN_FIGURES = {
    "type": "object",
    "properties": {"orchestration": {"type": "object"}, "choreography": {"type": "object"}},
}
SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "url": {"type": "string"},
        "api_url": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "created_by": {"type": ["string", "null"]},
        "settings": {
            "type": "object",
            "properties": {
                "sku": {"type": "string"},
                "product_name": {"type": "string"},
                "quantity": {"type": "integer"},
                "customer_email": {"type": "string"},
                "region": {"type": "string"},
                "workflow": {"type": "string"},
                "policy": {"type": ["object", "null"]},
                "count": {"type": "integer", "description": "Orders per pattern."},
            },
        },
        "faults": {
            "type": ["array", "null"],
            "description": "The fault switches on when it started (null: Redis did not answer).",
            "items": {
                "type": "object",
                "properties": {
                    "service": {"type": "string"},
                    "down": {"type": "boolean"},
                    "deliver_twice": {"type": "integer"},
                },
            },
        },
        "faults_text": {"type": "array", "items": {"type": "string"}},
        "stopped": {"type": "object", "description": "Why fewer orders were placed than asked, by field."},
        "progress": {"type": "object", "description": "Per pattern: runs and finished runs (list only)."},
    },
}
DETAIL = {
    "allOf": [
        SUMMARY,
        {
            "type": "object",
            "properties": {
                "finished": {"type": "boolean", "description": "Every run reached a final status."},
                "runs": {
                    "type": "object",
                    "description": "Per pattern, each run's facts measured from its event records.",
                    "additionalProperties": {"type": "array", "items": {"type": "object"}},
                },
                "pairs": {"type": "array", "items": {"type": "object"}},
                "aggregate": PATTERN_FIGURES,
                "distribution": {
                    "type": "object",
                    "properties": {
                        "unit": {"const": "ms"},
                        "edges": {"type": "array", "items": {"type": "number"}},
                        "counts": {"type": "object"},
                    },
                },
                "table": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "key": {"type": "string"},
                            "label": {"type": "string"},
                            "orchestration": {"type": "string"},
                            "choreography": {"type": "string"},
                            "differs": {"type": "boolean"},
                        },
                    },
                },
                "notes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "topic": {"enum": ["coupling", "latency", "robustness", "observability", "extensibility"]},
                            "text": {"type": "string"},
                        },
                    },
                },
            },
        },
    ]
}
POLICY = {
    "type": ["object", "null"],
    "description": "Step policy overrides for every run of both patterns, as in POST /api/orders; "
    "errors are keyed 'policy.<path>'.",
    "additionalProperties": {"type": "object"},
}
# Any design: the same input N times per pattern (its trigger's fields; errors keyed input.<field>).
START_WITH_INPUT = {
    "type": "object",
    "required": ["workflow", "input", "count"],
    "additionalProperties": False,
    "properties": {
        "workflow": {"type": "string"},
        "input": {"type": "object", "description": "The fields of the design's trigger event."},
        "count": {"type": "integer", "minimum": 1, "maximum": 100, "description": "Runs per pattern."},
        "policy": POLICY,
    },
}
# A design started by an order (OrderPlaced): the same order N times per pattern.
START_ORDER = {
    "type": "object",
    "required": ["sku", "quantity", "customer_email", "count"],
    "additionalProperties": False,
    "properties": {
        "sku": {"type": "string"},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
        "customer_email": {"type": "string", "format": "email", "maxLength": 254},
        "count": {"type": "integer", "minimum": 1, "maximum": 100, "description": "Orders per pattern."},
        "region": {"enum": ["north", "south", "east", "west"], "default": "north"},
        "workflow": {"type": "string", "default": "order-fulfilment"},
        "policy": POLICY,
    },
}
START = {"oneOf": [START_ORDER, START_WITH_INPUT]}


def _json(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(description, ERRORS)


LIST = {"type": "object", "properties": {"results": {"type": "array", "items": SUMMARY}}}
UNAUTHORIZED = _error("Not logged in and no valid bearer token.")


def comparison_paths() -> dict:
    return {
        "/api/comparisons": {
            "get": {
                "summary": "Recent comparisons, newest first, with each pattern's progress.",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
                ],
                "responses": {
                    "200": _json("Comparisons.", LIST),
                    "400": _error("Bad limit."),
                    "401": UNAUTHORIZED,
                },
            },
            "post": {
                "summary": "Place the same order N times through each pattern, in pairs, under the faults now on "
                "(operator role).",
                "requestBody": {"required": True, "content": {"application/json": {"schema": START}}},
                "responses": {
                    "201": _json("Started; the result as GET /api/comparisons/{id} gives it.", DETAIL),
                    "400": _error("Malformed JSON, missing or unknown fields."),
                    "401": UNAUTHORIZED,
                    "403": _error("Not an operator, or a session without a CSRF token."),
                    "413": _error("Body too large."),
                    "422": _error("A field's value is not acceptable (count, SKU, stock, email, workflow, policy…)."),
                },
            },
        },
        "/api/comparisons/{comparison_id}": {
            "get": {
                "summary": "A comparison: each run's facts, the per-pattern table, latency distribution and notes.",
                "parameters": [
                    {
                        "name": "comparison_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "format": "uuid"},
                    }
                ],
                "responses": {
                    "200": _json("The comparison (live while its runs run).", DETAIL),
                    "401": UNAUTHORIZED,
                    "404": _error("No such comparison."),
                },
            }
        },
    }

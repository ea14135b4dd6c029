"""The metrics' part of the OpenAPI description (merged into /api/openapi.json)."""

ERRORS = {
    "type": "object",
    "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    "required": ["errors"],
}
PERCENTILES = {
    "type": "object",
    "description": "Milliseconds; null when n is 0. p95: 95% of the values are at most this. For windows "
    "over 1200 s the percentiles are read from the rollups' histograms: within ±5 % (n and max exact).",
    "properties": {
        "n": {"type": "integer"},
        "p50": {"type": ["number", "null"]},
        "p95": {"type": ["number", "null"]},
        "p99": {"type": ["number", "null"]},
        "max": {"type": ["number", "null"]},
    },
}
COUNTS = {
    "steps": {"type": "integer", "description": "Step states of the runs (any status)."},
    "finished": {"type": "integer"},
    "failed": {"type": "integer"},
    "retries": {"type": "integer"},
    "timeouts": {"type": "integer"},
    "compensations": {"type": "integer"},
    "wait_ms": {**PERCENTILES, "description": "Queued → started (the last attempt)."},
    "execution_ms": {**PERCENTILES, "description": "Started → finished."},
}
SERIES = {"type": "array", "items": {"type": ["integer", "null"]}}
METRICS = {
    "type": "object",
    "properties": {
        "window": {
            "type": "object",
            "properties": {
                "seconds": {"type": "integer"},
                "label": {"type": "string"},
                "start": {"type": "string", "format": "date-time"},
                "end": {"type": "string", "format": "date-time"},
            },
        },
        "filters": {"type": "object"},
        "workflows": {"type": "array", "items": {"type": "string"}},
        "runs": {"type": "integer", "description": "Runs started in the window (after the filters)."},
        "patterns": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "pattern": {"enum": ["orchestration", "choreography"]},
                    "runs_started": {"type": "integer"},
                    "runs_finished": {"type": "integer"},
                    "outcomes": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "latency_ms": {**PERCENTILES, "description": "End to end: run created → finished."},
                    "steps_finished": {"type": "integer"},
                    "runs_per_s": {"type": "number"},
                    "steps_per_s": {"type": "number"},
                },
            },
        },
        "throughput": {
            "type": "object",
            "description": "Counts per bucket of `bucket_seconds`, starting at `times`.",
            "properties": {
                "bucket_seconds": {"type": "integer"},
                "times": {"type": "array", "items": {"type": "string", "format": "date-time"}},
                "series": {"type": "array", "items": {"type": "object"}},
            },
        },
        "steps": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"pattern": {"type": "string"}, "step_id": {"type": "string"}, **COUNTS},
            },
        },
        "services": {
            "type": "array",
            "items": {"type": "object", "properties": {"service": {"type": "string"}, **COUNTS}},
        },
        "queues": {
            "type": "object",
            "description": "Per service and bucket: highest queued, in-flight and failed, fewest workers; "
            "null where no sample was taken.",
            "properties": {
                "bucket_seconds": {"type": "integer"},
                "times": {"type": "array", "items": {"type": "string", "format": "date-time"}},
                "samples": {"type": "integer"},
                "series": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "service": {"type": "string"},
                            "queued": SERIES,
                            "in_flight": SERIES,
                            "failed": SERIES,
                            "workers": SERIES,
                        },
                    },
                },
            },
        },
        "generated_at": {"type": "string", "format": "date-time"},
    },
}


def metrics_paths() -> dict:
    return {
        "/api/metrics": {
            "get": {
                "summary": "Throughput, latency percentiles per pattern, step and service, and queue depth "
                "over time, for the runs started in the last `window` seconds.",
                "parameters": [
                    {
                        "name": "window",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 60, "maximum": 86400, "default": 900},
                    },
                    {"name": "pattern", "in": "query", "schema": {"enum": ["orchestration", "choreography"]}},
                    {
                        "name": "workflow",
                        "in": "query",
                        "description": "A design's slug; only its runs.",
                        "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,80}$"},
                    },
                ],
                "responses": {
                    "200": {"description": "The metrics.", "content": {"application/json": {"schema": METRICS}}},
                    "401": {
                        "description": "Not logged in and no valid bearer token.",
                        "content": {"application/json": {"schema": ERRORS}},
                    },
                    "422": {
                        "description": "A parameter's value is not acceptable (or no such workflow).",
                        "content": {"application/json": {"schema": ERRORS}},
                    },
                },
            }
        }
    }

"""OpenAPI of finding runs (GET /api/runs): the runs explorer's filters, sorts, keyset pages and CSV."""

from workflowviz.engine.run_search import DEFAULT_LIMIT, MAX_LIMIT, SORTS
from workflowviz.engine.vocabulary import HAD_KINDS, Pattern, RunStatus


def _query(name, description, schema):
    return {"name": name, "in": "query", "description": description, "schema": schema}


TEXT = {"type": "string", "maxLength": 254}
PARAMETERS = [
    _query("status", "Runs with this status.", {"enum": list(RunStatus.values)}),
    _query("pattern", "Runs in this pattern.", {"enum": list(Pattern.values)}),
    _query(
        "workflow", "Runs of this workflow design (its slug).", {"type": "string", "pattern": "^[-a-zA-Z0-9_]{1,80}$"}
    ),
    _query("version", "Runs of this version of `workflow` (needs `workflow`).", {"type": "integer", "minimum": 1}),
    _query("service", "Runs in which this service ran a step.", {"type": "string", "maxLength": 40}),
    _query("step", "Runs whose design has this step id.", {"type": "string", "pattern": "^[a-zA-Z0-9_]{1,80}$"}),
    _query(
        "had",
        f"A comma list of {', '.join(HAD_KINDS)}: runs that had each (a retried attempt, a step failed for good or"
        " timed out, steps undone, a message delivered twice).",
        {"type": "string", "maxLength": 254, "example": "retries,failures"},
    ),
    _query("since", "Runs started at or after this moment (ISO 8601).", {"type": "string", "format": "date-time"}),
    _query("until", "Runs started at or before this moment (ISO 8601).", {"type": "string", "format": "date-time"}),
    _query("order_id", "The run of this order.", {"type": "integer", "minimum": 1}),
    _query("customer_email", "Runs whose input names this buyer (any case).", {"type": "string", "format": "email"}),
    _query(
        "run_id",
        "Runs whose id starts with these hexadecimal digits (dashes optional).",
        {"type": "string", "pattern": "^[0-9a-fA-F-]{1,36}$"},
    ),
    _query(
        "sort",
        "Start or duration, newest or longest first with '-'. Running runs come last when sorting by duration.",
        {"enum": list(SORTS), "default": "-started"},
    ),
    _query(
        "limit", "Runs per page.", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}
    ),
    _query(
        "cursor",
        "The `next_cursor` of the previous page, as given (made for the same `sort`).",
        {"type": "string", "maxLength": 600},
    ),
    _query("format", "`csv`: the same page as a file `runs.csv`.", {"enum": ["json", "csv"], "default": "json"}),
    _query(
        "page",
        "Older numbered pages (with `count` and `pages`) instead of a cursor.",
        {"type": "integer", "minimum": 1},
    ),
    _query("page_size", "Runs per numbered page.", {"type": "integer", "minimum": 1, "maximum": 500}),
]
BUSINESS = {
    "type": "object",
    "description": (
        "What the services' own records say: for the shop, order_status, tracking_number, shipment_status,"
        " confirmation_email_sent, points_awarded (each where the service takes part); for declared services,"
        " '<service>.<step>' → the outcome its records hold."
    ),
    "additionalProperties": {"type": ["string", "integer", "boolean", "null"]},
}


def runs_list_operation(*, run_summary: dict, ok, error, unauthorized: dict) -> dict:
    row = {
        "allOf": [
            run_summary,
            {
                "type": "object",
                "properties": {
                    "duration_ms": {"type": ["integer", "null"], "description": "Start to finish; null while running."},
                    "had": {"type": "array", "items": {"enum": list(HAD_KINDS)}},
                    "business": BUSINESS,
                },
            },
        ]
    }
    page = {
        "type": "object",
        "properties": {
            "results": {"type": "array", "items": row},
            "next_cursor": {"type": ["string", "null"], "description": "The next page's cursor; null on the last."},
            "limit": {"type": "integer"},
            "count": {"type": "integer", "description": "With page/page_size only."},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    }
    response = ok("A page of runs (with format=csv: text/csv, the next cursor in X-Next-Cursor).", page)
    response["content"]["text/csv"] = {"schema": {"type": "string"}}
    return {
        "summary": "Find runs: filters, sorted by start or duration, one keyset page at a time.",
        "parameters": PARAMETERS,
        "responses": {
            "200": response,
            "400": error("A bad filter, sort, limit or cursor (the field is named)."),
            "401": unauthorized,
            "404": error("No such numbered page."),
        },
    }

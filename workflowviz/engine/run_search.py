"""Finding runs (the runs explorer, GET /api/runs): filters, sorts and keyset pages, as plain functions.

Every filter reads columns of the run itself (copied as the run goes: `had_*`, `customer_email`,
`duration_ms`) or its step states, each through an index that ends in the sort key, so that a page
never reads event records, never counts, and never skips rows (no OFFSET): the cursor names the last
row's sort key and id, and the next page starts after it.
"""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from workflowviz.values import digits

from .business import business_states
from .models import Run, StepState
from .registry import service_names
from .selectors import run_summary_json
from .vocabulary import HAD_KINDS, Pattern, RunStatus, StepStatus

# sort → (column, descending)
SORTS = {
    "-started": ("created_at", True),
    "started": ("created_at", False),
    "-duration": ("duration_ms", True),
    "duration": ("duration_ms", False),
}
DEFAULT_SORT = "-started"
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
MAX_VALUE = 254  # longest accepted filter value (an email address)
MAX_CURSOR = 600
FILTERS = (
    "status pattern workflow version service step had since until order_id customer_email run_id sort limit cursor"
).split()
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")
SERVICE = re.compile(r"[a-z][a-z0-9_]{0,39}")
STEP = re.compile(r"[a-zA-Z0-9_]{1,80}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
HEX = re.compile(r"[0-9a-f]{1,32}")
NOT_RAN = (StepStatus.PENDING, StepStatus.SKIPPED, StepStatus.CANCELLED)
CURSOR_SALT = "workflowviz.runs.cursor"
SUMMARY_COLUMNS = [
    "id",
    "pattern",
    "status",
    "result",
    "design_slug",
    "design_version",
    "order_id",
    "created_at",
    "finished_at",
    "duration_ms",
    *[f"had_{name}" for name in HAD_KINDS],
]


class BadQuery(ValueError):
    """Filters that cannot be used: `problems` names each parameter."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class RunQuery:
    status: str = ""
    pattern: str = ""
    workflow: str = ""
    version: int | None = None
    service: str = ""
    step: str = ""
    had: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    order_id: int | None = None
    customer_email: str = ""
    run_id: str = ""  # a prefix of the id's 32 hex digits
    sort: str = DEFAULT_SORT
    limit: int = DEFAULT_LIMIT
    after: tuple | None = None  # (the last row's sort key, its id), from the cursor


def _moment(text: str) -> datetime | None:
    # A "+" left unencoded in a query string arrives as a space: "2026-12-01T10:00:00 01:00".
    text = re.sub(r" (\d\d:?\d\d)$", r"+\1", text.strip())
    try:
        moment = parse_datetime(text)
        if moment is None:
            return None
        # In UTC here, so that a moment near year 1 or 9999 fails now and not in the database driver.
        return moment.replace(tzinfo=UTC) if timezone.is_naive(moment) else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _choice(problems, name, value, allowed):
    if value in allowed:
        return value
    problems[name] = f"Must be one of: {', '.join(allowed)}."
    return ""


def _whole(problems, name, value, high):
    if digits(value, max_digits=19) and 1 <= int(value) <= high:
        return int(value)
    problems[name] = f"Must be a whole number from 1 to {high}."
    return None


def _had(problems, value) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))
    unknown = [item for item in items if item not in HAD_KINDS]
    if unknown or not items:
        problems["had"] = f"A comma list of: {', '.join(HAD_KINDS)} (not {', '.join(unknown)[:80] or 'nothing'})."
    return items


def _run_id(problems, value) -> str:
    hexes = value.lower().replace("-", "")
    if len(value) > 36 or not HEX.fullmatch(hexes):
        problems["run_id"] = "Must be the start of a run id: hexadecimal digits, with or without dashes."
    return hexes


def _service(problems, value) -> str:
    known = service_names()
    if value in known or (SERVICE.fullmatch(value) and StepState.objects.filter(service=value).exists()):
        return value
    problems["service"] = f"No service named {value[:40]!r} (services: {', '.join(known)})."
    return ""


def _checked(problems: dict, name: str, value: str, query: dict) -> None:
    """Check one parameter's value into `query` (its parsed value), or its problem into `problems`."""
    if name in ("status", "pattern"):
        query[name] = _choice(problems, name, value, RunStatus.values if name == "status" else Pattern.values)
    elif name in ("workflow", "step"):
        if (SLUG if name == "workflow" else STEP).fullmatch(value):
            query[name] = value
        else:
            allowed = "letters, digits, '_' and '-'" if name == "workflow" else "letters, digits and '_'"
            problems[name] = f"Must be a {name} id ({allowed})."
    elif name == "version":
        query[name] = _whole(problems, name, value, 2**31 - 1)
    elif name == "order_id":
        query[name] = _whole(problems, name, value, 2**63 - 1)
    elif name == "limit":
        query[name] = _whole(problems, name, value, MAX_LIMIT)
    elif name in ("since", "until"):
        query[name] = _moment(value)
        if query[name] is None:
            problems[name] = "Must be a date and time in ISO 8601, e.g. 2026-12-01T10:00:00Z."
    elif name == "had":
        query[name] = _had(problems, value)
    elif name == "customer_email":
        if EMAIL.fullmatch(value.strip()):
            query[name] = value.strip().lower()
        else:
            problems[name] = "Must be an email address."
    elif name == "run_id":
        query[name] = _run_id(problems, value)
    elif name == "service":
        query[name] = _service(problems, value)
    elif name == "sort":
        query[name] = _choice(problems, name, value, list(SORTS))


def run_query_parse(params: Mapping[str, str]) -> RunQuery:
    """The query in GET /api/runs's parameters (a missing or empty one is no filter); raises BadQuery."""
    problems: dict[str, str] = {}
    query: dict = {}
    for name in FILTERS:
        value = params.get(name, "")
        if value == "" or name == "cursor":
            continue
        if len(value) > MAX_VALUE:
            problems[name] = f"At most {MAX_VALUE} characters."
            continue
        if not value.isprintable():
            problems[name] = "Must not hold control characters."
            continue
        _checked(problems, name, value, query)
    if query.get("version") and not query.get("workflow") and "workflow" not in problems:
        problems["version"] = "Give the workflow too: a version number belongs to a workflow."
    if query.get("since") and query.get("until") and query["since"] > query["until"]:
        problems["until"] = "Must not be before since."
    if problems:
        raise BadQuery(problems)
    cursor = params.get("cursor", "")
    if cursor:
        query["after"] = cursor_read(cursor, query.get("sort", DEFAULT_SORT))
    return RunQuery(**query)


# --- cursors ------------------------------------------------------------------------------------------
def cursor_make(run: Run, sort: str) -> str:
    column, _ = SORTS[sort]
    key = getattr(run, column)
    return signing.Signer(salt=CURSOR_SALT).sign_object(
        {"s": sort, "k": key.isoformat() if isinstance(key, datetime) else key, "i": run.id.hex}
    )


def cursor_read(cursor: str, sort: str) -> tuple:
    """(sort key, run id) from a cursor this module made for `sort`; raises BadQuery for any other."""
    if len(cursor) > MAX_CURSOR:
        raise BadQuery({"cursor": "Not a cursor from this list (too long)."})
    try:
        data = signing.Signer(salt=CURSOR_SALT).unsign_object(cursor)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadQuery({"cursor": "Not a cursor from this list: use next_cursor as it was given."}) from None
    if not isinstance(data, dict) or set(data) != {"s", "k", "i"} or data["s"] not in SORTS:
        raise BadQuery({"cursor": "Not a cursor from this list: use next_cursor as it was given."})
    if data["s"] != sort:
        raise BadQuery({"cursor": f"Made for sort={data['s']}, not sort={sort}: start again from the first page."})
    key, problem = data["k"], BadQuery({"cursor": "Not a cursor from this list."})
    if SORTS[sort][0] == "created_at":
        key = _moment(key) if isinstance(key, str) and len(key) <= 40 else None
        if key is None:
            raise problem
    elif key is not None and not (isinstance(key, int) and not isinstance(key, bool) and 0 <= key < 2**63):
        raise problem
    try:
        return key, uuid.UUID(str(data["i"]))
    except ValueError:
        raise problem from None


# --- the query ----------------------------------------------------------------------------------------
def runs_filtered(query: RunQuery) -> QuerySet:
    """The runs that match every filter of `query` (unsorted, unpaged)."""
    runs = Run.objects.all()
    exact = {
        "status": query.status,
        "pattern": query.pattern,
        "design_slug": query.workflow,
        "design_version": query.version,
        "order_id": query.order_id,
        "customer_email": query.customer_email,
    }
    runs = runs.filter(**{column: value for column, value in exact.items() if value not in ("", None)})
    runs = runs.filter(**{f"had_{name}": True for name in query.had})
    if query.since:
        runs = runs.filter(created_at__gte=query.since)
    if query.until:
        runs = runs.filter(created_at__lte=query.until)
    if query.run_id:
        low, high = query.run_id.ljust(32, "0"), query.run_id.ljust(32, "f")
        runs = runs.filter(id__gte=uuid.UUID(low), id__lte=uuid.UUID(high))
    if query.service:
        ran = StepState.objects.filter(run=OuterRef("pk"), service=query.service).exclude(status__in=NOT_RAN)
        runs = runs.filter(Exists(ran))
    if query.step:
        runs = runs.filter(Exists(StepState.objects.filter(run=OuterRef("pk"), step_id=query.step)))
    return runs


def _after(column: str, descending: bool, key, run_id) -> Q:
    """The rows after (key, run_id) in the sort order (`key` is never None here)."""
    beyond = "lt" if descending else "gt"
    # "key <= k" (or >=) first, so that the database walks the index from k: a range, not a filter.
    return Q(**{f"{column}__{beyond}e": key}) & (Q(**{f"{column}__{beyond}": key}) | Q(**{f"id__{beyond}": run_id}))


def _ordered(runs: QuerySet, column: str, descending: bool, after: tuple | None, count: int) -> list[Run]:
    if after is not None:
        runs = runs.filter(_after(column, descending, *after))
    sign = "-" if descending else ""
    return list(runs.order_by(*dict.fromkeys((f"{sign}{column}", f"{sign}id")))[:count])


def runs_find(query: RunQuery) -> tuple[list[Run], str | None]:
    """One page of the runs matching `query` in its sort order, and the cursor of the next page (None: last).

    By duration, the finished runs come first, then the running ones (no duration yet) by id: two simple
    index ranges, read one after the other, rather than one ORDER BY ... NULLS LAST that no index serves
    both ways.
    """
    column, descending = SORTS[query.sort]
    runs = runs_filtered(query).only(*SUMMARY_COLUMNS)
    wanted = query.limit + 1
    if column != "duration_ms":
        page = _ordered(runs, column, descending, query.after, wanted)
    else:
        key, run_id = query.after if query.after is not None else (0, None)
        page = []
        if key is not None:
            finished = runs.filter(duration_ms__isnull=False)
            page = _ordered(finished, column, descending, query.after, wanted)
        if len(page) < wanted:
            running = runs.filter(duration_ms__isnull=True)
            if key is None:  # the cursor is among the running runs already
                running = running.filter(**{f"id__{'lt' if descending else 'gt'}": run_id})
            page += _ordered(running, "id", descending, None, wanted - len(page))
    if len(page) <= query.limit:
        return page, None
    page = page[: query.limit]
    return page, cursor_make(page[-1], query.sort)


# --- the rows -----------------------------------------------------------------------------------------
def run_row_json(run: Run, business: dict) -> dict:
    return {
        **run_summary_json(run),
        "duration_ms": run.duration_ms,
        "had": [name for name in HAD_KINDS if getattr(run, f"had_{name}")],
        "business": business,
    }


def runs_rows_json(runs: list[Run]) -> list[dict]:
    """The page's rows with each run's business state (one query per service for the whole page)."""
    states = business_states([(str(run.id), run.order_id) for run in runs])
    return [run_row_json(run, states.get(str(run.id), {})) for run in runs]


CSV_COLUMNS = [
    "run_id",
    "workflow",
    "version",
    "pattern",
    "status",
    "result",
    "order_id",
    "started",
    "finished",
    "duration_ms",
]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # A spreadsheet runs a cell that starts like a formula: keep it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def runs_csv_rows(rows: list[dict]) -> list[list[str]]:
    """The header and one line per row: the run's columns, then its business fields (all rows' names, sorted)."""
    business = sorted({name for row in rows for name in row["business"]})
    lines = [[*CSV_COLUMNS, *business]]
    for row in rows:
        values = [
            row["run_id"],
            row["workflow"],
            row["workflow_version"],
            row["pattern"],
            row["status"],
            row["result"],
            row["order_id"],
            row["created_at"],
            row["finished_at"],
            row["duration_ms"],
        ]
        lines.append([_cell(value) for value in [*values, *(row["business"].get(name) for name in business)]])
    return lines

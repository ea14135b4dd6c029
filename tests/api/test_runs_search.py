"""GET /api/runs as the runs explorer uses it: filters, sorts, keyset pages, validation, business state, CSV."""

import csv
import importlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from logistics.models import Shipment
from orders.services import order_place
from tests.engine.drain import deliver_all_again, drain_until_final
from workflowviz.engine.models import Run, StepState

from .test_orders_api import errors_of

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def run_make(*, started, steps=(), finished_after_ms=None, **fields) -> str:
    """A run row as the engine leaves it (its step states included), started at `started`."""
    values = {"pattern": "orchestration", "design_slug": "order-fulfilment", "graph": {}, "status": "running"}
    run = Run.objects.create(**{**values, **fields})
    finished = started + timedelta(milliseconds=finished_after_ms) if finished_after_ms is not None else None
    Run.objects.filter(pk=run.pk).update(created_at=started, finished_at=finished, duration_ms=finished_after_ms)
    StepState.objects.bulk_create(
        StepState(run=run, step_id=step_id, service=service, action=f"{service}.x", status=status)
        for step_id, service, status in steps
    )
    return str(run.pk)


SHIPPED = [("confirm_order", "notifications", "succeeded"), ("assign_partner", "logistics", "succeeded")]
UNDONE = [("confirm_order", "notifications", "compensated"), ("assign_partner", "logistics", "failed")]
NEVER_SHIPPED = [("confirm_order", "notifications", "succeeded"), ("assign_partner", "logistics", "skipped")]


@pytest.fixture
def made(db):
    """Ten runs; several started in the same microsecond, two share a duration, two are still running."""
    spec = {
        "a": dict(started=T0, finished_after_ms=900, status="succeeded", order_id=11, steps=SHIPPED),
        "b": dict(started=T0, finished_after_ms=900, status="succeeded", customer_email="bo@example.com"),
        "c": dict(started=T0, status="running", pattern="choreography", steps=NEVER_SHIPPED),
        "d": dict(
            started=T0 + timedelta(minutes=5),
            finished_after_ms=4000,
            status="compensated",
            had_retries=True,
            had_failures=True,
            had_compensations=True,
            steps=UNDONE,
            customer_email="bo@example.com",
        ),
        "e": dict(started=T0 + timedelta(minutes=5), finished_after_ms=30, status="failed", had_failures=True),
        "f": dict(started=T0 + timedelta(hours=1), finished_after_ms=120, status="succeeded", had_duplicates=True),
        "g": dict(started=T0 + timedelta(hours=1), status="running", design_slug="login", design_version=2),
        "h": dict(
            started=T0 - timedelta(days=1),
            finished_after_ms=50,
            status="succeeded",
            design_slug="login",
            had_retries=True,
        ),
        "i": dict(started=T0 + timedelta(hours=2), finished_after_ms=7, status="succeeded", pattern="choreography"),
        "j": dict(started=T0 + timedelta(hours=2), finished_after_ms=7, status="succeeded", order_id=12),
    }
    return {name: run_make(**fields) for name, fields in spec.items()}


def walk(api, query: dict, limit: int) -> list[str]:
    """Every run id the list gives, page after page by next_cursor."""
    ids, cursor = [], None
    for _ in range(50):
        body = api.get("/api/runs", {**query, "limit": limit, **({"cursor": cursor} if cursor else {})}).json()
        assert body["limit"] == limit and len(body["results"]) <= limit
        ids += [row["run_id"] for row in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, "abcdefghij"),
        ({"status": "succeeded"}, "abfhij"),
        ({"pattern": "choreography"}, "ci"),
        ({"workflow": "login"}, "gh"),
        ({"workflow": "login", "version": "2"}, "g"),
        ({"workflow": "nothing-like-it"}, ""),
        ({"service": "logistics"}, "ad"),  # c's logistics step never ran
        ({"service": "notifications", "status": "compensated"}, "d"),
        ({"step": "assign_partner"}, "acd"),
        ({"had": "retries"}, "dh"),
        ({"had": "failures"}, "de"),
        ({"had": "retries,failures"}, "d"),
        ({"had": "compensations"}, "d"),
        ({"had": "duplicates"}, "f"),
        ({"since": "2026-11-30T12:05:00Z"}, "defgij"),
        ({"until": "2026-11-30T12:05:00+00:00"}, "abcdeh"),
        ({"since": "2026-11-30T13:00:00 00:00", "until": "2026-11-30T13:00:00Z"}, "fg"),  # "+" sent unencoded
        ({"since": "2026-11-30T12:00:00+01:00", "until": "2026-11-30T13:04:59+01:00"}, "abc"),
        ({"order_id": "12"}, "j"),
        ({"customer_email": "Bo@Example.com"}, "bd"),
        ({"customer_email": "bo@example.com", "had": "compensations"}, "d"),
    ],
)
def test_each_filter_finds_its_runs_and_no_others(query, expected, api, made):
    found = walk(api, query, limit=2)
    assert sorted(found) == sorted(made[name] for name in expected)
    assert len(found) == len(set(found))


def test_a_run_id_prefix_finds_the_run_with_or_without_dashes(api, made):
    run_id = made["e"]
    for prefix in (run_id[:8], run_id[:13], run_id[:13].replace("-", ""), run_id.upper(), run_id[:1]):
        found = walk(api, {"run_id": prefix}, limit=500)
        assert run_id in found
        assert all(other.replace("-", "").startswith(prefix.lower().replace("-", "")) for other in found)
    assert walk(api, {"run_id": run_id}, limit=5) == [run_id]


def _order(made, names, *, duration=False, descending=True):
    """The runs by (start or duration, id), running runs last when sorting by duration."""
    runs = {str(run.pk): run for run in Run.objects.filter(pk__in=made.values())}
    picked = [runs[made[name]] for name in names]
    if duration:
        timed = sorted((r for r in picked if r.duration_ms is not None), key=lambda r: (r.duration_ms, r.pk))
        running = sorted((r for r in picked if r.duration_ms is None), key=lambda r: r.pk)
        ordered = (timed[::-1] + running[::-1]) if descending else (timed + running)
    else:
        ordered = sorted(picked, key=lambda r: (r.created_at, r.pk), reverse=descending)
    return [str(run.pk) for run in ordered]


@pytest.mark.parametrize("limit", [1, 4])
def test_keyset_pages_walk_every_run_once_in_each_sort_order(limit, api, made):
    names = "abcdefghij"
    assert walk(api, {}, limit) == _order(made, names)  # -started is the default
    assert walk(api, {"sort": "-started"}, limit) == _order(made, names)
    assert walk(api, {"sort": "started"}, limit) == _order(made, names, descending=False)
    assert walk(api, {"sort": "duration"}, limit) == _order(made, names, duration=True, descending=False)
    assert walk(api, {"sort": "-duration"}, limit) == _order(made, names, duration=True)
    running = _order(made, "cg", duration=True, descending=False)
    assert walk(api, {"sort": "duration", "status": "running"}, limit) == running


def test_a_page_says_how_far_it_reached(api, made):
    first = api.get("/api/runs", {"limit": 4}).json()
    assert [row["run_id"] for row in first["results"]] == _order(made, "abcdefghij")[:4]
    assert first["next_cursor"] and first["limit"] == 4
    last = api.get("/api/runs", {"limit": 10}).json()
    assert len(last["results"]) == 10 and last["next_cursor"] is None
    default = api.get("/api/runs").json()
    assert default["limit"] == 50 and default["next_cursor"] is None
    row = next(row for row in default["results"] if row["run_id"] == made["d"])
    assert (row["duration_ms"], row["had"]) == (4000, ["retries", "failures", "compensations"])
    assert next(row for row in default["results"] if row["run_id"] == made["c"])["duration_ms"] is None


TOO_LONG = "x" * 255


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "done"}, "status"),
        ({"status": "SUCCEEDED"}, "status"),
        ({"pattern": "saga"}, "pattern"),
        ({"workflow": "no such/slug"}, "workflow"),
        ({"workflow": TOO_LONG}, "workflow"),
        ({"workflow": "login", "version": "two"}, "version"),
        ({"workflow": "login", "version": "0"}, "version"),
        ({"version": "1"}, "version"),  # a version belongs to a workflow
        ({"service": "nobody"}, "service"),
        ({"service": "Orders;--"}, "service"),
        ({"step": "a step"}, "step"),
        ({"had": "retries,mistakes"}, "had"),
        ({"had": ","}, "had"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-13-01T00:00:00Z"}, "since"),
        ({"until": "2026-11-30T25:00"}, "until"),
        ({"until": "9999-12-31T23:59:59-05:00"}, "until"),
        ({"since": "0001-01-01T00:00:00+05:00"}, "since"),
        ({"since": "2026-12-01T00:00:00Z", "until": "2026-11-30T00:00:00Z"}, "until"),
        ({"order_id": "-1"}, "order_id"),
        ({"order_id": "1.5"}, "order_id"),
        ({"order_id": "9" * 20}, "order_id"),
        ({"order_id": "²"}, "order_id"),
        ({"customer_email": "not an email"}, "customer_email"),
        ({"customer_email": "a\x00@example.com"}, "customer_email"),
        ({"customer_email": "a@" + "b" * 260}, "customer_email"),
        ({"run_id": "xyz"}, "run_id"),
        ({"run_id": "----"}, "run_id"),
        ({"run_id": "0" * 33}, "run_id"),
        ({"sort": "created_at"}, "sort"),
        ({"sort": "-status"}, "sort"),
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "garbled"}, "cursor"),
        ({"cursor": "x" * 2000}, "cursor"),
        ({"format": "xml"}, "format"),
    ],
)
def test_a_bad_filter_answers_400_naming_it(query, field, api, db):
    assert list(errors_of(api.get("/api/runs", query), 400)) == [field]


def test_a_tampered_cursor_or_one_made_for_another_sort_answers_400(api, made):
    cursor = api.get("/api/runs", {"limit": 2, "sort": "duration"}).json()["next_cursor"]
    assert api.get("/api/runs", {"limit": 2, "sort": "duration", "cursor": cursor}).status_code == 200
    tampered = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    for bad in (tampered, cursor[:-3], cursor + "x", cursor.replace(":", ".")):
        assert list(errors_of(api.get("/api/runs", {"sort": "duration", "cursor": bad}), 400)) == ["cursor"]
    other = errors_of(api.get("/api/runs", {"sort": "-started", "cursor": cursor}), 400)
    assert "sort=duration" in other["cursor"]


def test_the_list_as_csv_is_the_same_page_as_a_spreadsheet_file(api, made):
    response = api.get("/api/runs", {"format": "csv", "status": "succeeded", "sort": "started", "limit": 4})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="runs.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    json_rows = api.get("/api/runs", {"status": "succeeded", "sort": "started", "limit": 4}).json()["results"]
    header, rows = lines[0], lines[1:]
    assert header[:10] == [
        *("run_id", "workflow", "version", "pattern", "status", "result"),
        *("order_id", "started", "finished", "duration_ms"),
    ]
    assert [row[0] for row in rows] == [row["run_id"] for row in json_rows] == _order(made, "habf", descending=False)
    first = dict(zip(header, rows[0], strict=True))
    assert (first["workflow"], first["version"], first["status"], first["duration_ms"]) == (
        "login",
        "1",
        "succeeded",
        "50",
    )
    assert first["finished"] == (T0 - timedelta(days=1) + timedelta(milliseconds=50)).isoformat()
    assert (
        response["X-Next-Cursor"]
        == api.get("/api/runs", {"status": "succeeded", "sort": "started", "limit": 4}).json()["next_cursor"]
    )


# --- the engine keeps the columns; the services tell the business state ------------------------------------
BROKEN_LOGISTICS = {
    "*": {"latency_ms": [0, 0]},
    "assign_partner": {"failure_probability": 1.0, "max_attempts": 2, "backoff_seconds": 0},
}


def test_real_runs_are_found_by_what_happened_and_show_their_orders_state(api, demo):
    fine = order_place(sku="MUG-BLUE", quantity=1, customer_email="Ann@Example.com", pattern="orchestration",
                       policy_overrides={"*": {"latency_ms": [0, 0]}})  # fmt: skip
    broken = order_place(sku="TENT-2P", quantity=1, customer_email="cy@example.com", pattern="choreography",
                         policy_overrides=BROKEN_LOGISTICS)  # fmt: skip
    drain_until_final([fine.run_id, broken.run_id])
    deliver_all_again([fine.run_id])  # every message of the fine run comes a second time

    def ids(**query):
        return [row["run_id"] for row in api.get("/api/runs", query).json()["results"]]

    fine_id, broken_id = str(fine.run_id), str(broken.run_id)
    assert ids(customer_email="ann@example.com") == [fine_id]
    assert ids(order_id=str(broken.pk)) == [broken_id]
    assert ids(had="retries") == ids(had="failures") == ids(had="compensations") == [broken_id]
    assert ids(had="duplicates") == [fine_id]
    assert ids(status="compensated", service="logistics") == [broken_id]

    rows = {row["run_id"]: row for row in api.get("/api/runs").json()["results"]}
    tracking = Shipment.objects.get(order_id=fine.pk).tracking_number
    assert rows[fine_id]["business"] == {
        "order_status": "fulfilled",
        "confirmation_email_sent": True,
        "tracking_number": tracking,
        "shipment_status": "assigned",
    }
    assert rows[broken_id]["business"] == {
        "order_status": "cancelled",
        "confirmation_email_sent": True,  # sent, then undone by a cancellation email
        "tracking_number": None,
        "shipment_status": None,
    }
    finished = Run.objects.get(pk=fine_id)
    assert rows[fine_id]["duration_ms"] == round((finished.finished_at - finished.created_at).total_seconds() * 1000)


def test_a_page_costs_the_same_queries_for_2_runs_as_for_8(api, catalogue):
    for _ in range(2):
        order_place(sku="MUG-BLUE", quantity=1, customer_email="ann@example.com", pattern="orchestration")
    with CaptureQueriesContext(connection) as two:
        assert len(api.get("/api/runs").json()["results"]) == 2
    for _ in range(6):
        order_place(sku="MUG-BLUE", quantity=1, customer_email="ann@example.com", pattern="orchestration")
    with CaptureQueriesContext(connection) as eight:
        assert len(api.get("/api/runs").json()["results"]) == 8
    assert len(eight) == len(two)


def test_the_migration_fills_the_columns_of_runs_made_before_it(db):
    run_id = run_make(started=T0, finished_after_ms=1234, input={"customer_email": " Dee@Example.com"})
    run = Run.objects.get(pk=run_id)
    run.events.create(seq=1, service="logistics", kind="step.retried", at=T0, payload={})
    run.events.create(seq=2, service="logistics", kind="message.duplicate", at=T0, payload={})
    Run.objects.filter(pk=run_id).update(duration_ms=None)

    importlib.import_module("workflowviz.engine.migrations.0005_runs_explorer_columns").backfill(apps, None)

    run.refresh_from_db()
    assert (run.customer_email, run.duration_ms) == ("dee@example.com", 1234)
    assert (run.had_retries, run.had_failures, run.had_compensations, run.had_duplicates) == (True, False, False, True)


def test_the_openapi_document_names_every_parameter_and_the_page(api, db):
    operation = api.get("/api/openapi.json").json()["paths"]["/api/runs"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names >= {
        *("status", "pattern", "workflow", "version", "service", "step", "had", "since", "until"),
        *("order_id", "customer_email", "run_id", "sort", "limit", "cursor", "format"),
    }
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert {"results", "next_cursor", "limit"} <= set(page)
    row = page["results"]["items"]["allOf"][1]["properties"]
    assert {"duration_ms", "had", "business"} <= set(row)

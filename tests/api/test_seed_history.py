"""`manage.py seed_history`: the seeded runs are found through GET /api/runs like real ones, with their records."""

from collections import Counter
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from workflowviz.engine.models import EventRecord, OutboxMessage, Run, StepState
from workflowviz.web.history import ORDER_BASE


def all_rows(api, **params) -> list[dict]:
    rows, cursor = [], None
    while True:
        response = api.get("/api/runs", {**params, "limit": 500, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        cursor = body["next_cursor"]
        if not cursor:
            return rows


def test_seeded_runs_are_listed_and_found_with_the_right_counts(api, transactional_db, capsys):
    # One built-in design keeps the real template runs few (8: both patterns, four scenarios).
    call_command("seed_history", "--runs", "200", "--seed", "5", "--days", "3", "--designs", "order-fulfilment")
    out = capsys.readouterr().out
    assert "seeded: 200 runs" in out, out
    # The real template runs were made just now; the seeded ones started at least a minute ago.
    templates = Run.objects.filter(created_at__gt=timezone.now() - timedelta(seconds=50))
    seeded = Run.objects.exclude(pk__in=templates.values("pk"))
    assert seeded.count() == 200
    # Both patterns; every run finished; about 30 records each.
    assert set(templates.values_list("design_slug", flat=True)) == {"order-fulfilment"}
    assert set(Run.objects.values_list("pattern", flat=True)) == {"orchestration", "choreography"}
    assert not Run.objects.filter(finished_at__isnull=True).exists()
    everything = Run.objects.count()
    assert everything == 200 + templates.count() >= 200 + 6
    assert EventRecord.objects.count() >= 25 * everything
    for run in Run.objects.order_by("?")[:5]:
        assert EventRecord.objects.filter(run=run).count() == run.next_seq - 1
        assert StepState.objects.filter(run=run).exists()
        assert not OutboxMessage.objects.filter(run=run, processed_at__isnull=True).exists()

    rows = all_rows(api)
    assert len(rows) == everything == len({row["run_id"] for row in rows})
    statuses = Counter(row["status"] for row in rows)
    assert statuses == Counter(dict(Counter(Run.objects.values_list("status", flat=True))))
    assert statuses["succeeded"] > statuses["compensated"] > 0
    assert len(all_rows(api, status="compensated")) == statuses["compensated"]
    assert 0 < len(all_rows(api, had="duplicates")) < everything
    assert 0 < len(all_rows(api, had="retries")) < everything

    one = seeded.filter(order_id__gte=ORDER_BASE).exclude(customer_email="").order_by("?").first()
    [by_order] = all_rows(api, order_id=one.order_id)
    assert by_order["run_id"] == str(one.id)
    by_buyer = all_rows(api, customer_email=one.input["customer_email"])
    assert str(one.id) in {row["run_id"] for row in by_buyer}
    assert len(by_buyer) == Run.objects.filter(customer_email=one.customer_email).count()

    detail = api.get(f"/api/runs/{one.id}").json()
    assert len(detail["events"]) == one.next_seq - 1 >= 10
    assert detail["events"][0]["kind"] == "run.started"
    assert detail["events"][-1]["kind"].startswith("run.")

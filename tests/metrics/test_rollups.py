"""Rollups: the long windows' figures, read from counters kept as runs end, equal the figures computed
from the records (percentiles within the histograms' ±5 %), at the window's edges too; rebuilding them
from the records gives what the engine kept."""

import random
from datetime import timedelta

import pytest
from django.core.management import call_command

from tests.engine.drain import drain_until_final
from workflowviz.engine.models import Pattern, Run
from workflowviz.engine.registry import service_names
from workflowviz.metrics.models import Rollup
from workflowviz.metrics.rollup_read import histogram_percentiles
from workflowviz.metrics.rollups import bucket_of, rollups_add
from workflowviz.metrics.selectors import metrics_get, records_figures
from workflowviz.metrics.windows import Window
from workflowviz.stats import percentiles

from .known_runs import NOW, known_runs_make, run_make, step_make

PERCENTILE_KEYS = {"n", "p50", "p95", "p99", "max"}


def close(rolled, exact) -> bool:
    """Within ±5 % (±0.5 ms under 1 ms), plus 0.1 for the rounding of both."""
    if rolled is None or exact is None:
        return rolled is exact
    return abs(rolled - exact) <= max(0.05 * exact, 0.5) + 0.1


def assert_same(rolled, exact, path="") -> None:
    """Equal, except percentiles: the same n and max, the others close."""
    if isinstance(exact, dict) and set(exact) == PERCENTILE_KEYS:
        assert rolled["n"] == exact["n"] and rolled["max"] == exact["max"], (path, rolled, exact)
        for q in ("p50", "p95", "p99"):
            assert close(rolled[q], exact[q]), (f"{path}.{q}", rolled, exact)
    elif isinstance(exact, dict):
        assert set(rolled) == set(exact), (path, set(rolled) ^ set(exact))
        for key in exact:
            assert_same(rolled[key], exact[key], f"{path}.{key}")
    elif isinstance(exact, list):
        assert len(rolled) == len(exact), (path, rolled, exact)
        for index, (one, other) in enumerate(zip(rolled, exact, strict=True)):
            assert_same(one, other, f"{path}[{index}]")
    else:
        assert rolled == exact, (path, rolled, exact)


def both_ways(*, window_seconds, now, pattern=None, workflow=None) -> tuple[dict, dict]:
    """(the API's figures, read from the rollups; the same figures computed from every record)."""
    rolled = metrics_get(window_seconds=window_seconds, now=now, pattern=pattern, workflow=workflow)
    window = Window(end=now, seconds=window_seconds)
    patterns = [pattern] if pattern else list(Pattern.values)
    exact = records_figures(
        window=window, pattern=pattern, workflow=workflow, patterns=patterns, services=service_names()
    )
    return {key: rolled[key] for key in exact}, exact


@pytest.fixture
def runs_at_the_edges(db):
    """The known runs, and runs around the edges of a 1 h and a 24 h window ending 25 s after 12:00."""
    runs = known_runs_make()
    now = NOW + timedelta(seconds=25)
    edge = {
        "first": run_make("orchestration", started_ago=3590, took_ms=4000, now=now),  # 11:00:35, in the window
        "before": run_make("orchestration", started_ago=3610, took_ms=100, now=now),  # 11:00:15, same minute, out
        "last": run_make("choreography", started_ago=10, took_ms=150, status="failed", now=now),  # 12:00:15
        "after": run_make("choreography", started_ago=-15, took_ms=100, now=now),  # 12:00:40, after the end
        "day": run_make("orchestration", started_ago=86390, took_ms=90_000, now=now),  # yesterday 12:00:35
        "long": run_make("choreography", started_ago=7000, took_ms=3_700_000, now=now),  # ends an hour later
    }
    for key in edge:
        step_make(edge[key], "confirm_order", "notifications", queued=10, wait=3, took=70)
    rollups_add(Run.objects.filter(pk__in=[run.pk for run in edge.values()]))
    return {**runs, **edge}, now


@pytest.mark.parametrize("window_seconds", [3600, 86400])
@pytest.mark.parametrize(
    "filters", [{}, {"pattern": "orchestration"}, {"workflow": "recommendations-enrichment"}], ids=str
)
def test_the_rollups_give_the_figures_of_the_records_at_the_edges_too(runs_at_the_edges, window_seconds, filters):
    runs, now = runs_at_the_edges

    rolled, exact = both_ways(window_seconds=window_seconds, now=now, **filters)

    assert_same(rolled, exact)
    if not filters:
        # The 1 h window: the known runs but "old" … and the first edge run; the day: every run but "after".
        assert rolled["runs"] == (9 if window_seconds == 3600 else 12)
        assert sum(rolled["throughput"]["series"][0]["runs_started"]) == rolled["patterns"][0]["runs_started"]


def test_a_percentile_read_from_the_histogram_is_within_five_percent():
    generator = random.Random(13)
    values = [generator.lognormvariate(3, 1.5) for _ in range(3000)] + [0.0, 0.2]
    buckets: dict[int, int] = {}
    for value in values:
        buckets[bucket_of(value)] = buckets.get(bucket_of(value), 0) + 1

    rolled = histogram_percentiles(buckets, round(max(values) * 1000))
    exact = percentiles(values)

    assert rolled["n"] == exact["n"] and rolled["max"] == exact["max"]
    for q in ("p50", "p95", "p99"):
        assert close(rolled[q], exact[q]), (q, rolled, exact)


LOGISTICS_BROKEN = {
    "*": {"latency_ms": [0, 0]},
    "assign_partner": {"failure_probability": 1.0, "max_attempts": 2, "backoff_seconds": 0},
}


def test_runs_the_engine_ends_are_rolled_up_as_they_end_and_a_rebuild_gives_the_same(demo, workers_paused):
    from orders.services import order_place

    orders = [
        order_place(
            sku="TENT-2P", quantity=1, customer_email="ann@example.com", pattern=pattern, policy_overrides=policy
        )
        for pattern in Pattern.values
        for policy in ({"*": {"latency_ms": [0, 0]}}, LOGISTICS_BROKEN)
    ]
    drain_until_final([order.run_id for order in orders])

    kept = sorted(
        Rollup.objects.values_list("span", "start", "pattern", "workflow", "step_id", "service", "name", "at", "n")
    )
    assert kept, "the engine counted nothing as its runs ended"
    rolled, exact = both_ways(
        window_seconds=3600, now=Run.objects.latest("created_at").created_at + timedelta(minutes=2)
    )
    assert_same(rolled, exact)
    orchestration = {row["step_id"]: row for row in rolled["steps"] if row["pattern"] == "orchestration"}
    assert orchestration["assign_partner"]["retries"] == 1 and orchestration["assign_partner"]["failed"] == 1
    assert orchestration["prepare_shipment"]["compensations"] == 1
    assert rolled["patterns"][0]["outcomes"]["compensated"] == 1

    call_command("rollups_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115

    again = sorted(
        Rollup.objects.values_list("span", "start", "pattern", "workflow", "step_id", "service", "name", "at", "n")
    )
    assert again == kept


def test_the_api_answers_a_day_in_the_shape_of_fifteen_minutes(runs_at_the_edges, client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("watcher", password="pw")
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    client.force_login(user)

    short = client.get("/api/metrics", {"window": "900"}).json()
    day = client.get("/api/metrics", {"window": "86400"}).json()

    def shape(value):
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items() if key not in ("outcomes",)}
        if isinstance(value, list):
            return [shape(value[0])] if value and isinstance(value[0], dict) else "list"
        return type(value).__name__ if value is not None else "number"

    assert shape(day) == shape(short)
    assert day["throughput"]["bucket_seconds"] == 3600 and len(day["throughput"]["times"]) in (24, 25)

"""Metrics computed on a known set of runs: exact percentiles, counts, splits, windows, buckets, queues."""

import pytest

from workflowviz.metrics.selectors import metrics_get

from .known_runs import NOW, WINDOW, known_runs_make, sample_make

NO_OUTCOMES = {"running": 0, "compensating": 0, "succeeded": 0, "failed": 0, "compensated": 0}
EMPTY = {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}


@pytest.fixture
def runs(db):
    return known_runs_make()


def metrics(**filters):
    return metrics_get(window_seconds=filters.pop("window", WINDOW), now=NOW, **filters)


def by(rows, *keys):
    return {tuple(row[key] for key in keys) if len(keys) > 1 else row[keys[0]]: row for row in rows}


def test_per_pattern_counts_outcomes_end_to_end_percentiles_and_throughput(runs):
    result = metrics()

    assert result["runs"] == 6  # the run started before the window is left out
    assert result["window"] == {
        "seconds": 900,
        "label": "15 min",
        "start": "2026-01-01T11:45:00+00:00",
        "end": "2026-01-01T12:00:00+00:00",
    }
    orchestration, choreography = result["patterns"]
    assert orchestration == {
        "pattern": "orchestration",
        "runs_started": 3,
        "runs_finished": 3,
        "outcomes": {**NO_OUTCOMES, "succeeded": 2, "compensated": 1},
        # 1 s, 2 s, 3 s: linear interpolation between the sorted values.
        "latency_ms": {"n": 3, "p50": 2000.0, "p95": 2900.0, "p99": 2980.0, "max": 3000.0},
        "steps_finished": 7,
        "runs_per_s": round(3 / 900, 4),
        "steps_per_s": round(7 / 900, 4),
    }
    assert choreography == {
        "pattern": "choreography",
        "runs_started": 3,
        "runs_finished": 2,
        "outcomes": {**NO_OUTCOMES, "running": 1, "failed": 1, "succeeded": 1},
        "latency_ms": {"n": 2, "p50": 600.0, "p95": 690.0, "p99": 698.0, "max": 700.0},
        "steps_finished": 4,
        "runs_per_s": round(2 / 900, 4),
        "steps_per_s": round(4 / 900, 4),
    }


def test_per_step_wait_and_execution_percentiles_failures_retries_timeouts_compensations(runs):
    steps = metrics()["steps"]

    # Per pattern, in the order the steps usually start in their runs.
    assert [(s["pattern"], s["step_id"]) for s in steps] == [
        ("orchestration", "confirm_order"),
        ("orchestration", "prepare_shipment"),
        ("orchestration", "assign_partner"),
        ("choreography", "points_quote"),
        ("choreography", "confirm_order"),
        ("choreography", "prepare_shipment"),
        ("choreography", "assign_partner"),
    ]
    rows = by(steps, "pattern", "step_id")
    confirm = rows[("orchestration", "confirm_order")]
    assert confirm["service"] == "notifications"
    assert (confirm["steps"], confirm["finished"], confirm["failed"], confirm["retries"]) == (3, 3, 0, 0)
    assert confirm["wait_ms"] == {"n": 3, "p50": 40.0, "p95": 58.0, "p99": 59.6, "max": 60.0}
    assert confirm["execution_ms"] == {"n": 3, "p50": 200.0, "p95": 290.0, "p99": 298.0, "max": 300.0}

    prepare = rows[("orchestration", "prepare_shipment")]
    assert (prepare["retries"], prepare["timeouts"], prepare["compensations"]) == (2, 0, 1)
    assert prepare["wait_ms"]["p99"] == 5.0 and prepare["execution_ms"]["p50"] == 400.0

    # Timed out before it ever started: counted, failed, no wait or execution to measure. The timeout
    # and the retry were recorded by Orders, the coordinator, but they count against Logistics.
    assign = rows[("orchestration", "assign_partner")]
    assert assign["service"] == "logistics"
    assert (assign["steps"], assign["finished"], assign["failed"], assign["timeouts"], assign["retries"]) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert assign["wait_ms"] == EMPTY and assign["execution_ms"] == EMPTY

    waiting = rows[("choreography", "prepare_shipment")]  # still in its queue
    assert (waiting["steps"], waiting["finished"], waiting["wait_ms"]["n"]) == (1, 0, 0)


def test_per_service_latency_over_all_its_steps_and_counts(runs):
    services = metrics()["services"]

    # Every service the registry knows, the shop's first (the declared built-in examples follow).
    assert [s["service"] for s in services][:5] == ["orders", "notifications", "sellers", "logistics", "rewards"]
    rows = by(services, "service")
    assert rows["orders"] == {
        "service": "orders",
        "steps": 0,
        "finished": 0,
        "failed": 0,
        "retries": 0,
        "timeouts": 0,
        "compensations": 0,
        "wait_ms": EMPTY,
        "execution_ms": EMPTY,
    }
    notifications = rows["notifications"]
    assert (notifications["steps"], notifications["finished"]) == (5, 5)
    # Waits 20, 40, 60 (orchestration), 70, 10 (choreography); executions 100, 200, 300, 50, 50.
    assert notifications["wait_ms"] == {"n": 5, "p50": 40.0, "p95": 68.0, "p99": 69.6, "max": 70.0}
    assert notifications["execution_ms"] == {"n": 5, "p50": 100.0, "p95": 280.0, "p99": 296.0, "max": 300.0}
    sellers = rows["sellers"]
    assert (sellers["steps"], sellers["finished"], sellers["retries"], sellers["compensations"]) == (4, 3, 2, 1)
    logistics = rows["logistics"]
    assert (logistics["steps"], logistics["failed"], logistics["retries"], logistics["timeouts"]) == (2, 2, 2, 1)
    assert logistics["execution_ms"]["n"] == 1 and logistics["execution_ms"]["p50"] == 30.0
    assert rows["rewards"]["steps"] == 1


def test_throughput_per_bucket_of_thirty_seconds(runs):
    throughput = metrics()["throughput"]

    assert throughput["bucket_seconds"] == 30
    times = throughput["times"]
    assert len(times) == 31 and times[0] == "2026-01-01T11:45:00+00:00" and times[-1] == "2026-01-01T12:00:00+00:00"
    series = by(throughput["series"], "pattern")
    nonzero = {
        pattern: {name: {i: n for i, n in enumerate(values) if n} for name, values in row.items() if name != "pattern"}
        for pattern, row in series.items()
    }
    # o1 started 11:50:00 (bucket 10), o2 11:55:00 (20), o3 11:58:20 (26); each finished within seconds.
    assert nonzero["orchestration"] == {
        "runs_started": {10: 1, 20: 1, 26: 1},
        "runs_finished": {10: 1, 20: 1, 26: 1},
        "steps_finished": {10: 2, 20: 2, 26: 3},
    }
    # c1 11:56:40 (23, still running), c2 11:59:10 (28), the other workflow's run 11:59:40 (29).
    assert nonzero["choreography"] == {
        "runs_started": {23: 1, 28: 1, 29: 1},
        "runs_finished": {28: 1, 29: 1},
        "steps_finished": {23: 1, 28: 2, 29: 1},
    }


@pytest.mark.parametrize(("window", "expected"), [(60, 2), (300, 5), (900, 6), (3600, 7)])
def test_the_window_selects_runs_by_when_they_started(runs, window, expected):
    # 60 s: c2 and the other workflow's run; 300 s also o2 (started exactly at the edge), o3 and c1.
    assert metrics(window=window)["runs"] == expected


def test_a_shorter_window_leaves_out_the_steps_and_events_of_older_runs(runs):
    result = metrics(window=300)
    services = by(result["services"], "service")
    assert services["notifications"]["steps"] == 4  # o2, o3, c1, c2: not o1
    assert services["sellers"]["retries"] == 2  # both in o2
    assert by(result["patterns"], "pattern")["orchestration"]["latency_ms"]["p50"] == 2500.0  # 2 s and 3 s


def test_pattern_filter_keeps_one_pattern_everywhere(runs):
    result = metrics(pattern="orchestration")

    assert result["filters"] == {"pattern": "orchestration", "workflow": None}
    assert result["runs"] == 3
    assert [p["pattern"] for p in result["patterns"]] == ["orchestration"]
    assert [s["pattern"] for s in result["throughput"]["series"]] == ["orchestration"]
    assert {s["pattern"] for s in result["steps"]} == {"orchestration"}
    services = by(result["services"], "service")
    assert services["notifications"]["steps"] == 3 and services["rewards"]["steps"] == 0
    assert services["logistics"]["retries"] == 1  # the choreography retry is left out


def test_workflow_filter_and_the_workflows_on_offer(runs):
    result = metrics(workflow="recommendations-enrichment")

    assert result["runs"] == 1
    assert [s["step_id"] for s in result["steps"]] == ["points_quote"]
    assert result["workflows"] == ["order-fulfilment", "recommendations-enrichment"]  # in the window, unfiltered


def test_no_runs_in_the_window_gives_zeros_not_errors(db):
    result = metrics()

    assert result["runs"] == 0
    assert [p["runs_started"] for p in result["patterns"]] == [0, 0]
    assert all(p["latency_ms"] == EMPTY for p in result["patterns"])
    assert result["steps"] == [] and result["workflows"] == []
    assert all(s["steps"] == 0 for s in result["services"])
    assert result["queues"]["samples"] == 0


def test_queue_series_keeps_the_peak_of_each_five_second_bucket_and_none_where_nothing_was_sampled(db):
    sample_make("sellers", seconds_ago=10, queued=3, in_flight=1, workers=2)
    sample_make("sellers", seconds_ago=9, queued=7, in_flight=0, failed=1, workers=1)
    sample_make("notifications", seconds_ago=10, in_flight=2)
    sample_make("sellers", seconds_ago=2000, queued=99)  # before the window

    queues = metrics()["queues"]

    assert queues["bucket_seconds"] == 5 and queues["samples"] == 3
    assert len(queues["times"]) == 181 and queues["times"][178] == "2026-01-01T11:59:50+00:00"
    series = by(queues["series"], "service")
    assert list(series)[:5] == ["orders", "notifications", "sellers", "logistics", "rewards"]
    sellers = series["sellers"]
    # The highest depth, in-flight and failed counts in the bucket; the fewest workers.
    assert (sellers["queued"][178], sellers["in_flight"][178], sellers["failed"][178], sellers["workers"][178]) == (
        7,
        1,
        1,
        1,
    )
    assert [value for value in sellers["queued"] if value is not None] == [7]
    assert series["notifications"]["in_flight"][178] == 2
    assert set(series["orders"]["queued"]) == {None}

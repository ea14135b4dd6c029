"""The real system (RQ workers, the reconciler sampling the queues): orders placed in each pattern, one
service switched off for a while, and the metrics API counting exactly what happened."""

import json

import pytest
from django.test import Client

from tests.conftest import runs_wait_final, wait_until
from workflowviz.api.tokens import token_issue
from workflowviz.engine.models import StepState

pytestmark = [pytest.mark.system]
PER_PATTERN = 3
FAST = {"*": {"latency_ms": [20, 60]}}
SERVICES = ["orders", "notifications", "sellers", "logistics", "rewards"]


class Api:
    def __init__(self, user):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token_issue(user=user)}"}

    def get(self, path, **query):
        response = self.client.get(path, query, headers=self.headers)
        assert response.status_code == 200, response.content
        return response.json()

    def post(self, path, body):
        response = self.client.post(path, json.dumps(body), content_type="application/json", headers=self.headers)
        assert response.status_code in (200, 201), response.content
        return response.json()

    def order(self, pattern):
        body = {"customer_email": "buyer@example.com", "sku": "MUG-BLUE", "quantity": 1, "pattern": pattern}
        return self.post("/api/orders", {**body, "policy": FAST})["run_id"]


def sampled(metrics: dict, service: str, measure: str) -> list[int]:
    series = next(s for s in metrics["queues"]["series"] if s["service"] == service)
    return [value for value in series[measure] if value is not None]


def test_metrics_count_the_runs_and_steps_of_each_pattern_and_the_sampled_queues(system, demo, admin_user):
    api = Api(admin_user)
    run_ids = [api.order(pattern) for pattern in ("orchestration", "choreography") for _ in range(PER_PATTERN)]
    runs_wait_final(run_ids, timeout=60)

    # Logistics switched off: its queue fills with the next orders' work, and the reconciler's samples show it.
    api.post("/api/faults", {"service": "logistics", "down": True})
    try:
        held = [api.order(pattern) for pattern in ("orchestration", "choreography")]
        wait_until(
            lambda: max(sampled(api.get("/api/metrics", window=300), "logistics", "queued"), default=0) >= 1,
            timeout=30,
            what="a queue sample with work waiting for Logistics",
            every=0.25,  # each look computes the metrics: no need to ask more often than samples come
        )
    finally:
        api.post("/api/faults", {"service": "logistics", "down": False})
    run_ids += held
    runs = runs_wait_final(run_ids, timeout=60)
    assert {run.status for run in runs} == {"succeeded"}

    metrics = api.get("/api/metrics", window=300)

    total = PER_PATTERN + 1
    assert metrics["runs"] == 2 * total
    for summary in metrics["patterns"]:
        assert (summary["runs_started"], summary["runs_finished"]) == (total, total), summary
        assert summary["outcomes"]["succeeded"] == total
        assert summary["latency_ms"]["n"] == total and summary["latency_ms"]["p50"] > 0
        assert summary["steps_finished"] == 4 * total  # order fulfilment has four steps
    for series in metrics["throughput"]["series"]:
        assert sum(series["runs_finished"]) == total and sum(series["steps_finished"]) == 4 * total
    # Steps per service: exactly the step states the runs wrote.
    expected = {service: StepState.objects.filter(run_id__in=run_ids, service=service).count() for service in SERVICES}
    # Order fulfilment: Notifications confirms and says "shipped", Sellers prepares, Logistics assigns.
    assert expected == dict(orders=0, notifications=4 * total, sellers=2 * total, logistics=2 * total, rewards=0)
    services = {s["service"]: s for s in metrics["services"]}
    assert {name: services[name]["steps"] for name in SERVICES} == expected
    assert all(services[name]["failed"] == 0 for name in SERVICES)
    steps = {(s["pattern"], s["step_id"]): s for s in metrics["steps"]}
    assert len(steps) == 8 and {s["steps"] for s in steps.values()} == {total}
    assert all(s["execution_ms"]["n"] == total and s["execution_ms"]["p50"] >= 20 for s in steps.values())

    # Every service queue was sampled by the reconciler.
    assert metrics["queues"]["samples"] >= len(SERVICES)
    for service in SERVICES:
        assert sampled(metrics, service, "queued"), f"no queue sample for {service}"

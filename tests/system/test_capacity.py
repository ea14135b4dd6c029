"""A burst through delivery capacity, on the real system (RQ workers, reconciler): shipments are delivered
after their partner's delivery time, a step with no room waits for capacity instead of failing, and
when the policy gives up waiting the burst and compare summaries say why."""

import time
from collections import Counter
from datetime import timedelta

import pytest

from logistics.models import DeliveryPartner, Shipment
from tests.conftest import ApiClient, runs_wait_final, wait_until, workers_suspended_wait
from tests.system.test_replay import assert_replay_rebuilds
from workflowviz.api.tokens import token_issue
from workflowviz.engine.faults import service_down_set
from workflowviz.engine.models import EventRecord, RunStatus, StepState

pytestmark = [pytest.mark.system]
ORDER = {"sku": "MUG-BLUE", "quantity": 1, "customer_email": "ann@example.com", "region": "north"}
FAST = {"*": {"latency_ms": [0, 20]}}
NO_ROOM = "no partner with room in north"


def north_partners(*, capacity: int, delivery_seconds: float) -> None:
    """The demo's two partners in north, made tiny (as an admin would in Django's admin)."""
    assert DeliveryPartner.objects.filter(region="north").update(capacity=capacity, delivery_seconds=delivery_seconds)


def most_open_at_once(partner: DeliveryPartner) -> int:
    """The most shipments the partner carried at one moment, from their assigned and delivered times (the
    last ones are delivered once their time is up, whether or not anybody asked since)."""
    changes = []
    for shipment in Shipment.objects.filter(partner=partner):
        due = shipment.created_at + timedelta(seconds=partner.delivery_seconds)
        changes += [(shipment.created_at, 1), (shipment.delivered_at or due, -1)]
    open_now = most = 0
    for _, change in sorted(changes, key=lambda c: (c[0], c[1])):  # a delivery frees room before a new assignment
        open_now += change
        most = max(most, open_now)
    return most


def test_a_burst_through_tiny_capacity_waits_for_deliveries_and_every_order_succeeds(
    system, demo, admin_user, redis_client, report
):
    north_partners(capacity=2, delivery_seconds=1.0)
    api = ApiClient(token_issue(user=admin_user))
    # The burst piles up in front of Logistics (as behind a slow service), so that it meets the 4 places
    # all at once however fast the rest of the system is today.
    service_down_set(redis_client, service="logistics", down=True)
    try:
        workers_suspended_wait("logistics")
        response = api.post(
            "/api/orders/burst",
            {**ORDER, "count": 20, "pattern": "both", "policy": {**FAST, "assign_partner": {"backoff_seconds": 0.2}}},
        )
        assert response.status_code == 201, response.content
        placed = response.json()["placed"]
        run_ids = [run["run_id"] for run in placed]
        wait_until(
            lambda: StepState.objects.filter(run_id__in=run_ids, step_id="assign_partner", status="queued").count()
            == 20,
            timeout=30,
            what="the burst to reach Logistics",
        )
    finally:
        service_down_set(redis_client, service="logistics", down=False)
    started = time.monotonic()

    runs = runs_wait_final(run_ids, timeout=90)

    assert Counter((run.pattern, run.status) for run in runs) == {
        ("orchestration", RunStatus.SUCCEEDED): 10,
        ("choreography", RunStatus.SUCCEEDED): 10,
    }
    # The room came from deliveries: 20 shipments through 4 places, never more than a partner's capacity.
    assert Shipment.objects.filter(order_id__in=[run["order_id"] for run in placed]).count() == 20
    for partner in DeliveryPartner.objects.filter(region="north"):
        assert most_open_at_once(partner) <= 2, partner
    # Steps waited for capacity, in both patterns, and the API's timeline of such a run shows it.
    waited = EventRecord.objects.filter(run_id__in=run_ids, kind="step.waiting")
    assert {record.run.pattern for record in waited.select_related("run")} == {"orchestration", "choreography"}
    assert {(record.step_id, record.payload["reason"]) for record in waited} == {
        ("assign_partner", f"NoPartnerAvailable: {NO_ROOM}")
    }
    timeline = api.get(f"/api/runs/{waited.first().run_id}").json()
    kinds = [event["kind"] for event in timeline["events"]]
    assert "step.waiting" in kinds and kinds[-1] == "run.succeeded"
    assert [s["status"] for s in timeline["steps"] if s["step_id"] == "assign_partner"] == ["succeeded"]
    # The records, folded, rebuild the state of every run that waited (its steps' attempts included).
    for run_id in {record.run_id for record in waited}:
        assert_replay_rebuilds(run_id)
    report(f"20 orders through 2 × 2 places, delivery 1 s: {waited.count()} waits, {time.monotonic() - started:.1f} s")


def test_when_the_policy_stops_waiting_the_burst_and_compare_summaries_say_why(system, demo, admin_user):
    north_partners(capacity=0, delivery_seconds=1.0)  # no room at all in north
    api = ApiClient(token_issue(user=admin_user))
    policy = {**FAST, "assign_partner": {"timeout_seconds": 1, "backoff_seconds": 0.2}}
    burst = api.post("/api/orders/burst", {**ORDER, "count": 4, "pattern": "both", "policy": policy})
    assert burst.status_code == 201, burst.content
    comparison = api.post("/api/comparisons", {**ORDER, "count": 2, "policy": policy})
    assert comparison.status_code == 201, comparison.content
    burst_ids = [run["run_id"] for run in burst.json()["placed"]]
    compared = comparison.json()["runs"]

    runs_wait_final(burst_ids + [run["run_id"] for runs in compared.values() for run in runs], timeout=60)

    # What the burst panel asks once the burst is done, and shows as "4 compensated — 4 no partner with room…".
    statuses = api.post("/api/run-statuses", {"run_ids": burst_ids}).json()
    assert (statuses["counts"], statuses["reasons"]) == ({"compensated": 4}, {NO_ROOM: 4})
    # The steps waited for capacity first, then gave up after the step's timeout.
    failed = EventRecord.objects.filter(run_id__in=burst_ids, kind="step.failed")
    assert failed.count() == 4 and all(record.payload["waited_s"] >= 0.8 for record in failed)
    table = {row["key"]: row for row in api.get(f"/api/comparisons/{comparison.json()['id']}").json()["table"]}
    assert table["outcome"]["orchestration"] == f"2 compensated — 2 {NO_ROOM}"
    assert table["outcome"]["choreography"] == f"2 compensated — 2 {NO_ROOM}"

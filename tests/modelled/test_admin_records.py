"""Each declared service's own records are in the admin, on a page of its own."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.engine.drain import drain_until_final
from workflowviz.engine.runs import run_start
from workflowviz.modelled.models import DeclaredService


@pytest.fixture
def staff(db):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(user)
    return client


def test_the_records_page_lists_what_the_services_actions_did(staff, workers_paused, transactional_db):
    data = {"payment_id": "admin-p1", "amount": 80, "country": "GB", "card_age_days": 400}
    run = run_start(workflow="payment-fraud-check", pattern="choreography", data=data,
                    policy_overrides={"*": {"latency_ms": [0, 0]}})  # fmt: skip
    drain_until_final([run.id])
    payments = DeclaredService.objects.get(name="payments")

    listing = staff.get("/admin/modelled/declaredservice/")
    page = staff.get(f"/admin/modelled/declaredservice/{payments.pk}/records/", {"q": str(run.id)[:8]})

    assert listing.status_code == 200 and "own records" in listing.content.decode()
    text = page.content.decode()
    assert page.status_code == 200 and "modelled_records_payments" in text
    for outcome in ("PaymentApproved", "PaymentCaptured", "PaymentBooked"):
        assert outcome in text
    assert "PaymentRefunded" not in text

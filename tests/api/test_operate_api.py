"""POST /api/runs/{id}/cancel, /api/runs/{id}/rerun, /api/runs/rerun and the dead letters: what they do, and
every refusal (a finished run, a message that is not dead, a viewer, a bad reason)."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from orders.models import Order, Product
from orders.services import order_place
from workflowviz.api.tokens import token_issue
from workflowviz.engine.models import EventRecord, OutboxMessage, Run, RunStatus
from workflowviz.engine.reconciler import MAX_RESENDS

from .conftest import ApiClient

UNKNOWN = str(uuid.uuid4())


def place(pattern="orchestration"):
    return order_place(sku="MUG-BLUE", quantity=2, customer_email="ann@example.com", pattern=pattern, latency_ms=[0, 0])


def finished(order, status=RunStatus.SUCCEEDED) -> str:
    Run.objects.filter(pk=order.run_id).update(status=status)
    return str(order.run_id)


def errors_of(response, status):
    assert response.status_code == status, response.content
    return response.json()["errors"]


@pytest.fixture
def viewer_api(db):
    user = get_user_model().objects.create_user("vera", "v@example.com", "correct-horse-battery")
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    return ApiClient(token_issue(user=user))


# --- cancel ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pattern", ["orchestration", "choreography"])
def test_cancel_undoes_the_run_and_records_who_and_why(api, catalogue, pattern):
    run_id = str(place(pattern).run_id)
    response = api.post(f"/api/runs/{run_id}/cancel", {"reason": "buyer changed their mind"})
    assert response.status_code == 202, response.content
    assert response.json()["status"] in ("compensating", "compensated")
    [record] = EventRecord.objects.filter(run_id=run_id, kind="operator.cancelled")
    assert (record.service, record.payload) == ("operator", {"by": "admin", "reason": "buyer changed their mind"})


def test_cancel_refuses_a_finished_run_and_says_why(api, catalogue):
    run_id = finished(place())
    assert errors_of(api.post(f"/api/runs/{run_id}/cancel", {}), 409) == {
        "run_id": "The run already ended (succeeded)."
    }
    assert errors_of(api.post(f"/api/runs/{UNKNOWN}/cancel", {}), 404) == {"run_id": "No such run."}
    assert errors_of(api.post("/api/runs/not-a-uuid/cancel", {}), 404) == {"run_id": "Not a run id."}


def test_cancelling_twice_says_it_is_already_cancelling(api, catalogue):
    run_id = str(place("choreography").run_id)  # its failure event is still on its way: compensating
    assert api.post(f"/api/runs/{run_id}/cancel", {}).status_code == 202
    again = api.post(f"/api/runs/{run_id}/cancel", {"reason": "again"})
    assert (again.status_code, again.json()["detail"]) == (200, "Already cancelling: it is being undone.")
    assert EventRecord.objects.filter(run_id=run_id, kind="operator.cancelled").count() == 1


BAD_REASONS = [
    ({"reason": 5}, 422, "reason"),
    ({"reason": "x" * 501}, 422, "reason"),
    ({"reason": "\ud800"}, 422, "reason"),
    ({"reason": "a\x00"}, 422, "reason"),
    ({"why": "x"}, 400, "why"),
]


def test_a_bad_reason_is_refused_by_name(api, catalogue):
    run_id = str(place().run_id)
    for body, status, field in BAD_REASONS:
        for path in (f"/api/runs/{run_id}/cancel", f"/api/runs/{run_id}/rerun"):
            assert field in errors_of(api.post(path, body), status), (path, body)
    assert Run.objects.get(pk=run_id).status == RunStatus.RUNNING


def test_a_viewer_may_not_act(viewer_api, catalogue):
    run_id = str(place().run_id)
    for path in (f"/api/runs/{run_id}/cancel", f"/api/runs/{run_id}/rerun", "/api/runs/rerun"):
        assert errors_of(viewer_api.post(path, {"run_ids": [run_id]} if path.endswith("s/rerun") else {}), 403)
    assert errors_of(viewer_api.get("/api/dead-letters"), 403)


# --- re-run ---------------------------------------------------------------------------------------------
def test_rerun_of_an_order_places_a_new_order_with_the_same_content(api, catalogue):
    first = place()
    run_id = finished(first, RunStatus.COMPENSATED)
    stock = Product.objects.get(sku="MUG-BLUE").stock

    response = api.post(f"/api/runs/{run_id}/rerun", {"reason": "partner is back"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rerun_of"], body["status"], body["page"]) == (run_id, "running", f"/runs/{body['run_id']}/")
    new_order = Order.objects.get(run_id=body["run_id"])
    assert new_order.pk != first.pk
    assert (new_order.product.sku, new_order.quantity, new_order.customer_email) == ("MUG-BLUE", 2, "ann@example.com")
    assert Product.objects.get(sku="MUG-BLUE").stock == stock - 2
    assert Run.objects.get(pk=body["run_id"]).input["order_id"] == new_order.pk
    assert api.get(f"/api/runs/{body['run_id']}").json()["rerun_of"] == run_id


def test_rerun_refuses_a_running_run_and_an_order_out_of_stock(api, catalogue):
    order = place()
    assert "still running" in errors_of(api.post(f"/api/runs/{order.run_id}/rerun", {}), 409)["run_id"]
    run_id = finished(order)
    Product.objects.filter(sku="MUG-BLUE").update(stock=1)
    why = errors_of(api.post(f"/api/runs/{run_id}/rerun", {}), 409)["run_id"]
    assert why == "Its order cannot be placed again: Only 1 of MUG-BLUE left in stock."
    assert not Run.objects.filter(rerun_of_id=run_id).exists()


def test_bulk_rerun_starts_the_finished_runs_and_says_why_not_for_the_others(api, catalogue):
    done, failed, running = finished(place()), finished(place("choreography"), RunStatus.FAILED), place().run_id
    ids = [done, failed, str(running), UNKNOWN, "nope", done]

    response = api.post("/api/runs/rerun", {"run_ids": ids, "reason": "burst at 14:00"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(item["rerun_of"] for item in body["started"]) == sorted([done, failed])
    for item in body["started"]:
        assert str(Run.objects.get(pk=item["run_id"]).rerun_of_id) == item["rerun_of"]
    assert body["refused"] == {
        str(running): "The run is still running: only a run that ended is re-run.",
        UNKNOWN: "No such run.",
        "nope": "Not a run id.",
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [({"run_ids": "x"}, 422), ({"run_ids": []}, 422), ({"run_ids": [UNKNOWN] * 501}, 422), ({"run_ids": [1]}, 422),
     ({}, 400), ({"run_ids": [UNKNOWN], "reason": ["x"]}, 422)],
)  # fmt: skip
def test_bulk_rerun_validates_its_body(api, db, body, status):
    assert errors_of(api.post("/api/runs/rerun", body), status)


# --- dead letters ---------------------------------------------------------------------------------------
def test_dead_letters_are_listed_resent_and_discarded(api, catalogue):
    order = place()
    message = OutboxMessage.objects.filter(run_id=order.run_id).order_by("created_at").first()
    assert "still sends it" in errors_of(api.post(f"/api/dead-letters/{message.pk}/resend", {}), 409)["message_id"]
    OutboxMessage.objects.filter(pk=message.pk).update(resends=MAX_RESENDS)

    listed = api.get("/api/dead-letters").json()
    assert listed["max_resends"] == MAX_RESENDS
    [letter] = listed["results"]
    assert (letter["message_id"], letter["run_id"], letter["resends"]) == (str(message.pk), str(order.run_id), 20)
    assert (letter["target_service"], letter["step_id"], letter["kind"]) == (
        message.target_service,
        message.step_id,
        "command",
    )

    resent = api.post(f"/api/dead-letters/{message.pk}/resend", {"reason": "worker fixed"})
    assert (resent.status_code, resent.json()["resends"]) == (200, 0)
    assert api.get("/api/dead-letters").json()["results"] == []

    OutboxMessage.objects.filter(pk=message.pk).update(resends=MAX_RESENDS)
    discarded = api.post(f"/api/dead-letters/{message.pk}/discard", {"reason": "poison message"})
    assert discarded.status_code == 200, discarded.content
    assert discarded.json()["outcome"] == f"{message.step_id} failed for good; the run is undone"
    assert "processed" in errors_of(api.post(f"/api/dead-letters/{message.pk}/discard", {}), 409)["message_id"]
    kinds = list(EventRecord.objects.filter(run_id=order.run_id, kind__startswith="operator.").values_list("kind"))
    assert kinds == [("operator.resent",), ("operator.discarded",)]


def test_dead_letter_requests_are_validated(api, db):
    assert errors_of(api.get("/api/dead-letters", {"limit": "501"}), 400) == {
        "limit": "Must be a whole number from 1 to 500."
    }
    assert "run_id" in errors_of(api.get("/api/dead-letters", {"run_id": "x"}), 400)
    assert errors_of(api.post(f"/api/dead-letters/{UNKNOWN}/discard", {}), 404) == {"message_id": "No such message."}
    assert errors_of(api.post("/api/dead-letters/x/resend", {}), 404) == {"message_id": "Not a message id."}

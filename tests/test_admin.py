"""The admin: every registered model's list and change pages answer for a superuser, and search works."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from logistics.services import partner_assign
from notifications.services import order_confirmation_send
from orders.services import order_place
from sellers.services import shipment_preparation_request
from workflowviz.api.tokens import token_issue
from workflowviz.engine.models import EventRecord, JoinState, Run
from workflowviz.web.demo import demo_seed

# The models of the foundation: each must have a row here, so its change page is really shown.
FOUNDATION = {
    "auth.Group",
    "auth.User",
    "api.ApiToken",
    "engine.Run",
    "engine.EventRecord",
    "engine.OutboxMessage",
    "engine.JoinState",
    "orders.Product",
    "orders.Order",
    "notifications.Email",
    "sellers.Seller",
    "sellers.SellerTask",
    "logistics.DeliveryPartner",
    "logistics.Shipment",
}
# django-rq registers a stand-in model whose "changelist" is its queue dashboard; it has no rows.
WITHOUT_ROWS = {"django_rq.Dashboard"}
REGISTERED = sorted(model._meta.label for model in admin.site._registry)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rows(db, admin_user):
    """A row of every foundation model: two placed orders, one of them carried through each service."""
    demo_seed()
    orders = [
        order_place(sku="BOOK-DDD", quantity=2, customer_email=f"ann.{pattern}@example.com", pattern=pattern)
        for pattern in ("orchestration", "choreography")
    ]
    order = orders[0]
    order_confirmation_send(
        order_id=order.pk, customer_email=order.customer_email, product_name="DDD", quantity=2, total="108.00"
    )
    shipment_preparation_request(order_id=order.pk, seller_code="brightbooks", sku="BOOK-DDD", quantity=2)
    partner_assign(order_id=order.pk, region="north", quantity=2)
    JoinState.objects.create(run_id=order.run_id, step_id="notify_shipped", service="notifications")
    Group.objects.create(name="operators")
    token_issue(user=admin_user)
    return orders


@pytest.fixture
def browser(admin_user):
    client = Client()
    assert client.login(username="admin", password="correct-horse-battery")
    return client


def admin_url(label: str, view: str, *args) -> str:
    app_label, model_name = label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


def model_of(label: str):
    return next(model for model in admin.site._registry if model._meta.label == label)


def test_every_foundation_model_is_registered():
    assert FOUNDATION <= set(REGISTERED)


def test_the_admin_needs_a_login(rows):
    response = Client().get(admin_url("orders.Order", "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("label", REGISTERED)
def test_the_changelist_answers_and_searching_any_text_never_fails(label, rows, browser):
    response = browser.get(admin_url(label, "changelist"))
    assert response.status_code == 200
    if label in FOUNDATION:
        assert response.context["cl"].result_count >= 1
    if label not in WITHOUT_ROWS:
        for query in ("ann", "not-a-uuid", "12", "é"):
            assert browser.get(admin_url(label, "changelist"), {"q": query}).status_code == 200, query


@pytest.mark.parametrize("label", sorted(set(REGISTERED) - WITHOUT_ROWS))
def test_a_change_page_answers(label, rows, browser):
    model = model_of(label)
    instance = model._default_manager.order_by("pk").first()
    if instance is None:
        assert label not in FOUNDATION, f"the fixture made no {label}"
        pytest.skip(f"no {label} row to show (a model outside the foundation)")
    response = browser.get(admin_url(label, "change", instance.pk))
    assert response.status_code == 200


def test_a_run_shows_its_event_records_inline_in_sequence(rows, browser):
    run = Run.objects.get(pk=rows[0].run_id)

    response = browser.get(admin_url("engine.Run", "change", run.pk))

    assert response.status_code == 200
    inlines = {formset.opts.model: formset for formset in response.context["inline_admin_formsets"]}
    shown = [form.original for form in inlines[EventRecord] if form.original is not None]
    assert [record.seq for record in shown] == list(
        EventRecord.objects.filter(run=run).order_by("seq").values_list("seq", flat=True)
    )
    assert len(shown) > 1
    assert b"run.started" in response.content


@pytest.mark.parametrize(
    ("label", "query", "expected"),
    [
        ("orders.Order", "ann.choreography", 1),
        ("orders.Order", "BOOK-DDD", 2),
        ("orders.Product", "MUG", 1),
        ("logistics.DeliveryPartner", "Express", 1),
        ("sellers.Seller", "brightbooks", 1),
        ("notifications.Email", "confirmed", 1),
        ("orders.Order", "nothing-matches-this", 0),
    ],
)
def test_changelist_search_finds_rows(label, query, expected, rows, browser):
    response = browser.get(admin_url(label, "changelist"), {"q": query})
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected


def test_runs_are_found_by_their_id_and_records_by_their_run(rows, browser):
    run_id = str(rows[1].run_id)
    runs = browser.get(admin_url("engine.Run", "changelist"), {"q": run_id})
    assert [run.pk for run in runs.context["cl"].result_list] == [rows[1].run_id]
    records = browser.get(admin_url("engine.EventRecord", "changelist"), {"q": run_id})
    assert records.context["cl"].result_count == EventRecord.objects.filter(run_id=run_id).count()

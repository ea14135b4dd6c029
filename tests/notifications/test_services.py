"""Notifications on its own: each email is recorded once and sent once, after its transaction commits."""

import re

import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Email, EmailKind, LoginCode
from notifications.services import (
    login_code_send,
    login_code_verify,
    order_confirmation_send,
    shipped_email_send,
)

CONFIRMATION = {
    "order_id": 42,
    "customer_email": "ann@example.com",
    "product_name": "Two-person tent",
    "quantity": 2,
    "total": "378.00",
}


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "shop@test.example"
    mail.outbox = []
    return mail.outbox


def test_the_confirmation_is_recorded_and_sent_after_commit(db, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = order_confirmation_send(**CONFIRMATION)
        assert outbox == []  # nothing leaves before the record is committed
    assert (email.kind, email.order_id, email.to, email.sent_at) == (
        EmailKind.ORDER_CONFIRMATION,
        42,
        "ann@example.com",
        None,
    )
    assert len(callbacks) == 1

    callbacks[0]()

    [sent] = outbox
    assert (sent.subject, sent.to, sent.from_email) == (
        "Your order #42 is confirmed",
        ["ann@example.com"],
        "shop@test.example",
    )
    assert "2 x Two-person tent" in sent.body and "378.00" in sent.body
    email.refresh_from_db()
    assert (email.subject, email.body) == (sent.subject, sent.body)
    assert email.sent_at is not None


def test_a_second_call_sends_nothing(db, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = order_confirmation_send(**CONFIRMATION)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = order_confirmation_send(**{**CONFIRMATION, "customer_email": "someone@example.com"})

    assert second.pk == first.pk and second.to == "ann@example.com"
    assert callbacks == []
    assert len(outbox) == 1
    assert Email.objects.filter(order_id=42).count() == 1


def test_an_email_whose_transaction_rolls_back_is_never_sent(db, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            order_confirmation_send(**CONFIRMATION)
            raise RuntimeError("the step failed after writing the email")
    assert callbacks == [] and outbox == []
    assert not Email.objects.exists()


def test_the_shipped_email_carries_the_tracking_number(db, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order_confirmation_send(**CONFIRMATION)
        email = shipped_email_send(
            order_id=42, customer_email="ann@example.com", partner_name="Polar Express", tracking_number="WV-N-ABC"
        )

    assert email.kind == EmailKind.SHIPPED
    assert [message.subject for message in outbox] == ["Your order #42 is confirmed", "Your order #42 is on its way"]
    assert "Polar Express" in outbox[1].body and "WV-N-ABC" in outbox[1].body
    assert Email.objects.filter(order_id=42).count() == 2


def test_the_sign_in_code_leaves_by_email_but_the_record_keeps_no_code(db, outbox, django_capture_on_commit_callbacks):
    login_id = "5b0e7c1e-8c5a-4c55-9a53-3c2f3f0f0a11"
    with django_capture_on_commit_callbacks(execute=True):
        login_code_send(login_id=login_id, email="ann@example.com")

    [sent] = outbox
    code = re.fullmatch(r"Your sign-in code: (\d{6})", sent.subject).group(1)
    assert code in sent.body and sent.to == ["ann@example.com"]
    record = Email.objects.get(kind=EmailKind.LOGIN_CODE)
    assert record.sent_at is not None
    assert not re.search(r"\d{6}", record.subject + record.body), (record.subject, record.body)
    assert code not in str(list(LoginCode.objects.values()))  # the code's keyed digest only
    assert login_code_verify(login_id=login_id, entered_code=code).verified_at is not None

"""Notifications' business logic: write each email once, send it after the transaction commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Email, EmailKind


def email_send(*, kind: str, order_id: int, to: str, subject: str, body: str) -> Email:
    """Record the email and send it once the record is committed; a second call changes nothing."""
    email, created = Email.objects.get_or_create(
        order_id=order_id, kind=kind, defaults={"to": to, "subject": subject, "body": body}
    )
    if created:
        transaction.on_commit(lambda: _deliver(email.pk))
    return email


def _deliver(email_pk: int) -> None:
    email = Email.objects.get(pk=email_pk)
    send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
    Email.objects.filter(pk=email_pk).update(sent_at=timezone.now())


def order_confirmation_send(
    *, order_id: int, customer_email: str, product_name: str, quantity: int, total: str
) -> Email:
    return email_send(
        kind=EmailKind.ORDER_CONFIRMATION,
        order_id=order_id,
        to=customer_email,
        subject=f"Your order #{order_id} is confirmed",
        body=f"Thank you for your order of {quantity} x {product_name} (total {total}).\n"
        "We will tell you as soon as it ships.",
    )


def shipped_email_send(*, order_id: int, customer_email: str, partner_name: str, tracking_number: str) -> Email:
    return email_send(
        kind=EmailKind.SHIPPED,
        order_id=order_id,
        to=customer_email,
        subject=f"Your order #{order_id} is on its way",
        body=f"{partner_name} will deliver your order. Tracking number: {tracking_number}.",
    )

"""Notifications' business logic: write each email once, send it after the transaction commits."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Email, EmailKind, LoginCode


def email_send(*, kind: str, order_id: int, to: str, subject: str, body: str) -> Email:
    """Record the email and send it once the record is committed; a second call changes nothing."""
    existing = Email.objects.filter(order_id=order_id, kind=kind).first()
    if existing:
        return existing
    email = Email.objects.create(order_id=order_id, kind=kind, to=to, subject=subject, body=body)
    transaction.on_commit(lambda: _deliver(email))
    return email


def _deliver(email: Email, *, subject: str = "", body: str = "") -> None:
    """Send the email as recorded, or with the `subject` and `body` given (which the record does not keep)."""
    send_mail(subject or email.subject, body or email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
    Email.objects.filter(pk=email.pk).update(sent_at=timezone.now())


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


def backorder_notice_send(*, order_id: int, customer_email: str, product_name: str, short_by: int) -> Email:
    return email_send(
        kind=EmailKind.BACKORDER,
        order_id=order_id,
        to=customer_email,
        subject=f"Your order #{order_id} is on backorder",
        body=f"The seller is {short_by} short of {product_name}. We will ship your order as soon as more arrive.",
    )


def order_cancellation_send(*, order_id: int, customer_email: str) -> Email:
    return email_send(
        kind=EmailKind.CANCELLATION,
        order_id=order_id,
        to=customer_email,
        subject=f"Your order #{order_id} was cancelled",
        body="We could not complete your order and have cancelled it. You will not be charged.",
    )


def shipped_email_send(*, order_id: int, customer_email: str, partner_name: str, tracking_number: str) -> Email:
    return email_send(
        kind=EmailKind.SHIPPED,
        order_id=order_id,
        to=customer_email,
        subject=f"Your order #{order_id} is on its way",
        body=f"{partner_name} will deliver your order. Tracking number: {tracking_number}.",
    )


def recommendations_send(
    *,
    order_id: int,
    customer_email: str,
    product_name: str,
    suggested_skus: list[str],
    delivery_days: int,
    points_quote: int,
) -> Email:
    suggestions = ", ".join(suggested_skus) if suggested_skus else "nothing yet: you are among the first buyers"
    return email_send(
        kind=EmailKind.RECOMMENDATIONS,
        order_id=order_id,
        to=customer_email,
        subject=f"More for your order #{order_id}",
        body=f"Your {product_name} should arrive in about {delivery_days} day(s), and the order earns you "
        f"{points_quote} points.\nOther buyers of this seller also ordered: {suggestions}.",
    )


# --- One-time sign-in codes ----------------------------------------------------------------------
LOGIN_CODE_DIGITS = 6
LOGIN_CODE_TTL = timedelta(minutes=5)
# What the Email record says in place of the code: only the code's keyed digest is kept (LoginCode).
LOGIN_CODE_NOT_KEPT = "The code itself is not kept here: it is in the email that was sent."


class LoginCodeNotEntered(Exception):
    """Nobody has entered the code yet: the verifying step fails and its retry policy asks again later."""


class LoginCodeWrong(Exception):
    pass


class LoginCodeExpired(Exception):
    pass


class UnknownLogin(Exception):
    pass


def _code_digest(login_id: str, code: str) -> str:
    return salted_hmac("notifications.login-code", f"{login_id}:{code}", algorithm="sha256").hexdigest()


def login_code_send(*, login_id: str, email: str) -> LoginCode:
    """Make a code for the login and email it; asking again for the same login changes nothing."""
    existing = LoginCode.objects.filter(login_id=login_id).first()
    if existing:
        return existing
    code = "".join(secrets.choice("0123456789") for _ in range(LOGIN_CODE_DIGITS))
    login_code = LoginCode.objects.create(
        login_id=login_id,
        email=email,
        code_digest=_code_digest(login_id, code),
        expires_at=timezone.now() + LOGIN_CODE_TTL,
    )
    minutes = int(LOGIN_CODE_TTL.total_seconds() // 60)
    # The record says what was sent, not the code: only the message that leaves (the mailbox) holds it.
    sent = Email.objects.create(
        kind=EmailKind.LOGIN_CODE,
        order_id=None,
        to=email,
        subject="Your sign-in code",
        body=f"A {LOGIN_CODE_DIGITS}-digit sign-in code, valid for {minutes} minutes. {LOGIN_CODE_NOT_KEPT}",
    )
    subject, body = login_code_message(code, minutes)
    transaction.on_commit(lambda: _deliver(sent, subject=subject, body=body))
    return login_code


def login_code_message(code: str, minutes: int) -> tuple[str, str]:
    """The subject and body of the email that carries the code."""
    return (
        f"Your sign-in code: {code}",
        f"Enter {code} to sign in. It is valid for {minutes} minutes.\n"
        "If you did not ask to sign in, ignore this email.",
    )


def _code_entered(login_code: LoginCode, code: str) -> None:
    """Keep (the digest of) what the user typed, once per code typed."""
    digest = _code_digest(login_code.login_id, code.strip())
    if digest != login_code.entered_digest:
        login_code.entered_digest = digest
        login_code.entered_at = timezone.now()
        login_code.save(update_fields=["entered_digest", "entered_at"])


def login_code_verify(*, login_id: str, entered_code: str = "") -> LoginCode:
    """The login's code, verified against the code the user entered (it comes in the check's message);
    raises while no code (or a wrong one) was entered, or once expired."""
    login_code = LoginCode.objects.filter(login_id=login_id).first()
    if login_code is None:
        raise UnknownLogin("no code was sent for this login")
    if login_code.verified_at is not None:
        return login_code
    if entered_code:
        _code_entered(login_code, entered_code)
    if timezone.now() > login_code.expires_at:
        raise LoginCodeExpired("the code expired; ask for a new one")
    if not login_code.entered_digest:
        raise LoginCodeNotEntered("waiting for the user to enter the code")
    if not constant_time_compare(login_code.entered_digest, login_code.code_digest):
        raise LoginCodeWrong("the code entered is not the one sent")
    login_code.verified_at = timezone.now()
    login_code.save(update_fields=["verified_at"])
    return login_code

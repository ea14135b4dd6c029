"""Reads of Notifications' records for the pages and the API."""

from .models import Email, EmailKind, LoginCode


def login_code_state(*, login_id: str) -> dict | None:
    """Where a sign-in code stands (never the code): None until it was sent."""
    code = LoginCode.objects.filter(login_id=login_id).first()
    if code is None:
        return None
    return {
        "email": code.email,
        "sent_at": code.created_at,
        "entered_at": code.entered_at,
        "verified_at": code.verified_at,
        "expires_at": code.expires_at,
    }


def notifications_business_state(refs: list) -> dict[str, dict]:
    """Whether the order confirmation email went out, for each run of an order that Notifications takes part in."""
    runs_by_order = {ref.order_id: ref.run_id for ref in refs if ref.order_id and "notifications" in ref.services}
    sent = set(
        Email.objects.filter(
            order_id__in=list(runs_by_order), kind=EmailKind.ORDER_CONFIRMATION, sent_at__isnull=False
        ).values_list("order_id", flat=True)
    )
    return {run_id: {"confirmation_email_sent": order_id in sent} for order_id, run_id in runs_by_order.items()}

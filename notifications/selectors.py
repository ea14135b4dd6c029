"""Reads of Notifications' records for the pages and the API."""

from .models import LoginCode


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

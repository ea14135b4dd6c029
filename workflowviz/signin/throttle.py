"""Login throttling: after too many failed sign-ins for one account or from one address within a window,
further attempts are refused (even with the right password) until the oldest failures age out.

Failures are rows (FailedSignIn), so every daphne process and server shares the count. A refused attempt
is not counted: it never reached the password check, and counting it would keep a user locked out for
as long as an attacker keeps trying.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import FailedSignIn


@dataclass(frozen=True)
class Refusal:
    reason: str
    retry_after: int  # seconds


def client_address(request) -> str:
    """The client's address as the server saw it (behind a proxy, daphne --proxy-headers sets it)."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _username_key(username: str) -> str:
    # Lower-cased, so that "Admin" and "admin" share one count.
    return (username or "").strip().lower()[:150]


def _wait_seconds(failures, limit: int, now) -> int | None:
    """Seconds until fewer than `limit` failures remain in the window, or None when there already are."""
    times = list(failures.filter(at__gt=now - _window()).order_by("-at").values_list("at", flat=True)[:limit])
    if len(times) < limit:
        return None
    return max(1, math.ceil((times[-1] + _window() - now).total_seconds()))


def _minutes(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def sign_in_refusal(*, username: str = "", address: str) -> Refusal | None:
    """Why a sign-in attempt is refused before its password is even checked, or None."""
    now = timezone.now()
    key = _username_key(username)
    if key:
        wait = _wait_seconds(FailedSignIn.objects.filter(username=key), settings.LOGIN_FAILURES_PER_USER, now)
        if wait:
            return Refusal(f"Too many failed sign-ins for this account; try again in {_minutes(wait)}.", wait)
    wait = _wait_seconds(FailedSignIn.objects.filter(address=address), settings.LOGIN_FAILURES_PER_ADDRESS, now)
    if wait:
        return Refusal(f"Too many failed sign-ins from this address; try again in {_minutes(wait)}.", wait)
    return None


def sign_in_failed(*, username: str = "", address: str) -> None:
    """Count a failed sign-in (and forget failures older than the window, which nothing reads again)."""
    now = timezone.now()
    FailedSignIn.objects.filter(at__lte=now - _window()).delete()
    FailedSignIn.objects.create(username=_username_key(username), address=address, at=now)


def sign_in_succeeded(*, username: str) -> None:
    """The account's own failures are forgiven once its password was right; the address still counts them."""
    FailedSignIn.objects.filter(username=_username_key(username)).update(username="")

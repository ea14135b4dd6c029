"""The throttle's window: failures older than it stop counting, and the wait named is until they do."""

from datetime import timedelta

from django.utils import timezone

from workflowviz.signin.models import FailedSignIn
from workflowviz.signin.throttle import sign_in_failed, sign_in_refusal, sign_in_succeeded

ADDRESS = "203.0.113.7"


def fail(times: int, *, username: str = "ann", address: str = ADDRESS, minutes_ago: float = 0) -> None:
    for _ in range(times):
        sign_in_failed(username=username, address=address)
    FailedSignIn.objects.update(at=timezone.now() - timedelta(minutes=minutes_ago))


def test_five_failures_lock_the_account_until_the_oldest_is_15_minutes_old(db):
    fail(4)
    assert sign_in_refusal(username="ann", address=ADDRESS) is None
    fail(1, minutes_ago=14)
    refusal = sign_in_refusal(username="ANN", address="198.51.100.1")  # any case, any address
    assert refusal.reason == "Too many failed sign-ins for this account; try again in 1 minute."
    assert 1 <= refusal.retry_after <= 60
    FailedSignIn.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))
    assert sign_in_refusal(username="ann", address=ADDRESS) is None


def test_twenty_failures_from_one_address_lock_it_for_every_account(db, settings):
    for n in range(20):
        fail(1, username=f"user-{n}")
    refusal = sign_in_refusal(username="someone-else", address=ADDRESS)
    assert refusal.reason.startswith("Too many failed sign-ins from this address")
    assert sign_in_refusal(username="someone-else", address="198.51.100.1") is None


def test_the_right_password_forgives_the_account_but_the_address_keeps_counting(db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    fail(4)
    sign_in_succeeded(username="Ann")
    assert "from this address" in sign_in_refusal(username="ann", address=ADDRESS).reason
    assert sign_in_refusal(username="ann", address="198.51.100.1") is None

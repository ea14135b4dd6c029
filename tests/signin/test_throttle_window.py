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


def test_an_address_locked_out_may_not_enter_login_codes_either(db, admin_user, client):
    client.force_login(admin_user)  # signed in before the lock: the session itself is not refused
    fail(20, address="127.0.0.1")
    response = client.post(
        "/api/logins/7f1c1c62-6b9e-4f57-a3a4-9a1b0c2d3e4f/code", {"code": "123456"}, "application/json"
    )

    assert response.status_code == 429
    assert response.json()["errors"]["authorization"].startswith("Too many failed sign-ins from this address")
    assert 1 <= int(response["Retry-After"]) <= 900
    assert client.get("/api/products").status_code == 200

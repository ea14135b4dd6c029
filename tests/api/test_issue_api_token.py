"""`manage.py issue_api_token USERNAME` prints a new token that authenticates as that user."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from workflowviz.api.models import ApiToken

from .conftest import ApiClient


def issue(username: str) -> str:
    out = StringIO()
    call_command("issue_api_token", username, stdout=out)
    return out.getvalue().strip()


def test_the_printed_token_authenticates_as_the_user(admin_user, catalogue):
    token = issue("admin")

    assert ApiClient(token).get("/api/products").status_code == 200
    stored = ApiToken.objects.get()
    assert (stored.user, stored.prefix) == (admin_user, token[:8])
    assert stored.digest != token  # only the digest is kept
    assert ApiClient(token + "x").get("/api/products").status_code == 401


def test_each_call_prints_a_new_token(admin_user, catalogue):
    first, second = issue("admin"), issue("admin")
    assert first != second
    assert all(ApiClient(token).get("/api/products").status_code == 200 for token in (first, second))


def test_an_unknown_user_is_a_command_error(admin_user):
    with pytest.raises(CommandError, match="nobody"):
        issue("nobody")
    assert not ApiToken.objects.exists()

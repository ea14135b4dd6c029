"""Login throttling, through the real server: the site's /login/ form, the admin's login, API tokens."""

import html
import re

import pytest
import requests
from django.contrib.auth import get_user_model

from workflowviz.api.tokens import token_issue

pytestmark = [pytest.mark.system]

PASSWORD = "correct-horse-battery"
ACCOUNT_LOCKED = re.compile(r"Too many failed sign-ins for this account; try again in 1[45] minutes\.")
ADDRESS_LOCKED = re.compile(r"Too many failed sign-ins from this address; try again in 1[45] minutes\.")
LOGIN_PAGES = {"site form": ("/login/", "/"), "admin": ("/admin/login/", "/admin/")}


@pytest.fixture
def accounts(transactional_db):
    """Committed, so that daphne sees them: a superuser under attack and a bystander."""
    users = get_user_model().objects
    return users.create_superuser("admin", "admin@localhost", PASSWORD), users.create_superuser(
        "bea", "bea@localhost", PASSWORD
    )


def sign_in(web_url: str, path: str, next_url: str, username: str, password: str, session=None) -> requests.Response:
    """Fill in and send a login form as a browser would (its CSRF cookie and token included); a `session`
    given keeps its cookies, as one browser trying again and again would."""
    session = session or requests.Session()
    form = session.get(web_url + path, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return session.post(
        web_url + path,
        data={"csrfmiddlewaretoken": token, "username": username, "password": password, "next": next_url},
        headers={"Referer": web_url + path},
        allow_redirects=False,
        timeout=30,
    )


def page_text(response: requests.Response) -> str:
    return html.unescape(response.text)


@pytest.mark.parametrize("login", LOGIN_PAGES, ids=list(LOGIN_PAGES))
def test_30_wrong_passwords_lock_the_account_and_the_right_one_is_refused_with_the_reason(web_url, accounts, login):
    path, next_url = LOGIN_PAGES[login]
    attacker = requests.Session()
    answers = [sign_in(web_url, path, next_url, "admin", f"guess-{n}", attacker) for n in range(30)]

    assert all(answer.status_code == 200 for answer in answers)
    assert not any(ACCOUNT_LOCKED.search(page_text(answer)) for answer in answers[:5])
    assert all(ACCOUNT_LOCKED.search(page_text(answer)) for answer in answers[5:])
    right = sign_in(web_url, path, next_url, "admin", PASSWORD)
    assert right.status_code == 200 and "sessionid" not in right.cookies  # refused: no session
    assert ACCOUNT_LOCKED.search(page_text(right))
    # Refused attempts are not counted: the address made only 5 failures, so others still sign in.
    assert sign_in(web_url, path, next_url, "bea", PASSWORD).status_code == 302


def test_guessing_api_tokens_gets_429_and_locks_the_address_out_of_the_forms(web_url, accounts):
    admin, _ = accounts
    token = token_issue(user=admin)
    products = f"{web_url}/api/products"
    guesses = [requests.get(products, headers={"Authorization": f"Bearer guess-{n}"}, timeout=10) for n in range(20)]
    assert [guess.status_code for guess in guesses] == [401] * 20

    refused = requests.get(products, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 429
    assert ADDRESS_LOCKED.fullmatch(refused.json()["errors"]["authorization"])
    assert 840 <= int(refused.headers["Retry-After"]) <= 900
    for path, next_url in LOGIN_PAGES.values():
        right = sign_in(web_url, path, next_url, "bea", PASSWORD)
        assert right.status_code == 200 and ADDRESS_LOCKED.search(page_text(right))

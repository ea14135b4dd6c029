"""Bad requests against the real server, as `make run` starts it (no DJANGO_DEBUG): every refusal is
JSON under /api/ or a page of the site, never Django's debug page, and daphne logs no traceback for it."""

import asyncio
import json
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import websockets
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from tests.conftest import database_url, wait_until
from workflowviz.api.tokens import token_issue
from workflowviz.processes import ProcessGroup, free_port, system_argvs, wait_for_port

pytestmark = [pytest.mark.system]

NESTED_5000_DEEP = b'{"a":' * 5000 + b"1" + b"}" * 5000  # 30 KB: under each endpoint's size limit
THREE_MB = 3 * 1024 * 1024
# A browser that has seen a page has one; without it, the CSRF check refuses before reading the form.
CSRF_COOKIE = "csrftoken=" + "a" * 32
# What Django's debug pages show: none of it may reach a client.
DEBUG_PAGE_WORDS = ["Traceback", "DisallowedHost", "ALLOWED_HOSTS", "SECRET_KEY", "URLconf", "urlpatterns"]


@dataclass
class Server:
    url: str
    log_path: Path

    @property
    def host(self) -> str:
        return self.url.removeprefix("http://")

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """daphne on the test database, started the way `run_system` and `web_url` start it, with no
    DJANGO_DEBUG in its environment; everything it prints goes to a file the tests read."""
    log_path = tmp_path_factory.mktemp("daphne") / "daphne.log"
    group = ProcessGroup(env={"DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"})
    group.env.pop("DJANGO_DEBUG", None)
    port = free_port()
    argv = system_argvs(queues=settings.SERVICE_APPS, port=port)["web"]
    with log_path.open("wb") as log:
        process = group.start("web", argv, stdout=log, stderr=subprocess.STDOUT)
    wait_for_port("127.0.0.1", port, process=process, what="daphne")
    yield Server(f"http://127.0.0.1:{port}", log_path)
    group.stop()


@pytest.fixture(autouse=True)
def _no_traceback_logged(server):
    yield
    assert "Traceback" not in server.output(), server.output()[-3000:]


@pytest.fixture
def viewer(transactional_db):
    """A viewer with an API token and a session cookie."""
    user = get_user_model().objects.create_user("viewer", "viewer@example.com", password=None)
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    client = Client()
    client.force_login(user)
    return SimpleNamespace(token=token_issue(user=user), cookie=client.cookies["sessionid"].value)


def send(url: str, *, body: bytes | None = None, headers: dict | None = None) -> tuple[int, str, bytes]:
    """(status, content type, body) of one real HTTP request; a POST when there is a body."""
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def json_errors(answer, status: int) -> dict:
    code, content_type, body = answer
    assert (code, content_type) == (status, "application/json"), body[:500]
    return json.loads(body)["errors"]


def page(answer, status: int) -> str:
    """The text of an error page of the site (base.html), with nothing of a debug page."""
    code, content_type, body = answer
    text = body.decode()
    assert code == status and content_type.startswith("text/html"), text[:500]
    assert 'class="topbar"' in text and f"<h1>{status} · " in text, text[:500]
    assert not [word for word in DEBUG_PAGE_WORDS if word in text]
    return text


def as_viewer(viewer, content_type="application/json") -> dict:
    return {"Authorization": f"Bearer {viewer.token}", "Content-Type": content_type}


@pytest.mark.parametrize("path", ["/api/run-statuses", "/api/workflows/validate"])
def test_a_body_nested_5000_deep_is_a_json_400_for_a_viewer(path, server, viewer):
    errors = json_errors(send(server.url + path, body=NESTED_5000_DEEP, headers=as_viewer(viewer)), 400)
    assert "nested deeper than" in errors["body"]


def test_a_3_mb_body_is_a_json_413_by_token_or_session(server, viewer):
    body = json.dumps({"run_ids": ["x" * THREE_MB]}).encode()
    assert "body" in json_errors(send(server.url + "/api/run-statuses", body=body, headers=as_viewer(viewer)), 413)
    # With a session, the CSRF check reads a form body first: over DATA_UPLOAD_MAX_MEMORY_SIZE that is
    # Django's RequestDataTooBig, which the error handler answers in JSON too.
    form = {"Cookie": f"sessionid={viewer.cookie}; {CSRF_COOKIE}", "Content-Type": "application/x-www-form-urlencoded"}
    errors = json_errors(send(server.url + "/api/run-statuses", body=b"a=" + b"x" * THREE_MB, headers=form), 413)
    assert errors == {"request": "The request body is too large."}


def test_a_3_mb_form_to_a_page_is_a_413_page(server, transactional_db):
    headers = {"Cookie": CSRF_COOKIE, "Content-Type": "application/x-www-form-urlencoded"}
    text = page(send(server.url + "/login/", body=b"username=" + b"x" * THREE_MB, headers=headers), 413)
    assert "too large" in text


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_body_not_sent_as_json_is_a_415(content_type, server, viewer):
    body = json.dumps({"run_ids": []}).encode()
    headers = as_viewer(viewer, content_type)
    errors = json_errors(send(server.url + "/api/run-statuses", body=body, headers=headers), 415)
    assert "Content-Type: application/json" in errors["content_type"]
    assert send(server.url + "/api/run-statuses", body=body, headers=as_viewer(viewer))[0] == 200  # as JSON


def test_an_anonymous_404_is_a_page_of_the_site_without_the_url_list(server, transactional_db):
    text = page(send(server.url + "/no-such-page/"), 404)
    assert "api/orders" not in text and "django-rq" not in text
    assert json_errors(send(server.url + "/api/no-such-endpoint"), 404) == {
        "request": "There is nothing at this address."
    }


@pytest.mark.parametrize("path", ["/", "/api/orders"])
def test_a_spoofed_host_is_a_plain_400_without_settings(path, server, transactional_db):
    answer = send(server.url + path, headers={"Host": "evil.example"})
    if path.startswith("/api/"):
        assert json_errors(answer, 400) == {"request": "The server could not understand this request."}
    else:
        assert "evil.example" not in page(answer, 400)
    # One line for the operator, no traceback (checked after every test).
    wait_until(lambda: "Invalid HTTP_HOST header: 'evil.example'" in server.output(), timeout=5, what="the log line")


def test_a_page_a_viewer_may_not_open_is_a_403_page_and_one_log_line(server, viewer):
    text = page(send(server.url + "/designer/new/", headers={"Cookie": f"sessionid={viewer.cookie}"}), 403)
    assert "This page needs the designer role." in text
    line = "Forbidden (Permission denied): /designer/new/"
    wait_until(lambda: line in server.output(), timeout=5, what="the log line")
    assert server.output().count(line) == 1


def test_static_files_are_served_without_debug(server, transactional_db):
    for path in ["/static/css/app.css", "/static/js/http.js", "/static/npm/d3/d3.min.js"]:
        status, _, body = send(server.url + path)
        assert status == 200 and body, path


def ws_answer(server, path: str, *, cookie: str = "", origin: str = "") -> str:
    """ "open", or the HTTP status the handshake was refused with."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}

    async def attempt():
        try:
            async with websockets.connect(
                f"ws://{server.host}{path}", origin=origin or server.url, additional_headers=headers
            ):
                return "open"
        except websockets.InvalidStatus as refused:
            return str(refused.response.status_code)

    return asyncio.run(attempt())


def test_websockets_refuse_unknown_paths_and_strangers_with_a_403_and_one_line(server, viewer):
    assert ws_answer(server, "/ws/runs/", cookie=viewer.cookie) == "open"  # the control: a viewer gets in
    assert ws_answer(server, "/ws/nope/") == "403"
    assert ws_answer(server, "/ws/nope/", cookie=viewer.cookie) == "403"
    assert ws_answer(server, "/ws/runs/not-a-run/", cookie=viewer.cookie) == "403"
    assert ws_answer(server, "/ws/runs/") == "403"  # anonymous
    assert ws_answer(server, "/ws/runs/", cookie=viewer.cookie, origin="http://evil.example") == "403"
    wait_until(lambda: server.output().count('"WSREJECT /ws/runs/"') == 2, timeout=5, what="the refusals' lines")
    assert server.output().count('"WSREJECT /ws/nope/"') == 2
    assert "Exception inside application" not in server.output()

"""A strict Content-Security-Policy on every response: pages, admin, django-rq, API, errors."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from workflowviz.engine.models import Run

PAGES = [
    "/",
    "/runs/",
    "/runs/{run_id}/",
    "/designer/",
    "/designer/order-fulfilment/",
    "/designer/try/login/",
    "/compare/",
    "/metrics/",
    "/dead-letters/",
    "/admin/",
    "/admin/notifications/email/",
    "/django-rq/",
    "/django-rq/queues/0/",
]
OTHERS = ["/api/products", "/api/openapi.json", "/static/css/app.css", "/no-such-page/"]
ANONYMOUS = ["/login/", "/admin/login/", "/api/runs", "/"]
STRICT = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self' ws://testserver wss://testserver",
}


@pytest.fixture
def admin(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@localhost", "pw"))
    return client


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in header.split(";"))


def without_hashes(sources: str) -> str:
    return " ".join(source for source in sources.split() if not source.startswith("'sha256-"))


def assert_strict(response, path):
    policy = policy_of(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"], path
    assert "unsafe-eval" not in response["Content-Security-Policy"], path
    scripts = policy["script-src"].split()
    assert scripts[0] == "'self'" and all(re.fullmatch(r"'(nonce|sha256)-[\w+/=-]+'", s) for s in scripts[1:])
    assert {name: without_hashes(policy.get(name, "")) for name in STRICT} == STRICT, path


def test_every_page_has_a_strict_policy_and_its_import_map_the_nonce(admin):
    run = Run.objects.create(pattern="orchestration", design_slug="order-fulfilment", design_version=1, graph={})
    for path in [page.format(run_id=run.pk) for page in PAGES]:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert_strict(response, path)
        if not path.startswith(("/admin/", "/django-rq/")):
            nonce = re.search(r"'nonce-([\w-]+)'", policy_of(response)["script-src"]).group(1)
            assert f'<script type="importmap" nonce="{nonce}">' in response.content.decode(), path


def test_api_answers_static_files_and_errors_carry_it_too(admin):
    for path in OTHERS:
        assert_strict(admin.get(path), path)
    for path in ANONYMOUS:
        assert_strict(Client().get(path), path)


def test_each_response_gets_its_own_nonce_and_only_django_rq_its_script_hash(admin):
    first, second = (policy_of(admin.get("/"))["script-src"] for _ in range(2))
    assert first != second
    assert "sha256" not in first and "sha256" not in policy_of(admin.get("/admin/"))["script-src"]
    assert "sha256" in policy_of(admin.get("/django-rq/queues/0/"))["script-src"]

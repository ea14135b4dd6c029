"""The error answers the live tests cannot provoke (tests/system/test_error_answers.py has the others)."""

import io
import logging

from django.test import Client, RequestFactory

from workflowviz.errors import server_error


def test_a_server_error_is_json_for_the_api_and_a_page_of_the_site_otherwise():
    api = server_error(RequestFactory().get("/api/runs"))
    assert (api.status_code, api["Content-Type"]) == (500, "application/json")
    page = server_error(RequestFactory().get("/designer/"))
    text = page.content.decode()
    assert page.status_code == 500 and "<h1>500 · Server error</h1>" in text and 'class="topbar"' in text


def test_a_form_without_its_csrf_token_is_a_403_page_saying_to_reload(db):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "ann", "password": "x"})
    text = response.content.decode()
    assert response.status_code == 403 and "<h1>403 · Forbidden</h1>" in text
    assert "reload the page" in text


def log_with_traceback(status: int) -> str:
    """What settings.LOGGING prints for django.request's record of an answer with `status`, raised from an error."""
    logger = logging.getLogger("django.request")
    (handler,) = logger.handlers
    printed = io.StringIO()
    previous = handler.setStream(printed)
    try:
        raise ValueError("what went wrong")
    except ValueError as error:
        logger.warning("Answer %s: /x", status, exc_info=error, extra={"status_code": status})
    finally:
        handler.setStream(previous)
    return printed.getvalue()


def test_a_refusal_is_logged_in_one_line_a_server_error_with_its_traceback():
    assert log_with_traceback(403) == "Answer 403: /x\n"
    assert "Traceback" in log_with_traceback(500)

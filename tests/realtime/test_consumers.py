"""The websockets against the real ASGI app (auth, origin check, routing) and the real channels-redis layer."""

import json
import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from workflowviz.asgi import application
from workflowviz.engine.models import EventRecord, Run
from workflowviz.realtime.broadcast import records_broadcast
from workflowviz.realtime.consumers import CLOSE_FORBIDDEN, CLOSE_NO_SUCH_RUN, CLOSE_UNAUTHENTICATED, MAX_INCOMING_BYTES

# The session is read from the database by AuthMiddlewareStack in another thread: commit for real.
pytestmark = pytest.mark.django_db(transaction=True)
GOOD_ORIGIN = b"http://127.0.0.1:8000"


@pytest.fixture
def session_cookie():
    user = get_user_model().objects.create_user("watcher", password="correct-horse-battery")
    user.groups.add(Group.objects.get_or_create(name="viewer")[0])
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def run_with_records(kinds: list[str]) -> tuple[Run, list[EventRecord]]:
    run = Run.objects.create(pattern="orchestration", design_slug="order-fulfilment", graph={"steps": []})
    records = [
        EventRecord(run=run, seq=seq, service="orders", kind=kind, at=timezone.now())
        for seq, kind in enumerate(kinds, start=1)
    ]
    EventRecord.objects.bulk_create(records)
    return run, records


def socket(path: str, *, cookie: str | None = None, origin: bytes = GOOD_ORIGIN) -> WebsocketCommunicator:
    headers = [(b"host", b"127.0.0.1:8000"), (b"origin", origin)]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def run_async(scenario):
    """Run an async scenario from a sync test (no pytest-asyncio needed)."""
    return async_to_sync(scenario)()


@pytest.mark.parametrize("path", ["/ws/runs/", "/ws/runs/{run_id}/"])
def test_an_unauthenticated_socket_is_refused(path):
    run, _ = run_with_records(["run.started"])

    async def scenario():
        communicator = socket(path.format(run_id=run.id))
        try:
            return await communicator.connect()
        finally:
            await communicator.disconnect()

    assert run_async(scenario) == (False, CLOSE_UNAUTHENTICATED)


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null"])
def test_a_socket_from_another_origin_is_refused(session_cookie, origin):
    async def scenario():
        communicator = socket("/ws/runs/", cookie=session_cookie, origin=origin)
        try:
            connected, _ = await communicator.connect()
            return connected
        finally:
            await communicator.disconnect()

    assert run_async(scenario) is False


def test_a_socket_for_an_unknown_run_is_refused(session_cookie):
    async def scenario():
        communicator = socket(f"/ws/runs/{uuid.uuid4()}/", cookie=session_cookie)
        try:
            return await communicator.connect()
        finally:
            await communicator.disconnect()

    assert run_async(scenario) == (False, CLOSE_NO_SUCH_RUN)


def test_the_run_socket_gets_its_runs_records_and_not_another_runs(session_cookie):
    mine, my_records = run_with_records(["run.started", "coordinator.decided", "message.sent"])
    other, other_records = run_with_records(["run.started"])

    async def scenario():
        communicator = socket(f"/ws/runs/{mine.id}/", cookie=session_cookie)
        try:
            connected, _ = await communicator.connect()
            assert connected
            await sync_to_async(records_broadcast)(other_records)
            await sync_to_async(records_broadcast)(my_records)
            message = await communicator.receive_json_from(timeout=5)
            nothing_else = await communicator.receive_nothing(timeout=0.3)
            return message, nothing_else
        finally:
            await communicator.disconnect()

    message, nothing_else = run_async(scenario)
    assert message["type"] == "events"
    assert [(e["run_id"], e["seq"], e["service"], e["kind"]) for e in message["events"]] == [
        (str(mine.id), 1, "orders", "run.started"),
        (str(mine.id), 2, "orders", "coordinator.decided"),
        (str(mine.id), 3, "orders", "message.sent"),
    ]
    assert nothing_else, "the other run's record reached this run's socket"


def test_the_all_runs_socket_gets_every_runs_records(session_cookie):
    first, first_records = run_with_records(["run.started"])
    second, second_records = run_with_records(["run.started", "run.succeeded"])

    async def scenario():
        communicator = socket("/ws/runs/", cookie=session_cookie)
        try:
            connected, _ = await communicator.connect()
            assert connected
            await sync_to_async(records_broadcast)(first_records + second_records)
            return await communicator.receive_json_from(timeout=5)
        finally:
            await communicator.disconnect()

    message = run_async(scenario)
    assert [(e["run_id"], e["seq"], e["kind"]) for e in message["events"]] == [
        (str(first.id), 1, "run.started"),
        (str(second.id), 1, "run.started"),
        (str(second.id), 2, "run.succeeded"),
    ]


def test_what_the_browser_sends_is_bounded_and_never_breaks_the_socket(session_cookie):
    run, records = run_with_records(["run.started"])

    async def scenario():
        communicator = socket(f"/ws/runs/{run.id}/", cookie=session_cookie)
        replies = []
        try:
            connected, _ = await communicator.connect()
            assert connected
            for frame in [
                "x" * (MAX_INCOMING_BYTES + 1),
                "{not json",
                "[1, 2]",
                json.dumps({"type": "subscribe", "run_id": "*"}),
                json.dumps({"type": "ping", "t": 42}),
            ]:
                await communicator.send_to(text_data=frame)
                replies.append(await communicator.receive_json_from(timeout=5))
            await communicator.send_to(bytes_data=b"\x00\x01")
            replies.append(await communicator.receive_json_from(timeout=5))
            # Still subscribed after all that.
            await sync_to_async(records_broadcast)(records)
            replies.append(await communicator.receive_json_from(timeout=5))
            return replies
        finally:
            await communicator.disconnect()

    replies = run_async(scenario)
    assert [reply["type"] for reply in replies] == ["error", "error", "error", "error", "pong", "error", "events"]
    assert "too large" in replies[0]["error"]
    assert replies[4] == {"type": "pong", "t": 42}
    assert replies[6]["events"][0]["seq"] == 1


def test_a_user_without_a_role_is_refused():
    user = get_user_model().objects.create_user("nobody", password="correct-horse-battery")
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value

    async def scenario():
        communicator = socket("/ws/runs/", cookie=cookie)
        connected, code = await communicator.connect()
        assert (connected, code) == (False, CLOSE_FORBIDDEN)
        await communicator.disconnect()

    run_async(scenario)

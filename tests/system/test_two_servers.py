"""Scale-out: two daphne processes and separate workers on one Redis and one database.

A browser connected to either server sees every event record of a run placed through the other.
"""

import asyncio
import json
import urllib.request

import pytest
import websockets
from django.conf import settings
from django.test import Client

from workflowviz.api.tokens import token_issue
from workflowviz.engine.models import FINAL_RUN_STATUSES, EventRecord, Run
from workflowviz.processes import free_port, system_argvs, wait_for_port

pytestmark = [pytest.mark.system]


@pytest.fixture
def second_server(system):
    """A second daphne beside the first (web_url), each its own process."""
    port = free_port()
    process = system.start("web-second", system_argvs(queues=settings.SERVICE_APPS, port=port)["web"])
    wait_for_port("127.0.0.1", port, process=process, what="second daphne")
    yield f"127.0.0.1:{port}"
    process.terminate()
    process.wait(10)
    del system.processes["web-second"]


def place(host: str, token: str, pattern: str) -> str:
    body = {"customer_email": "ann@example.com", "sku": "LAMP-01", "quantity": 1, "pattern": pattern}
    request = urllib.request.Request(
        f"http://{host}/api/orders",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return json.load(response)["run_id"]


def records_when_final(run_ids: list[str]) -> dict[str, int] | None:
    """How many records each run has, once all of them are final; None before."""
    runs = list(Run.objects.filter(pk__in=run_ids))
    if len(runs) < len(run_ids) or any(run.status not in FINAL_RUN_STATUSES for run in runs):
        return None
    return {str(run.id): EventRecord.objects.filter(run=run).count() for run in runs}


async def watch(
    host: str, cookie: str, placed: list[str], subscribed: asyncio.Event, timeout: float = 60
) -> dict[str, set[int]]:
    """Sequence numbers per run received on `host`'s all-runs socket, until the placed runs are
    final and every one of their records arrived (or the timeout). `subscribed` is set once the
    socket is open: the server subscribes it before it accepts."""
    seen: dict[str, set[int]] = {}
    headers = {"Cookie": f"sessionid={cookie}", "Origin": f"http://{host}"}
    async with websockets.connect(f"ws://{host}/ws/runs/", additional_headers=headers) as socket:
        subscribed.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            try:
                message = json.loads(await asyncio.wait_for(socket.recv(), timeout=0.5))
                for event in message.get("events", []):
                    seen.setdefault(event["run_id"], set()).add(event["seq"])
            except TimeoutError:
                pass
            if len(placed) == 2:
                counts = await asyncio.to_thread(records_when_final, placed)
                if counts and all(len(seen.get(run, ())) >= count for run, count in counts.items()):
                    break
    return seen


def test_a_client_on_either_server_sees_every_event_of_a_run_placed_through_the_other(
    web_url, second_server, demo, admin_user
):
    first = web_url.removeprefix("http://")
    client = Client()
    client.force_login(admin_user)
    cookie = client.cookies["sessionid"].value
    token = token_issue(user=admin_user)
    placed: list[str] = []

    async def scenario():
        subscribed = [asyncio.Event(), asyncio.Event()]

        async def place_one_on_each():
            await asyncio.wait_for(asyncio.gather(*(event.wait() for event in subscribed)), timeout=30)
            placed.append(await asyncio.to_thread(place, first, token, "orchestration"))
            placed.append(await asyncio.to_thread(place, second_server, token, "choreography"))

        on_first, on_second, _ = await asyncio.gather(
            watch(first, cookie, placed, subscribed[0]),
            watch(second_server, cookie, placed, subscribed[1]),
            place_one_on_each(),
        )
        return on_first, on_second

    on_first, on_second = asyncio.run(scenario())
    counts = records_when_final(placed)
    assert counts, "the runs did not finish"
    for run_id, count in counts.items():
        every = set(range(1, count + 1))
        assert on_first.get(run_id) == every, f"first server missed {sorted(every - on_first.get(run_id, set()))}"
        assert on_second.get(run_id) == every, f"second server missed {sorted(every - on_second.get(run_id, set()))}"

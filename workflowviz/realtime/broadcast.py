"""The one place that sends event records to the channel layer, after their transaction committed.

Delivery over the channel layer is at most once: a record may be dropped, and browsers fill gaps
from the API using the per-run sequence numbers.
"""

import asyncio
import json
import logging
import os
import random
import sys
import threading
import time
from collections import defaultdict

from channels.layers import get_channel_layer

from workflowviz.engine.selectors import record_json

logger = logging.getLogger("workflowviz.broadcast")

ALL_RUNS_GROUP = "runs"
# The sender thread needs the GIL for each step of a send; with Python's default 5 ms switch
# interval a busy worker thread holds it that long each time, and a send has several steps.
SWITCH_INTERVAL_S = 0.0005


def _drop_rate() -> float:
    """Share of records to drop on purpose (tests of the browsers' gap filling); 0 unless set."""
    try:
        rate = float(os.environ.get("WORKFLOWVIZ_BROADCAST_DROP_RATE", "0") or 0)
    except ValueError:
        return 0.0
    return min(max(rate, 0.0), 1.0)


DROP_RATE = _drop_rate()


def run_group(run_id) -> str:
    return f"run.{run_id}"


def records_broadcast(records) -> None:
    """Send committed records to the group of all runs and to each run's group, one batch per group."""
    if DROP_RATE:
        records = [record for record in records if random.random() >= DROP_RATE]
    if not records:
        return
    events = [record_json(record) for record in records]
    by_run = defaultdict(list)
    for event in events:
        by_run[event["run_id"]].append(event)
    # Off the critical path: the worker does not wait for the channel layer.
    asyncio.run_coroutine_threadsafe(_send(events, by_run, time.time()), _sender_loop())


async def _send(events, by_run, committed_at: float) -> None:
    try:
        layer = get_channel_layer()
        if layer is None:
            return

        # Encoded once here rather than once per connected browser in daphne. committed_at (epoch
        # seconds) lets a client measure the delay from the commit to its screen.
        def text(batch):
            return json.dumps({"type": "events", "committed_at": committed_at, "events": batch}, separators=(",", ":"))

        # At once rather than one after the other: each send is a few Redis round trips.
        await asyncio.gather(
            layer.group_send(ALL_RUNS_GROUP, {"type": "timeline.events", "text": text(events)}),
            *(
                layer.group_send(run_group(run_id), {"type": "timeline.events", "text": text(run_events)})
                for run_id, run_events in by_run.items()
            ),
        )
    except Exception as error:  # noqa: BLE001 - broadcasting is best effort; the API has every record
        logger.warning("broadcast failed: %s", error)


_sender = {"loop": None, "pid": None}
_sender_lock = threading.Lock()


def _sender_loop() -> asyncio.AbstractEventLoop:
    """One event loop per process, in a daemon thread, so the channel layer keeps its connections.

    (`async_to_sync` would run each send in a fresh loop: a new Redis connection every time, about
    14 ms a call on this machine.)
    """
    with _sender_lock:
        if _sender["loop"] is None or _sender["pid"] != os.getpid():
            loop = asyncio.new_event_loop()
            sys.setswitchinterval(SWITCH_INTERVAL_S)
            threading.Thread(target=loop.run_forever, name="broadcast", daemon=True).start()
            _sender.update(loop=loop, pid=os.getpid())
        return _sender["loop"]


def broadcasts_flush(timeout: float = 5) -> None:
    """Wait until the broadcasts submitted so far were handed to the channel layer (tests, shutdown)."""
    loop = _sender["loop"]
    if loop is not None and _sender["pid"] == os.getpid():
        asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop).result(timeout)

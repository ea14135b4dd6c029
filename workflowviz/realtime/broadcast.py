"""The one place that sends event records to the channel layer, after their transaction committed.

Delivery over the channel layer is at most once: a record may be dropped, and browsers fill gaps
from the API using the per-run sequence numbers.
"""

import logging
from collections import defaultdict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger("workflowviz.broadcast")

ALL_RUNS_GROUP = "runs"


def run_group(run_id) -> str:
    return f"run.{run_id}"


def record_json(record) -> dict:
    """The JSON of an event record, as the API and the websockets send it."""
    return {
        "run_id": str(record.run_id),
        "seq": record.seq,
        "service": record.service,
        "kind": record.kind,
        "step_id": record.step_id,
        "message_id": str(record.message_id) if record.message_id else None,
        "message_type": record.message_type,
        "payload": record.payload,
        "at": record.at.isoformat(),
    }


def records_broadcast(records) -> None:
    """Send committed records to the group of all runs and to each run's group, one batch per group."""
    if not records:
        return
    events = [record_json(record) for record in records]
    by_run = defaultdict(list)
    for event in events:
        by_run[event["run_id"]].append(event)
    try:
        async_to_sync(_send)(events, by_run)
    except Exception as error:  # noqa: BLE001 - broadcasting is best effort; the API has every record
        logger.warning("broadcast failed: %s", error)


async def _send(events, by_run) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    await layer.group_send(ALL_RUNS_GROUP, {"type": "timeline.events", "events": events})
    for run_id, run_events in by_run.items():
        await layer.group_send(run_group(run_id), {"type": "timeline.events", "events": run_events})

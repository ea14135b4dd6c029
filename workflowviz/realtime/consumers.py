"""Websockets that stream event records to logged-in browsers: every run, or one run.

The server only pushes. The browser may send a small `{"type": "ping"}` (answered with a pong);
anything else is answered with an error message and never raises. Records travel at most once:
the browser fills gaps in the per-run sequence numbers from the HTTP API.
"""

import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from workflowviz.engine.models import Run
from workflowviz.roles import VIEWER, has_role

from .broadcast import ALL_RUNS_GROUP, run_group

logger = logging.getLogger("workflowviz.realtime")

# Close codes (4000-4999 are the application's own).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NO_SUCH_RUN = 4404
CLOSE_TOO_MANY_ERRORS = 4400

MAX_INCOMING_BYTES = 512
MAX_ERRORS = 20
CLIENT_MESSAGE_TYPES = {"ping"}


@database_sync_to_async
def _run_exists(run_id) -> bool:
    return Run.objects.filter(pk=run_id).exists()


class TimelineConsumer(AsyncWebsocketConsumer):
    """Joins one group of the channel layer and forwards its `timeline.events` batches as JSON."""

    group_name: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(has_role)(user, VIEWER):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        group = await self.group_for_scope()
        if group is None:
            await self.close(code=CLOSE_NO_SUCH_RUN)
            return
        self.errors = 0
        # Subscribed before accepting: once the browser sees the socket open, nothing is missed
        # except what the layer drops, so it can fetch the API's state right after.
        await self.channel_layer.group_add(group, self.channel_name)
        self.group_name = group
        await self.accept()

    async def group_for_scope(self) -> str | None:
        raise NotImplementedError

    async def disconnect(self, code):
        if self.group_name:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            self.group_name = None

    async def receive(self, text_data=None, bytes_data=None):
        problem, message = self._parse(text_data, bytes_data)
        if problem:
            self.errors += 1
            await self._send({"type": "error", "error": problem})
            if self.errors >= MAX_ERRORS:
                await self.close(code=CLOSE_TOO_MANY_ERRORS)
            return
        stamp = message.get("t")
        pong = {"type": "pong"}
        if isinstance(stamp, int | float) and not isinstance(stamp, bool):
            pong["t"] = stamp
        await self._send(pong)

    @staticmethod
    def _parse(text_data, bytes_data) -> tuple[str | None, dict | None]:
        if bytes_data is not None or text_data is None:
            return "Binary frames are not accepted; send JSON text.", None
        if len(text_data) > MAX_INCOMING_BYTES:
            return f"Message too large: at most {MAX_INCOMING_BYTES} characters.", None
        try:
            message = json.loads(text_data)
        except ValueError:
            return "Malformed JSON.", None
        if not isinstance(message, dict):
            return "Send a JSON object.", None
        kind = message.get("type")
        if kind not in CLIENT_MESSAGE_TYPES:
            return f"Unknown message type; accepted: {', '.join(sorted(CLIENT_MESSAGE_TYPES))}.", None
        return None, message

    async def timeline_events(self, event):
        """A batch of committed event records from `workflowviz.realtime.broadcast`."""
        await self.send(text_data=event["text"])  # {"type": "events", "committed_at", "events"}, encoded once

    async def _send(self, message: dict) -> None:
        await self.send(text_data=json.dumps(message, separators=(",", ":")))


class AllRunsConsumer(TimelineConsumer):
    """`/ws/runs/`: the event records of every run."""

    async def group_for_scope(self):
        return ALL_RUNS_GROUP


class RunConsumer(TimelineConsumer):
    """`/ws/runs/<run_id>/`: the event records of one run."""

    async def group_for_scope(self):
        run_id = self.scope["url_route"]["kwargs"]["run_id"]
        if not await _run_exists(run_id):
            return None
        return run_group(run_id)


class NoSuchPathConsumer(AsyncWebsocketConsumer):
    """Any path but the two above: closed before accepting, which daphne answers with a 403 (and one
    WSREJECT line in its log), signed in or not."""

    async def connect(self):
        await self.close()

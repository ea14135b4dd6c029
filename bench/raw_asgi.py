"""The raw stack for the websocket baseline: daphne, channels and channels-redis with a bare consumer.

It joins one group and forwards each group message's ready-made text to its socket: no login, no
origin check, no database, none of our code. What our /ws/runs/ path costs on top of this is ours.

    python -m daphne -b 127.0.0.1 -p PORT bench.raw_asgi:application
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflowviz.settings")

import django  # noqa: E402 - settings first: the channel layer comes from them

django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

GROUP = "bench.raw.ws"


class RawConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add(GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        await self.channel_layer.group_discard(GROUP, self.channel_name)

    async def timeline_events(self, event):
        await self.send(text_data=event["text"])


application = URLRouter([path("ws/raw/", RawConsumer.as_asgi())])

from django.urls import path, re_path

from .consumers import AllRunsConsumer, NoSuchPathConsumer, RunConsumer

websocket_urlpatterns = [
    path("ws/runs/", AllRunsConsumer.as_asgi()),
    path("ws/runs/<uuid:run_id>/", RunConsumer.as_asgi()),
    # Last: any other path is refused at the handshake, where URLRouter would raise (a 500 and a traceback).
    re_path(r"", NoSuchPathConsumer.as_asgi()),
]

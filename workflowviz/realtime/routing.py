from django.urls import path

from .consumers import AllRunsConsumer, RunConsumer

websocket_urlpatterns = [
    path("ws/runs/", AllRunsConsumer.as_asgi()),
    path("ws/runs/<uuid:run_id>/", RunConsumer.as_asgi()),
]

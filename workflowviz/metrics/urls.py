from django.urls import path

from . import api, views

urlpatterns = [
    path("api/metrics", api.metrics, name="api-metrics"),
    path("metrics/", views.metrics_page, name="metrics"),
]

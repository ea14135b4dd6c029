from django.urls import path

from . import api, views

urlpatterns = [
    path("api/comparisons", api.comparisons, name="api-comparisons"),
    path("api/comparisons/<str:comparison_id>", api.comparison_detail, name="api-comparison"),
    path("compare/", views.compare_index, name="compare"),
    path("compare/<uuid:comparison_id>/", views.compare_detail, name="compare-detail"),
]

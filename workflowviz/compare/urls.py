from django.urls import path

from . import views

urlpatterns = [
    path("compare/", views.compare_index, name="compare"),
    path("compare/<uuid:comparison_id>/", views.compare_detail, name="compare-detail"),
]

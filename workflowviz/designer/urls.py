from django.urls import path

from . import views

urlpatterns = [
    path("designer/", views.designer_index, name="designer"),
    path("designer/new/", views.designer_editor, name="designer-new"),
    path("designer/<slug:slug>/", views.designer_editor, name="designer-edit"),
]

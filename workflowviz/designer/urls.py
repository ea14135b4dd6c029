from django.urls import path

from . import api, views

urlpatterns = [
    path("api/workflows", api.workflows, name="api-workflows"),
    path("api/workflows/schema.json", api.workflow_schema, name="api-workflow-schema"),
    path("api/workflows/validate", api.workflow_validate, name="api-workflow-validate"),
    path("api/workflows/<slug:slug>", api.workflow_detail, name="api-workflow"),
    path("api/workflows/<slug:slug>/versions", api.workflow_versions, name="api-workflow-versions"),
    path("api/workflows/<slug:slug>/versions/<int:number>", api.workflow_version, name="api-workflow-version"),
    path("api/workflows/<slug:slug>/diff", api.workflow_diff, name="api-workflow-diff"),
    path("api/workflows/<slug:slug>/mermaid", api.workflow_mermaid, name="api-workflow-mermaid"),
    path("api/actions", api.actions, name="api-actions"),
    path("api/logins", api.login_start, name="api-logins"),
    path("api/logins/<str:login_id>", api.login_detail, name="api-login"),
    path("api/logins/<str:login_id>/code", api.login_code, name="api-login-code"),
    path("designer/", views.designer_index, name="designer"),
    path("designer/new/", views.designer_editor, name="designer-new"),
    path("designer/try/login/", views.login_try, name="designer-login"),
    path("designer/<slug:slug>/", views.designer_editor, name="designer-edit"),
]

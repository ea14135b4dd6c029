"""Every /api path, in one place."""

from django.urls import path

from . import comparisons, dashboard, designs, faults, logins, metrics, openapi, operate, orders, runs, services

urlpatterns = [
    path("api/openapi.json", openapi.openapi_view, name="api-openapi"),
    path("api/products", orders.products, name="api-products"),
    path("api/orders", orders.orders, name="api-orders"),
    path("api/orders/burst", dashboard.orders_burst, name="api-orders-burst"),
    path("api/services", services.services, name="api-services"),
    path("api/services/<str:name>", services.service_detail, name="api-service"),
    path("api/services/<str:name>/actions", services.service_actions, name="api-service-actions"),
    path("api/services/<str:name>/actions/<str:action>", services.service_action, name="api-service-action"),
    path("api/run-statuses", dashboard.runs_statuses, name="api-run-statuses"),
    path("api/faults", faults.faults, name="api-faults"),
    path("api/runs", runs.runs, name="api-runs"),
    path("api/runs/rerun", operate.runs_rerun_view, name="api-runs-rerun"),
    path("api/runs/<str:run_id>", runs.run_detail, name="api-run"),
    path("api/runs/<str:run_id>/export", runs.run_export, name="api-run-export"),
    path("api/runs/<str:run_id>/cancel", operate.run_cancel_view, name="api-run-cancel"),
    path("api/runs/<str:run_id>/rerun", operate.run_rerun_view, name="api-run-rerun"),
    path("api/dead-letters", operate.dead_letters_view, name="api-dead-letters"),
    path("api/dead-letters/<str:message_id>/resend", operate.dead_letter_resend_view, name="api-dead-letter-resend"),
    path("api/dead-letters/<str:message_id>/discard", operate.dead_letter_discard_view, name="api-dead-letter-discard"),
    path("api/vocabulary", services.vocabulary, name="api-vocabulary"),
    path("api/comparisons", comparisons.comparisons, name="api-comparisons"),
    path("api/comparisons/<str:comparison_id>", comparisons.comparison_detail, name="api-comparison"),
    path("api/metrics", metrics.metrics, name="api-metrics"),
    path("api/workflows", designs.workflows, name="api-workflows"),
    path("api/workflows/schema.json", designs.workflow_schema, name="api-workflow-schema"),
    path("api/workflows/validate", designs.workflow_validate, name="api-workflow-validate"),
    path("api/workflows/<slug:slug>", designs.workflow_detail, name="api-workflow"),
    path("api/workflows/<slug:slug>/versions", designs.workflow_versions, name="api-workflow-versions"),
    path("api/workflows/<slug:slug>/versions/<int:number>", designs.workflow_version, name="api-workflow-version"),
    path("api/workflows/<slug:slug>/copy", designs.workflow_copy, name="api-workflow-copy"),
    path("api/workflows/<slug:slug>/diff", designs.workflow_diff, name="api-workflow-diff"),
    path("api/workflows/<slug:slug>/mermaid", designs.workflow_mermaid, name="api-workflow-mermaid"),
    path("api/actions", designs.actions, name="api-actions"),
    path("api/logins", logins.login_start, name="api-logins"),
    path("api/logins/<str:login_id>", logins.login_detail, name="api-login"),
    path("api/logins/<str:login_id>/code", logins.login_code, name="api-login-code"),
]

from django.contrib import admin
from django.urls import include, path

from workflowviz.api import dashboard as api_dashboard
from workflowviz.api import faults as api_faults
from workflowviz.api import views as api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("django-rq/", include("django_rq.urls")),
    path("api/openapi.json", api.openapi, name="api-openapi"),
    path("api/products", api.products, name="api-products"),
    path("api/orders", api.orders, name="api-orders"),
    path("api/orders/burst", api_dashboard.orders_burst, name="api-orders-burst"),
    path("api/services", api_dashboard.services, name="api-services"),
    path("api/run-statuses", api_dashboard.runs_statuses, name="api-run-statuses"),
    path("api/faults", api_faults.faults, name="api-faults"),
    path("api/runs", api.run_list, name="api-runs"),
    path("api/runs/<str:run_id>", api.run_detail, name="api-run"),
    path("", include("workflowviz.designer.urls")),
    path("", include("workflowviz.metrics.urls")),
    path("", include("workflowviz.compare.urls")),
    path("", include("workflowviz.web.urls")),
]

from django.contrib import admin
from django.urls import include, path

from workflowviz.api import views as api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("django-rq/", include("django_rq.urls")),
    path("api/openapi.json", api.openapi, name="api-openapi"),
    path("api/products", api.products, name="api-products"),
    path("api/orders", api.orders, name="api-orders"),
    path("api/runs", api.run_list, name="api-runs"),
    path("api/runs/<str:run_id>", api.run_detail, name="api-run"),
    path("", include("workflowviz.web.urls")),
]

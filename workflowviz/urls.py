from django.contrib import admin
from django.urls import include, path

from workflowviz.signin.forms import ThrottledAdminAuthenticationForm

# The admin's login (and django-rq's pages, which send staff to it) counts failures like /login/.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("django-rq/", include("django_rq.urls")),
    path("", include("workflowviz.api.urls")),
    path("", include("workflowviz.designer.urls")),
    path("", include("workflowviz.signin.urls")),
    path("", include("workflowviz.metrics.urls")),
    path("", include("workflowviz.compare.urls")),
    path("", include("workflowviz.web.urls")),
]

# Error answers: JSON under /api/, a page of the site otherwise (DEBUG shows Django's own instead).
handler400 = "workflowviz.errors.bad_request"
handler403 = "workflowviz.errors.permission_denied"
handler404 = "workflowviz.errors.page_not_found"
handler500 = "workflowviz.errors.server_error"

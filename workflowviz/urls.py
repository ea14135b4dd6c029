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

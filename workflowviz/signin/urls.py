from django.urls import path

from . import views

urlpatterns = [
    path("designer/try/login/", views.login_try, name="designer-login"),
]

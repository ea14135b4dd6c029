from django.contrib.auth import views as auth_views
from django.urls import path

from workflowviz.signin.forms import ThrottledAuthenticationForm

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("runs/", views.runs_explorer, name="runs"),
    path("runs/open/", views.run_open, name="run-open"),
    path("runs/<uuid:run_id>/", views.run_page, name="run"),
    path("dead-letters/", views.dead_letters_page, name="dead-letters"),
]

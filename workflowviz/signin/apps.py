from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "workflowviz.signin"
    label = "signin"
    verbose_name = "Sign-in with a one-time code"

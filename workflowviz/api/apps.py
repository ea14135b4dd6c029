from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "workflowviz.api"
    label = "api"
    verbose_name = "API"

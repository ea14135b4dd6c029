from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "workflowviz.web"
    label = "web"
    verbose_name = "Pages"

from django.apps import AppConfig


class CompareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "workflowviz.compare"
    label = "compare"

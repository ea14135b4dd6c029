from django.apps import AppConfig


class ModelledConfig(AppConfig):
    name = "workflowviz.modelled"
    label = "modelled"
    verbose_name = "Declared services"

from django.apps import AppConfig


class WorkflowvizConfig(AppConfig):
    """The project itself, as an app: its ready() wires the layers together (every model is loaded by then)."""

    name = "workflowviz"
    verbose_name = "workflowviz"

    def ready(self):
        from .bootstrap import bootstrap

        bootstrap()

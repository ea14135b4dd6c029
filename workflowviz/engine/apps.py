from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "workflowviz.engine"
    label = "engine"
    verbose_name = "Workflow engine"

    def ready(self):
        from . import checks  # noqa: F401  (registers the wiring checks)

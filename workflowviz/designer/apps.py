from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DesignerConfig(AppConfig):
    name = "workflowviz.designer"
    label = "designer"
    verbose_name = "Workflow designs"

    def ready(self):
        from . import checks  # noqa: F401  (registers the design checks)

        # After every migrate (and every test flush, which sends the same signal) the built-in designs exist.
        post_migrate.connect(builtins_ensure, sender=self, dispatch_uid="designer.builtins_ensure")


def builtins_ensure(sender, apps=None, **kwargs):
    if apps is not None:
        try:
            apps.get_model("designer", "DesignVersion")
        except LookupError:
            return  # migrated back to before the designer's tables
    from .services import ensure_builtin_designs

    ensure_builtin_designs()

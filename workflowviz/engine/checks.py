"""System checks: wiring mistakes are reported at start-up, not when a message is lost."""

from django.core import checks

from .designs import BUILTIN_DESIGNS
from .registry import actions_all


@checks.register()
def check_designs_name_known_actions(app_configs=None, **kwargs):
    known = {action.key for action in actions_all()}
    errors = []
    for slug, design in BUILTIN_DESIGNS.items():
        for step in design["steps"]:
            if step["action"] not in known:
                errors.append(
                    checks.Error(
                        f"Design '{slug}' step '{step['id']}' names unknown action '{step['action']}'.",
                        hint="Register the action in its service's AppConfig.ready().",
                        id="workflowviz.E001",
                    )
                )
    return errors

"""System checks: wiring mistakes are reported at start-up, not when a message is lost."""

from django.core import checks

from .registry import UnknownAction, action_get, actions_all


@checks.register()
def check_compensations_are_registered(app_configs=None, **kwargs):
    errors = []
    for action in actions_all():
        if not action.compensation:
            continue
        try:
            undo = action_get(action.compensation)
        except UnknownAction:
            undo = None
        if undo is None or undo.service != action.service:
            errors.append(
                checks.Error(
                    f"Action '{action.key}' is undone by '{action.compensation}', which its service does not offer.",
                    hint="Register the compensating action in the same service's AppConfig.ready().",
                    id="workflowviz.E001",
                )
            )
    return errors


@checks.register()
def check_run_retention(app_configs=None, **kwargs):
    from django.conf import settings

    from .retention import BadDuration, duration_parse

    if not settings.RUN_RETENTION:
        return []
    try:
        duration_parse(settings.RUN_RETENTION)
    except BadDuration as bad:
        hint = "Set it like 7d or 12h, or leave it empty to keep every run."
        return [checks.Error(f"RUN_RETENTION: {bad}", hint=hint, id="workflowviz.E002")]
    return []

"""System checks: a built-in design with an error is reported at start-up, naming each problem."""

from django.core import checks

from . import carried
from .builtins import BUILTIN_DESIGNS, BUILTIN_SERVICES
from .validation import design_problems, errors_only


@checks.register()
def check_builtin_designs_are_valid(app_configs=None, **kwargs):
    # Checked against code alone (the coded services and the built-in declarations), so that nothing a
    # user declares can stop the system from starting.
    known = carried.catalogue({"services": BUILTIN_SERVICES}, declared=False)
    return [
        checks.Error(
            f"Built-in design '{slug}': {problem.where}: {problem.message}",
            hint="Fix the design in workflowviz/designer/builtins.py or register the action it needs.",
            id="designer.E001",
        )
        for slug, design in BUILTIN_DESIGNS.items()
        for problem in errors_only(design_problems(design, **known))
    ]

"""Reading and checking the metrics query parameters (the API's and the page's)."""

import re

from workflowviz.engine.designs import UnknownDesign, design_get
from workflowviz.engine.models import Pattern, Run
from workflowviz.values import digits

from .windows import DEFAULT_WINDOW, MAX_WINDOW, MIN_WINDOW

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def metrics_params(query) -> tuple[dict, dict[str, str]]:
    """(keyword arguments for metrics_get, errors by parameter name) from a query dict."""
    params: dict = {"window_seconds": DEFAULT_WINDOW, "pattern": None, "workflow": None}
    errors: dict[str, str] = {}
    window = query.get("window", "")
    if window != "":
        if digits(window) and MIN_WINDOW <= int(window) <= MAX_WINDOW:
            params["window_seconds"] = int(window)
        else:
            errors["window"] = f"Must be a whole number of seconds from {MIN_WINDOW} to {MAX_WINDOW} (24 h)."
    pattern = query.get("pattern", "")
    if pattern != "":
        if pattern in Pattern.values:
            params["pattern"] = pattern
        else:
            errors["pattern"] = f"Must be one of: {', '.join(Pattern.values)} (or left out for both)."
    workflow = query.get("workflow", "")
    if workflow != "":
        if not SLUG.fullmatch(workflow):
            errors["workflow"] = "Must be a workflow's slug: letters, digits, '-' and '_', at most 80."
        elif not _workflow_known(workflow):
            errors["workflow"] = f"No workflow '{workflow}'."
        else:
            params["workflow"] = workflow
    return params, errors


def _workflow_known(slug: str) -> bool:
    # A design deleted since its runs still has metrics; one never designed nor run has none to show.
    if Run.objects.filter(design_slug=slug).exists():
        return True
    try:
        design_get(slug)
    except UnknownDesign:
        return False
    return True

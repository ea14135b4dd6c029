from django.shortcuts import render

from workflowviz.engine.models import Pattern
from workflowviz.roles import VIEWER, role_required

from .windows import DEFAULT_WINDOW, WINDOW_CHOICES


@role_required(VIEWER)
def metrics_page(request):
    """The charts are drawn in the browser from GET /api/metrics, refreshed every few seconds."""
    context = {
        "windows": WINDOW_CHOICES.items(),
        "default_window": DEFAULT_WINDOW,
        "patterns": Pattern.values,
    }
    return render(request, "metrics/metrics.html", context)

"""GET /api/metrics: the metrics page's data, for any viewer or token holder."""

from django.http import JsonResponse

from workflowviz.metrics.params import metrics_params
from workflowviz.metrics.selectors import metrics_get

from .auth import api_view, error_response


@api_view(["GET"])
def metrics(request):
    """Run, step, service and queue metrics over a window (?window=seconds&pattern=&workflow=)."""
    params, errors = metrics_params(request.GET)
    if errors:
        return error_response(422, errors)
    return JsonResponse(metrics_get(**params))

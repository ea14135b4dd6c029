"""GET /api/metrics: the metrics page's data, for any viewer or token holder."""

from django.http import JsonResponse

from workflowviz.api.auth import api_view, error_response

from .params import metrics_params
from .selectors import metrics_get


@api_view(["GET"])
def metrics(request):
    """Run, step, service and queue metrics over a window (?window=seconds&pattern=&workflow=)."""
    params, errors = metrics_params(request.GET)
    if errors:
        return error_response(422, errors)
    return JsonResponse(metrics_get(**params))

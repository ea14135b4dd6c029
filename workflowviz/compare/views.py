"""The compare pages: the form (with the fault switches) and recent comparisons; one comparison's result."""

from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_datetime

from orders.models import Region
from orders.selectors import default_design, product_list
from orders.services import DEFAULT_DESIGN
from workflowviz.roles import OPERATOR, VIEWER, has_role, role_required

from .models import Comparison
from .selectors import comparison_list, comparison_summary_json
from .services import MAX_PER_PATTERN


@role_required(VIEWER)
def compare_index(request):
    context = {
        "products": product_list(),
        "regions": Region.values,
        "email": request.user.email or "buyer@example.com",
        "default_workflow": DEFAULT_DESIGN,
        "default_design": default_design(),
        "max_count": MAX_PER_PATTERN,
        "can_operate": has_role(request.user, OPERATOR),
        "comparisons": [{**each, "created": parse_datetime(each["created_at"])} for each in comparison_list(limit=20)],
    }
    return render(request, "compare/index.html", context)


@role_required(VIEWER)
def compare_detail(request, comparison_id):
    comparison = get_object_or_404(Comparison.objects.select_related("created_by"), pk=comparison_id)
    context = {
        "comparison": comparison,
        "summary": comparison_summary_json(comparison),
        "can_operate": has_role(request.user, OPERATOR),
    }
    return render(request, "compare/detail.html", context)

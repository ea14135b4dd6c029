from django.shortcuts import get_object_or_404, render

from orders.models import Region
from orders.selectors import default_design, product_list
from orders.services import DEFAULT_DESIGN
from workflowviz.engine.models import Pattern, Run, RunStatus
from workflowviz.roles import OPERATOR, VIEWER, has_role, role_required


@role_required(VIEWER)
def dashboard(request):
    """Health, runs and timelines for every viewer; the order, burst and fault controls for operators."""
    context = {
        "products": product_list(),
        "regions": Region.values,
        "patterns": [*Pattern.values, "both"],
        "email": request.user.email or "buyer@example.com",
        "default_workflow": DEFAULT_DESIGN,
        "default_design": default_design(),
        "can_operate": has_role(request.user, OPERATOR),
    }
    return render(request, "web/dashboard.html", context)


@role_required(VIEWER)
def run_page(request, run_id):
    run = get_object_or_404(Run, pk=run_id)
    return render(request, "web/run.html", {"run": run})


# The "had" filter's words, as GET /api/runs takes them.
HAD_CHOICES = ("retries", "failures", "compensations", "duplicates")
SORT_CHOICES = (
    ("-started", "newest first"),
    ("started", "oldest first"),
    ("-duration", "slowest first"),
    ("duration", "fastest first"),
)


@role_required(VIEWER)
def runs_explorer(request):
    """Find any run: the filters live in the query string; the list is drawn in the browser from GET /api/runs."""
    context = {
        "statuses": RunStatus.values,
        "patterns": Pattern.values,
        "had_choices": HAD_CHOICES,
        "sort_choices": SORT_CHOICES,
        "can_operate": has_role(request.user, OPERATOR),
    }
    return render(request, "web/runs.html", context)

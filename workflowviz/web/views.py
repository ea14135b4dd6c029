from django.shortcuts import get_object_or_404, render

from orders.models import Region
from orders.selectors import default_design, product_list
from orders.services import DEFAULT_DESIGN
from workflowviz.engine.export import EXPORT_FORMAT, EXPORT_FORMAT_VERSION, EXPORT_MAX_BYTES
from workflowviz.engine.models import FINAL_RUN_STATUSES, Pattern, Run, RunStatus
from workflowviz.engine.reconciler import MAX_RESENDS
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
    context = {
        "run": run,
        "finished": run.status in FINAL_RUN_STATUSES,
        "reruns": list(run.reruns.order_by("created_at").values("id", "status", "created_at")[:50]),
        "reruns_count": run.reruns.count(),
    }
    return render(request, "web/run.html", context)


@role_required(OPERATOR)
def dead_letters_page(request):
    """The messages given up on, with Resend and Discard (the list and the actions come from the API)."""
    return render(request, "web/dead_letters.html", {"max_resends": MAX_RESENDS})


@role_required(VIEWER)
def run_open(request):
    """A run export file opened read-only in the browser: the file never reaches the server."""
    context = {
        "export_format": EXPORT_FORMAT,
        "export_format_version": EXPORT_FORMAT_VERSION,
        "export_max_bytes": EXPORT_MAX_BYTES,
        "export_max_mb": EXPORT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "web/run_open.html", context)


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

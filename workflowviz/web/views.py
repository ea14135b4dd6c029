from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from orders.models import Region
from orders.selectors import product_list
from workflowviz.engine.models import Pattern, Run


@login_required
def dashboard(request):
    context = {
        "products": product_list(),
        "regions": Region.values,
        "patterns": [*Pattern.values, "both"],
        "email": request.user.email or "buyer@example.com",
    }
    return render(request, "web/dashboard.html", context)


@login_required
def run_page(request, run_id):
    run = get_object_or_404(Run, pk=run_id)
    return render(request, "web/run.html", {"run": run})

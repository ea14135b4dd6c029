from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from workflowviz.engine.models import Run


@login_required
def dashboard(request):
    return render(request, "web/dashboard.html", {"runs": Run.objects.all()[:20]})


@login_required
def run_page(request, run_id):
    run = get_object_or_404(Run, pk=run_id)
    return render(request, "web/run.html", {"run": run})

"""The designer's pages: the list of designs, the editor, and the sign-in-with-a-code demo."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from workflowviz.roles import DESIGNER, role_required

from .selectors import design_list


@role_required(DESIGNER)
def designer_index(request):
    return render(request, "designer/index.html", {"designs": design_list()})


@role_required(DESIGNER)
@ensure_csrf_cookie
def designer_editor(request, slug: str = ""):
    return render(request, "designer/editor.html", {"slug": slug})


@login_required
@ensure_csrf_cookie
def login_try(request):
    return render(request, "designer/login_try.html")

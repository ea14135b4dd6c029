"""The designer's pages: the list of designs and the editor."""

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
    # An admin may publish versions of a built-in design; the editor offers everyone else "Copy" there.
    return render(request, "designer/editor.html", {"slug": slug, "is_admin": request.user.is_superuser})

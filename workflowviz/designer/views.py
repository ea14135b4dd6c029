"""The designer's pages: the list of designs, the editor, and the sign-in-with-a-code demo."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie

from .selectors import design_list


def _staff(request) -> None:
    # A "designer" role comes later; until then designing is for staff users.
    if not request.user.is_staff:
        raise PermissionDenied("Only staff users may design workflows.")


@login_required
def designer_index(request):
    _staff(request)
    return render(request, "designer/index.html", {"designs": design_list()})


@login_required
@ensure_csrf_cookie
def designer_editor(request, slug: str = ""):
    _staff(request)
    return render(request, "designer/editor.html", {"slug": slug})


@login_required
@ensure_csrf_cookie
def login_try(request):
    return render(request, "designer/login_try.html")

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie


@login_required
@ensure_csrf_cookie
def login_try(request):
    """Try signing in with a code sent by email: the login-otp design, from the user's side."""
    return render(request, "designer/login_try.html")

"""Roles are Django groups: viewer (watch runs), operator (place orders, switch faults), designer
(edit designs). Operators and designers may also watch; a superuser (admin) has every role."""

from django.core.exceptions import PermissionDenied

VIEWER = "viewer"
OPERATOR = "operator"
DESIGNER = "designer"
ROLES = (VIEWER, OPERATOR, DESIGNER)

# The groups that grant each role.
GRANTED_BY = {VIEWER: ROLES, OPERATOR: (OPERATOR,), DESIGNER: (DESIGNER,)}


def has_role(user, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=GRANTED_BY[role]).exists()


def role_required(role: str):
    """A page decorator: log in first, then the role (403 without it)."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, role):
                raise PermissionDenied(f"This page needs the {role} role.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate

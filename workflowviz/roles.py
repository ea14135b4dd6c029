"""Roles are Django groups: viewer (watch runs), operator (place orders, switch faults), designer
(edit designs). A superuser has every role."""

VIEWER = "viewer"
OPERATOR = "operator"
DESIGNER = "designer"
ROLES = (VIEWER, OPERATOR, DESIGNER)


def has_role(user, role: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name=role).exists()

"""Template context for every page."""

import os


def test_hooks(request) -> dict:
    """test_hooks: WORKFLOWVIZ_TEST_HOOKS=1 (set by the tests), and pages give their internals to `window.wfv`."""
    return {"test_hooks": os.environ.get("WORKFLOWVIZ_TEST_HOOKS") == "1"}


def vocabulary(request) -> dict:
    """The engine's words and the one service list (label, colour), which every page gives its scripts as
    JSON (static/js/vocabulary.js reads it): no script keeps a list of its own."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from workflowviz.engine.registry import services_all
    from workflowviz.engine.vocabulary import vocabulary_json

    services = [
        {"name": s.name, "label": s.label, "colour": s.colour, "modelled": s.modelled, "records_url": s.records_url}
        for s in services_all()
    ]
    return {"vocabulary": {**vocabulary_json(), "services": services}}


def roles(request) -> dict:
    """can_operate: the user has the operator role (the navigation shows the operators' pages)."""
    from workflowviz.roles import OPERATOR, has_role

    user = getattr(request, "user", None)
    return {"can_operate": bool(user and has_role(user, OPERATOR))}

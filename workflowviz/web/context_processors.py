"""Template context for every page."""

import os


def test_hooks(request) -> dict:
    """test_hooks: WORKFLOWVIZ_TEST_HOOKS=1 (set by the tests), and pages give their internals to `window.wfv`."""
    return {"test_hooks": os.environ.get("WORKFLOWVIZ_TEST_HOOKS") == "1"}

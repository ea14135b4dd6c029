"""Designs for the tests, built from the real built-in ones."""

import copy

from workflowviz.designer.builtins import ORDER_FULFILMENT


def design(**changes) -> dict:
    """A valid design (order fulfilment under another slug), with top-level changes."""
    return {**copy.deepcopy(ORDER_FULFILMENT), "slug": "my-flow", "name": "My flow", **changes}


def step(step_id: str, action: str, *after: str, **policy) -> dict:
    return {"id": step_id, "action": action, "after": list(after), "policy": policy}


def problems_at(problems, where: str) -> list[str]:
    """The codes of the problems placed at `where` ("step:x", "edge:a->b", "slug", …)."""
    return [problem.code for problem in problems if problem.where == where]

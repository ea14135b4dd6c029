"""Where the layers above plug into the engine, so that the engine imports none of them.

`workflowviz.bootstrap` fills these in at start-up: what happens after a unit of work commits
(the relay sends its messages, the broadcaster publishes its records), where designs are loaded from,
and what the reconciler's loop does besides reconciling (queue samples for the metrics).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Hooks:
    # Called after a unit of work commits, with its outbox messages and its event records.
    after_commit: list[Callable[[list, list], None]] = field(default_factory=list)
    # (slug, version=None, trigger=None, use=False) → the design version's JSON; raises UnknownDesign.
    design_loader: Callable[..., dict] | None = None
    # Called on every turn of the reconciler's loop.
    periodic: list[Callable[[], object]] = field(default_factory=list)


hooks = Hooks()


def after_commit_add(listener: Callable[[list, list], None]) -> None:
    if listener not in hooks.after_commit:
        hooks.after_commit.append(listener)


def periodic_add(task: Callable[[], object]) -> None:
    if task not in hooks.periodic:
        hooks.periodic.append(task)

"""Where the layers above plug into the engine, so that the engine imports none of them.

`workflowviz.bootstrap` fills these in at start-up: what happens after a unit of work commits
(the relay sends its messages, the broadcaster publishes its records), where designs are loaded from,
what the reconciler's loop does besides reconciling (queue samples for the metrics), and what is kept
when a run ends (the metrics' rollups).
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
    # Called with the run inside the transaction that ends it, once that unit's records are written
    # (the metrics' rollups are kept here: a failure rolls the unit back, so no ended run is left uncounted).
    run_ended: list[Callable[[object], None]] = field(default_factory=list)


hooks = Hooks()


def after_commit_add(listener: Callable[[list, list], None]) -> None:
    if listener not in hooks.after_commit:
        hooks.after_commit.append(listener)


def periodic_add(task: Callable[[], object]) -> None:
    if task not in hooks.periodic:
        hooks.periodic.append(task)


def run_ended_add(listener: Callable[[object], None]) -> None:
    if listener not in hooks.run_ended:
        hooks.run_ended.append(listener)

"""Wiring the layers together at start-up, so that the engine imports none of the layers above it.

Called once per process from `workflowviz.apps.WorkflowvizConfig.ready()` (every app's models are loaded by
then): after a unit of work commits, the relay sends its messages and then the broadcaster publishes
its records; runs load their designs from the designer; declared services come from `modelled`; the
reconciler's loop also samples the queues for the metrics page, and a run that ends is counted into the
metrics' rollups in its own transaction.
"""

from workflowviz.designer.services import design_version_get
from workflowviz.engine import hooks, registry
from workflowviz.engine.business import business_state_register
from workflowviz.engine.relay import messages_enqueue
from workflowviz.metrics.rollups import rollup_run_ended
from workflowviz.metrics.sampling import QueueSampler
from workflowviz.modelled import sources
from workflowviz.modelled.selectors import declared_business_state
from workflowviz.realtime.broadcast import records_broadcast

_done = {"wired": False}


def relay_after_commit(messages, records) -> None:
    messages_enqueue(messages)


def broadcast_after_commit(messages, records) -> None:
    records_broadcast(records)


def bootstrap() -> None:
    if _done["wired"]:
        return
    hooks.after_commit_add(relay_after_commit)  # first: the next step's message is on the critical path
    hooks.after_commit_add(broadcast_after_commit)
    hooks.hooks.design_loader = design_version_get
    hooks.periodic_add(QueueSampler().tick)
    hooks.run_ended_add(rollup_run_ended)
    registry.registry_source_set(
        services=sources.services_declared,
        actions=sources.actions_declared,
        events=sources.events_declared,
        from_declaration=sources.action_from_declaration,
    )
    business_state_register(name="declared services", state=declared_business_state)
    _done["wired"] = True

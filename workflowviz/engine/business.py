"""The business state of runs, from the services' own records, beside the runs' technical status.

The engine knows no service's records: each service app registers a function (in `AppConfig.ready()`,
declared services through the bootstrap) that answers for a whole page of runs at once, so that a page
costs one query per service, never one per run.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import StepState


@dataclass(frozen=True)
class RunRef:
    """What a service needs to find its records of a run: the run's id, its order and its services."""

    run_id: str
    order_id: int | None
    services: frozenset[str]


# [RunRef] → {run id: {field: scalar}}, for the runs the service has records of (others left out).
BusinessState = Callable[[list[RunRef]], dict[str, dict]]

_states: dict[str, BusinessState] = {}


def business_state_register(*, name: str, state: BusinessState) -> None:
    """Register (or replace) what `name` (a service, or the declared services) tells about runs."""
    _states[name] = state


def business_states(runs: list[tuple[str, int | None]]) -> dict[str, dict]:
    """(run id, order id) pairs → run id → the fields every registered service gave (a flat dict)."""
    if not runs:
        return {}
    services: dict[str, set[str]] = {str(run_id): set() for run_id, _ in runs}
    rows = StepState.objects.filter(run_id__in=list(services)).values_list("run_id", "service").distinct()
    for run_id, service in rows:
        services[str(run_id)].add(service)
    refs = [RunRef(str(run_id), order_id, frozenset(services[str(run_id)])) for run_id, order_id in runs]
    found: dict[str, dict] = {ref.run_id: {} for ref in refs}
    for name in sorted(_states):
        for run_id, fields in _states[name](refs).items():
            if run_id in found:
                found[run_id].update(fields)
    return found

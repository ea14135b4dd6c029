"""When does a step run? The join rule, as a pure function both patterns use.

The coordinator keeps each step's join in its own bookkeeping (orchestration); in choreography the
subscribing service keeps it (JoinState). Either way one arrival at a time goes through `join_arrive`:

- join "all": the step runs once every edge into it has delivered since it last ran;
- join "first" (or a single edge): the step runs on the arrival;
- a step runs at most `max_visits` times in one run. A further arrival is ignored when the step is not
  in a cycle (a "first" join hearing its other branches), and fails the step when it is (a loop that
  reached its bound).
"""

from dataclasses import dataclass, field
from enum import StrEnum

from .design import Edge, Step


class Verdict(StrEnum):
    RUN = "run"
    WAIT = "wait"
    IGNORE = "ignore"
    BOUND = "bound"  # a loop reached its bound: the step fails


@dataclass
class JoinDecision:
    verdict: Verdict
    visit: int = 0  # which run of the step this arrival starts (RUN)
    waiting_for: list[str] = field(default_factory=list)  # edges still awaited (WAIT)
    reason: str = ""  # IGNORE, BOUND


def join_arrive(step: Step, state: dict, edge: Edge, *, in_cycle: bool) -> JoinDecision:
    """Apply one arrival along `edge` to `state` ({"arrived": [...], "visits": n}, changed in place)."""
    visits = state.get("visits", 0)
    if visits >= step.max_visits:
        if in_cycle:
            return JoinDecision(Verdict.BOUND, reason=f"loop bound reached: {step.id} ran {visits} time(s)")
        return JoinDecision(Verdict.IGNORE, reason=f"{step.id} already ran (it runs on the first of its events)")
    arrived = list(state.get("arrived", []))
    if str(edge) not in arrived:
        arrived.append(str(edge))
    if step.waits_for_all:
        waiting_for = [str(each) for each in step.after if str(each) not in arrived]
        if waiting_for:
            state["arrived"] = arrived
            return JoinDecision(Verdict.WAIT, waiting_for=waiting_for)
    state["arrived"] = []
    state["visits"] = visits + 1
    return JoinDecision(Verdict.RUN, visit=visits + 1)

"""A trip service declared without code, for driving one run a message at a time in either pattern.

Its actions: book (undone by unbook), hold (undone by release), rent (a decision: no car when the input's
`kind` is "none", which leaves nothing to give back), and note (nothing to undo). Each test declares its
own service (names are unique) and saves the designs it needs over it.
"""

from dataclasses import dataclass

from tests.modelled.helpers import action, declare, design_save, event, outcome, step, unique
from workflowviz.engine.delivery import deliver
from workflowviz.engine.models import EventRecord, OutboxMessage, Run, StepState
from workflowviz.engine.runs import run_start

FAST = {"*": {"latency_ms": [0, 0], "backoff_seconds": 0}}
BROKEN = {"failure_probability": 1.0, "max_attempts": 1}  # a step policy: the step fails for good at once


@dataclass(frozen=True)
class Trips:
    service: str

    @property
    def prefix(self) -> str:
        return self.service.capitalize()

    def outcome(self, name: str) -> str:
        """The full event name of an outcome: "Booked" → "Trips1abcdBooked"."""
        return f"{self.prefix}{name}"

    def step(self, step_id: str, action_name: str = "", *after: str, **fields) -> dict:
        """A design step doing one of the service's actions (an end when `end=` is given)."""
        key = f"{self.service}.{action_name}" if action_name else ""
        edges = [self._edge(edge) for edge in after]
        return step(step_id, key, *edges, **fields)

    def _edge(self, edge: str) -> str:
        """ "rent:NoCar" → "rent:Trips1abcdNoCar" (an edge names an outcome by its full event name)."""
        from_step, _, name = edge.partition(":")
        return f"{from_step}:{self.outcome(name)}" if name else edge

    def design(self, *steps: dict) -> str:
        return design_save(unique("trips-"), self.outcome("Asked"), *steps)

    def book_beside_a_failure(self) -> str:
        """A design of two steps side by side: book (undone by unbook), and one that fails for good."""
        return self.design(self.step("book", "book"), self.step("fail", "note", policy=BROKEN))

    def start(self, slug: str, pattern: str, *, kind: str = "car") -> Run:
        return run_start(workflow=slug, pattern=pattern, data={"trip_id": "t-1", "kind": kind}, policy_overrides=FAST)


def trips_declare() -> Trips:
    name = unique("trips")
    trips = Trips(name)
    declare(
        name,
        action(
            "book", outcome(trips.outcome("Booked"), "trip_id", "book_ref"), inputs=["trip_id"], compensation="unbook"
        ),
        action("unbook", outcome(trips.outcome("Unbooked"), "trip_id"), inputs=["trip_id", "book_ref"]),
        action(
            "hold", outcome(trips.outcome("Held"), "trip_id", "hold_ref"), inputs=["trip_id"], compensation="release"
        ),
        action("release", outcome(trips.outcome("Released"), "trip_id"), inputs=["trip_id", "hold_ref"]),
        action(
            "rent",
            outcome(trips.outcome("NoCar"), "trip_id", when='kind == "none"'),
            outcome(trips.outcome("Rented"), "trip_id", "car_ref"),
            inputs=["trip_id", "kind"],
            choice="rule",
            compensation="give_back",
        ),
        action("give_back", outcome(trips.outcome("Returned"), "trip_id"), inputs=["trip_id", "car_ref"]),
        action("note", outcome(trips.outcome("Noted"), "trip_id"), inputs=["trip_id"]),
        events=[event(trips.outcome("Asked"), trip_id="string", kind="string")],
    )
    return trips


def unprocessed(run: Run, **fields) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(run=run, processed_at__isnull=True, **fields).order_by("created_at"))


def deliver_one(run: Run, step_id: str, kind: str) -> str:
    """Deliver the one waiting message of `kind` for the step, as its worker would; what the delivery did."""
    [message] = unprocessed(run, step_id=step_id, kind=kind)
    return deliver(str(message.pk))


def statuses(run: Run) -> dict[str, str]:
    return dict(StepState.objects.filter(run=run).values_list("step_id", "status"))


def step_ids(run: Run, kind: str, **fields) -> list[str]:
    """The steps of the records of `kind`, in the order they were written."""
    records = EventRecord.objects.filter(run=run, kind=kind, **fields).order_by("seq")
    return list(records.values_list("step_id", flat=True))

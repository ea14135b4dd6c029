"""Steps that decide: branches by outcome, ends, parallel fan-out, joins (all / first) and bounded loops,
in both patterns, over services declared without code.

Driven in-process with tests.engine.drain (each delivery is the real RQ job function, on the real
database). The same designs run on real workers in tests/system/test_modelled.py.
"""

import pytest

from tests.engine.drain import drain_until_final
from tests.modelled.helpers import action, declare, design_save, event, outcome, step, unique
from workflowviz.engine.models import EventRecord, RunStatus, StepState, StepStatus
from workflowviz.engine.runs import run_start

PATTERNS = ["orchestration", "choreography"]
FAST = {"latency_ms": [0, 0]}


@pytest.fixture
def payments(transactional_db):
    """A payment service that scores a payment and decides: approve, send to review, or reject."""
    name = unique("pay")
    trigger = f"Payment{name.capitalize()}Submitted"
    score = action(
        "score",
        outcome(f"{name.capitalize()}Rejected", "payment_id", when="amount > 5000"),
        outcome(f"{name.capitalize()}Review", "payment_id", when="amount > 1000"),
        outcome(f"{name.capitalize()}Approved", "payment_id", fee="round(amount * 0.02, 2)"),
        inputs=["payment_id", "amount"],
        choice="rule",
    )
    capture = action(
        "capture", outcome(f"{name.capitalize()}Captured", "payment_id", "capture_ref"), inputs=["payment_id", "fee"]
    )
    declare(name, score, capture, events=[event(trigger, payment_id="string", amount="number")])
    prefix = name.capitalize()
    slug = design_save(
        unique("pay-flow-"),
        trigger,
        step("score", f"{name}.score", policy=FAST),
        step("capture", f"{name}.capture", f"score:{prefix}Approved", policy=FAST),
        step("approved", "", "capture", end="approved"),
        step("review", "", f"score:{prefix}Review", end="in review"),
        step("rejected", "", f"score:{prefix}Rejected", end="rejected"),
    )
    return slug


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize(
    ("amount", "result", "taken"), [(100, "approved", "capture"), (2000, "in review", None), (9000, "rejected", None)]
)
def test_a_decision_takes_one_branch_and_the_run_ends_with_its_result(
    payments, workers_paused, pattern, amount, result, taken
):
    run = run_start(workflow=payments, pattern=pattern, data={"payment_id": "p-1", "amount": amount})

    [run] = drain_until_final([run.id])

    assert run.status == RunStatus.SUCCEEDED and run.result == result
    states = {s.step_id: s.status for s in StepState.objects.filter(run=run)}
    ends = {"approved", "review", "rejected"}
    reached = {"approved": "approved", "in review": "review", "rejected": "rejected"}[result]
    assert states[reached] == StepStatus.SUCCEEDED
    assert all(states[end] == StepStatus.SKIPPED for end in ends - {reached})
    assert states["capture"] == (StepStatus.SUCCEEDED if taken else StepStatus.SKIPPED)
    skipped = set(EventRecord.objects.filter(run=run, kind="step.skipped").values_list("step_id", flat=True))
    assert skipped == {s for s, status in states.items() if status == StepStatus.SKIPPED}


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_decision_sends_only_the_taken_branch_its_message(payments, workers_paused, pattern):
    run = run_start(workflow=payments, pattern=pattern, data={"payment_id": "p-2", "amount": 2000})
    drain_until_final([run.id])
    # The review branch is an end: no service hears of it; the capture step was never asked to run.
    sent = EventRecord.objects.filter(run=run, kind="message.sent")
    assert not sent.filter(step_id="capture").exists()
    assert EventRecord.objects.filter(run=run, kind="end.reached", step_id="review").count() == 1


@pytest.fixture
def fan(transactional_db):
    """Three quotes in parallel; a join that waits for all of them, and one that takes the first."""
    name = unique("quotes")
    prefix = name.capitalize()
    actions = [
        action(
            f"quote_{n}", outcome(f"{prefix}Quote{n}", "trip_id", **{f"price_{n}": f"{n} * 100"}), inputs=["trip_id"]
        )
        for n in (1, 2, 3)
    ]
    pick = action(
        "pick", outcome(f"{prefix}Picked", "trip_id", "pick_ref"), inputs=["trip_id", "price_1", "price_2", "price_3"]
    )
    first = action("first", outcome(f"{prefix}First", "trip_id", "first_ref"), inputs=["trip_id"])
    declare(name, *actions, pick, first, events=[event(f"{prefix}Asked", trip_id="string")])
    slug = design_save(
        unique("fan-"),
        f"{prefix}Asked",
        *[step(f"q{n}", f"{name}.quote_{n}", policy=FAST) for n in (1, 2, 3)],
        step("pick", f"{name}.pick", "q1", "q2", "q3", join="all", policy=FAST),
        step("first", f"{name}.first", "q1", "q2", "q3", join="first", policy=FAST),
    )
    return slug


@pytest.mark.parametrize("pattern", PATTERNS)
def test_fan_out_then_a_join_of_all_and_a_join_of_the_first(fan, workers_paused, pattern):
    run = run_start(workflow=fan, pattern=pattern, data={"trip_id": "t-1"})

    [run] = drain_until_final([run.id])

    assert run.status == RunStatus.SUCCEEDED
    states = {s.step_id: s for s in StepState.objects.filter(run=run)}
    assert all(states[s].status == StepStatus.SUCCEEDED for s in states)
    # Each join ran once: "all" with every price, "first" on the first quote (the others were ignored).
    assert states["pick"].visits == 1 and states["first"].visits == 1
    picked = EventRecord.objects.get(run=run, step_id="pick", kind="step.succeeded")
    assert picked.payload["event"].endswith("Picked")
    started = EventRecord.objects.filter(run=run, step_id="first", kind="step.started").count()
    assert started == 1
    if pattern == "choreography":
        assert EventRecord.objects.filter(run=run, step_id="first", kind="join.ignored").count() == 2
        assert EventRecord.objects.filter(run=run, step_id="pick", kind="join.waiting").count() == 2


@pytest.fixture
def loop(transactional_db):
    """Poll until done: a check that says "again" while it ran fewer than three times (a bounded loop)."""
    name = unique("poll")
    prefix = name.capitalize()
    check = action(
        "check",
        outcome(f"{prefix}Again", "job_id", when="visit < 3"),
        outcome(f"{prefix}Done", "job_id"),
        inputs=["job_id"],
        choice="rule",
    )
    declare(name, check, events=[event(f"{prefix}Started", job_id="string")])

    def save(max_visits: int) -> str:
        return design_save(
            unique("loop-"),
            f"{prefix}Started",
            step(
                "check",
                f"{name}.check",
                "trigger",
                f"check:{prefix}Again",
                join="first",
                max_visits=max_visits,
                policy=FAST,
            ),  # fmt: skip
            step("done", "", f"check:{prefix}Done", end="done"),
        )

    return save


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_loop_runs_until_its_step_decides_to_leave_it(loop, workers_paused, pattern):
    slug = loop(max_visits=5)
    run = run_start(workflow=slug, pattern=pattern, data={"job_id": "j-1"})

    [run] = drain_until_final([run.id])

    assert run.status == RunStatus.SUCCEEDED and run.result == "done"
    check = StepState.objects.get(run=run, step_id="check")
    assert check.visits == 3 and check.outcome.endswith("Done")
    visits = [
        e.payload.get("visit", 1)
        for e in EventRecord.objects.filter(run=run, step_id="check", kind="step.succeeded").order_by("seq")
    ]
    assert visits == [1, 2, 3]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_loop_past_its_bound_fails_the_run(loop, workers_paused, pattern):
    slug = loop(max_visits=2)
    run = run_start(workflow=slug, pattern=pattern, data={"job_id": "j-2"})

    [run] = drain_until_final([run.id])

    assert run.status == RunStatus.COMPENSATED  # nothing to undo: the failure ends it
    check = StepState.objects.get(run=run, step_id="check")
    assert check.status == StepStatus.FAILED and "loop bound reached" in check.error

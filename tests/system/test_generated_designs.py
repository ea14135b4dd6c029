"""Generated designs over a declared service — decisions, joins (all / first), ends and compensations — run
in both patterns on real workers, reach the same outcome for the same seeded decisions."""

import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.conftest import runs_wait_final, wait_until
from tests.modelled.helpers import action, declare, event, outcome, unique
from tests.system.test_modelled import consumed_queues
from workflowviz.designer.services import design_create
from workflowviz.designer.validation import design_problems, errors_only
from workflowviz.engine.models import RunStatus, StepState, StepStatus
from workflowviz.engine.runs import run_start

pytestmark = [pytest.mark.system]
PATTERNS = ["orchestration", "choreography"]
WORKS = ("a", "b", "c")


@pytest.fixture
def generator_service(system, transactional_db):
    """One declared service for every generated design: three undoable works and a weighted decision."""
    name = unique("gen")
    prefix = name.capitalize()
    works = [
        action(
            f"work_{w}",
            outcome(f"{prefix}Worked{w.upper()}", "job", f"{w}_ref"),
            inputs=["job"],
            compensation=f"undo_{w}",
        )  # fmt: skip
        for w in WORKS
    ]
    undos = [action(f"undo_{w}", outcome(f"{prefix}Undone{w.upper()}", "job"), inputs=["job"]) for w in WORKS]
    decide = action("decide", outcome(f"{prefix}Yes", "job", weight=1), outcome(f"{prefix}No", "job", weight=1),
                    inputs=["job"])  # fmt: skip
    declare(name, *works, *undos, decide, events=[event(f"{prefix}Started", job="string")])
    wait_until(lambda: name in consumed_queues(), timeout=30, what=f"a worker for {name}")
    return name


@st.composite
def designs(draw, service: str):
    prefix = service.capitalize()
    outcomes = {"decide": [f"{prefix}Yes", f"{prefix}No"]}
    steps = []
    for index in range(draw(st.integers(2, 6))):
        kind = draw(st.sampled_from(["work_a", "work_b", "work_c", "decide"]))
        earlier = [step["id"] for step in steps]
        deps = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if earlier else []
        after = []
        for dep in deps:
            dep_kind = next(step["action"].split(".")[1] for step in steps if step["id"] == dep)
            choice = draw(st.sampled_from([None, *outcomes.get(dep_kind, [])]))
            after.append(f"{dep}:{choice}" if choice else dep)
        step = {"id": f"s{index}", "action": f"{service}.{kind}", "after": after, "policy": {"latency_ms": [0, 30]}}
        if len(after) > 1:
            step["join"] = draw(st.sampled_from(["all", "first"]))
        steps.append(step)
    for step in [s for s in steps if s["action"].endswith(".decide")]:
        for name in outcomes["decide"]:
            if not any(edge in (step["id"], f"{step['id']}:{name}") for other in steps for edge in other["after"]):
                steps.append({"id": f"end_{step['id']}_{name.lower()}", "end": name, "after": [f"{step['id']}:{name}"]})
    workers = [s for s in steps if ".work_" in s.get("action", "")]
    if workers and draw(st.booleans()):
        failing = draw(st.sampled_from(workers))
        failing["policy"] = {"latency_ms": [0, 0], "failure_probability": 1.0, "max_attempts": 1}
    return {"slug": unique("gen-"), "name": "generated", "trigger": f"{prefix}Started", "steps": steps}


def _valid(design: dict) -> dict:
    """The design, with joins on exclusive branches made "first"; assume() away what is still invalid."""
    for _ in range(3):
        errors = errors_only(design_problems(design))
        joins = {p.step for p in errors if p.code == "exclusive_join" and p.step}
        if not errors or not joins or len(joins) < len(errors):
            break
        for step in design["steps"]:
            if step["id"] in joins:
                step["join"] = "first"
    assume(not errors_only(design_problems(design)))
    return design


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_generated_designs_reach_the_same_outcome_in_both_patterns(generator_service, data, report):
    design = _valid(data.draw(designs(generator_service)))
    design_create(design=design)
    job = f"job-{uuid.uuid4().hex[:8]}"  # the seed of the decisions: the same input in both patterns

    runs = runs_wait_final(
        [run_start(workflow=design["slug"], pattern=p, data={"job": job}).id for p in PATTERNS], timeout=60
    )

    by_pattern = {run.pattern: run for run in runs}
    orch, chor = by_pattern["orchestration"], by_pattern["choreography"]
    fails = any(s.get("policy", {}).get("failure_probability") for s in design["steps"])
    ends = f"{orch.status}/{orch.result!r} and {chor.status}/{chor.result!r}"
    report(f"{len(design['steps'])} steps (a failing step: {fails}): {ends}")
    assert orch.status == chor.status
    assert orch.status in (RunStatus.SUCCEEDED, RunStatus.COMPENSATED)
    decided = {
        pattern: dict(
            StepState.objects.filter(run=run, action__endswith=".decide")
            .exclude(outcome="")
            .values_list("step_id", "outcome")
        )
        for pattern, run in by_pattern.items()
    }
    common = decided["orchestration"].keys() & decided["choreography"].keys()
    assert {s: decided["orchestration"][s] for s in common} == {s: decided["choreography"][s] for s in common}
    if orch.status == RunStatus.SUCCEEDED:
        assert orch.result == chor.result

        def done(run):
            return set(StepState.objects.filter(run=run, status=StepStatus.SUCCEEDED).values_list("step_id", flat=True))

        assert done(orch) == done(chor)

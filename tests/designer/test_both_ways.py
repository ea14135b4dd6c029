"""One design, two executions, on real Redis and real RQ workers.

For random valid designs (hypothesis) and for every built-in design, both orchestration and
choreography run every step exactly once, and never before all of its dependencies succeeded.
"""

import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.models import Email, EmailKind
from orders.services import order_place
from rewards.models import PointsEntry
from tests.conftest import mailbox_code, runs_wait_final, wait_until
from workflowviz.contracts import OrderPlaced
from workflowviz.designer.services import design_create
from workflowviz.designer.validation import design_problems
from workflowviz.engine.models import EventRecord, Run, RunStatus, StepState
from workflowviz.engine.registry import action_get
from workflowviz.signin import services as logins
from workflowviz.signin.selectors import login_state

pytestmark = [pytest.mark.system]
PATTERNS = ["orchestration", "choreography"]
# Real actions whose commands need only what OrderPlaced carries: any graph of them is valid.
TRIGGER_ONLY_ACTIONS = [
    "notifications.send_order_confirmation",
    "sellers.prepare_shipment",
    "sellers.suggest_products",
    "logistics.assign_delivery_partner",
    "logistics.estimate_delivery",
    "rewards.award_order_points",
    "rewards.quote_points",
]
_slugs = itertools.count(1)


def test_the_random_designs_use_actions_that_need_only_the_trigger():
    trigger = set(OrderPlaced.field_names())
    for key in TRIGGER_ONLY_ACTIONS:
        assert set(action_get(key).inputs) <= trigger, key
    assert len({key.split(".")[0] for key in TRIGGER_ONLY_ACTIONS}) == 4


@st.composite
def random_designs(draw):
    """A random DAG: each step may run after any of the steps made before it; listed in any order."""
    size = draw(st.integers(min_value=1, max_value=7))
    steps = []
    for index in range(size):
        earlier = [f"s{j}" for j in range(index)]
        after = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=3)) if earlier else []
        action = draw(st.sampled_from(TRIGGER_ONLY_ACTIONS))
        steps.append({"id": f"s{index}", "action": action, "after": after, "policy": {"latency_ms": [0, 0]}})
    listed = draw(st.permutations(steps))
    return {"slug": f"random-{next(_slugs)}", "name": "Random design", "steps": list(listed)}


def place(slug: str, pattern: str, **fields):
    return order_place(
        sku=fields.get("sku", "MUG-BLUE"),
        quantity=1,
        customer_email="buyer@example.com",
        pattern=pattern,
        region="north",
        design=slug,
        latency_ms=[0, 0],
    )


def assert_every_step_once_after_its_dependencies(run: Run) -> None:
    events = list(EventRecord.objects.filter(run=run).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1)), "sequence numbers have a gap"
    started, succeeded = {}, {}
    for event in events:
        if event.kind == "step.started":
            started.setdefault(event.step_id, []).append(event.seq)
        elif event.kind == "step.succeeded":
            succeeded.setdefault(event.step_id, []).append(event.seq)
    for step in run.graph["steps"]:
        assert len(succeeded.get(step["id"], [])) == 1, (step["id"], succeeded)
        for dependency in step["after"]:
            assert succeeded[dependency][0] < min(started[step["id"]]), (dependency, step["id"])


def assert_ran_once_each(runs: list[Run]) -> None:
    for run in runs:
        assert run.status == RunStatus.SUCCEEDED, (run.pattern, run.graph)
        assert_every_step_once_after_its_dependencies(run)
        assert set(StepState.objects.filter(run=run).values_list("status", "attempts")) == {("succeeded", 1)}


@settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(design=random_designs())
def test_any_valid_design_runs_each_step_once_in_dependency_order_in_both_patterns(system, demo, design):
    assert [p for p in design_problems(design) if p.severity == "error"] == []
    version = design_create(design=design)
    run_ids = [place(design["slug"], pattern).run_id for pattern in PATTERNS]
    runs = runs_wait_final(run_ids, timeout=60)
    assert {(run.design_slug, run.design_version) for run in runs} == {(design["slug"], version.number)}
    assert_ran_once_each(runs)


@pytest.mark.parametrize("slug", ["order-fulfilment", "order-fulfilment-rewards", "recommendations-enrichment"])
def test_builtin_order_designs_run_in_both_patterns(system, demo, slug):
    orders = [place(slug, pattern) for pattern in PATTERNS]
    runs = runs_wait_final([order.run_id for order in orders], timeout=60)
    assert_ran_once_each(runs)
    if slug == "recommendations-enrichment":
        for order in orders:
            email = Email.objects.get(order_id=order.pk, kind=EmailKind.RECOMMENDATIONS)
            assert "14 points" in email.body and "day(s)" in email.body  # a 14.00 mug: 14 points
    if slug == "order-fulfilment-rewards":
        assert PointsEntry.objects.filter(order_id__in=[o.pk for o in orders]).count() == 2


@pytest.mark.parametrize("pattern", PATTERNS)
def test_login_otp_sends_a_code_then_verifies_the_code_the_user_enters(system, transactional_db, pattern):
    to = f"ann.{pattern}@example.com"
    run = logins.login_start(email=to, pattern=pattern)
    code = wait_until(lambda: mailbox_code(to), timeout=20, what="the code email in the mailbox")
    # The email record says a code was sent, never which: only the code's keyed digest is kept.
    email = Email.objects.get(kind=EmailKind.LOGIN_CODE, to=to)
    assert not re.search(r"\d{6}", email.subject + email.body), (email.subject, email.body)
    assert login_state(str(run.id))["status"] in ("code_sent", "sending")

    wrong = "000000" if code != "000000" else "111111"
    logins.login_code_submit(login_id=str(run.id), code=wrong)
    wait_until(lambda: login_state(str(run.id))["status"] == "wrong_code", timeout=20, what="the wrong code refused")
    logins.login_code_submit(login_id=str(run.id), code=code)
    [finished] = runs_wait_final([run.id], timeout=30)

    assert finished.status == RunStatus.SUCCEEDED
    assert login_state(str(run.id))["status"] == "signed_in"
    assert_every_step_once_after_its_dependencies(finished)
    checks = EventRecord.objects.filter(run=finished, step_id="verify_code", kind="step.retried")
    assert any("LoginCodeWrong" in str(e.payload.get("error")) for e in checks)
    with pytest.raises(logins.LoginProblem):
        logins.login_code_submit(login_id=str(run.id), code=code)  # the login is over

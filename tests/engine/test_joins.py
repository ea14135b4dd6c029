"""When does a step run? `join_arrive`, the join rule both patterns apply one arrival at a time (pure)."""

from workflowviz.engine.design import JOIN_ALL, JOIN_FIRST, Edge, Step
from workflowviz.engine.joins import Verdict, join_arrive


def step(*after: str, join: str = JOIN_ALL, max_visits: int = 1) -> Step:
    return Step(
        id="s", action="svc.act", after=tuple(Edge.parse(text) for text in after), join=join, max_visits=max_visits
    )


def arrive(joined: Step, state: dict, edge: str, *, in_cycle: bool = False):
    return join_arrive(joined, state, Edge.parse(edge), in_cycle=in_cycle)


def test_a_step_with_a_single_edge_runs_on_its_first_arrival():
    state = {}
    decision = arrive(step("a"), state, "a")
    assert (decision.verdict, decision.visit, decision.waiting_for) == (Verdict.RUN, 1, [])
    assert state == {"arrived": [], "visits": 1}


def test_a_join_of_all_waits_for_every_edge_then_runs_once_and_starts_over():
    joined, state = step("a", "b:BDone", "c"), {}

    first = arrive(joined, state, "c")
    second = arrive(joined, state, "a")

    # Waiting for the edges not heard yet, in the order the step names them.
    assert (first.verdict, first.waiting_for) == (Verdict.WAIT, ["a", "b:BDone"])
    assert (second.verdict, second.waiting_for) == (Verdict.WAIT, ["b:BDone"])
    assert state == {"arrived": ["c", "a"]}
    last = arrive(joined, state, "b:BDone")
    assert (last.verdict, last.visit) == (Verdict.RUN, 1)
    assert state == {"arrived": [], "visits": 1}


def test_an_arrival_already_counted_does_not_count_twice():
    joined, state = step("a", "b"), {}
    arrive(joined, state, "a")
    again = arrive(joined, state, "a")
    assert (again.verdict, again.waiting_for) == (Verdict.WAIT, ["b"])
    assert state["arrived"] == ["a"]
    assert arrive(joined, state, "b").verdict == Verdict.RUN


def test_a_join_of_the_first_runs_on_the_first_arrival_and_ignores_the_others():
    joined, state = step("a", "b", "c", join=JOIN_FIRST), {}

    decisions = [arrive(joined, state, edge) for edge in ("b", "a", "c")]

    assert [d.verdict for d in decisions] == [Verdict.RUN, Verdict.IGNORE, Verdict.IGNORE]
    assert decisions[0].visit == 1
    assert "already ran" in decisions[1].reason
    assert state["visits"] == 1


def test_a_step_in_a_cycle_runs_max_visits_times_then_reaches_its_bound():
    looping, state = step("trigger", "s:Again", join=JOIN_FIRST, max_visits=3), {}

    decisions = [arrive(looping, state, edge, in_cycle=True) for edge in ("trigger", "s:Again", "s:Again", "s:Again")]

    assert [(d.verdict, d.visit) for d in decisions] == [
        (Verdict.RUN, 1),
        (Verdict.RUN, 2),
        (Verdict.RUN, 3),
        (Verdict.BOUND, 0),
    ]
    assert "loop bound reached" in decisions[-1].reason and "ran 3 time(s)" in decisions[-1].reason
    assert state["visits"] == 3


def test_a_step_past_its_visits_outside_a_cycle_is_ignored_not_failed():
    joined, state = step("a", max_visits=2), {}
    verdicts = [arrive(joined, state, "a", in_cycle=False).verdict for _ in range(3)]
    assert verdicts == [Verdict.RUN, Verdict.RUN, Verdict.IGNORE]


def test_a_join_of_all_in_a_loop_waits_again_on_each_visit():
    joined, state = step("a", "b", max_visits=2), {}
    verdicts = [arrive(joined, state, edge, in_cycle=True).verdict for edge in ("a", "b", "b", "a")]
    assert verdicts == [Verdict.WAIT, Verdict.RUN, Verdict.WAIT, Verdict.RUN]
    assert state["visits"] == 2

"""The workers' supervisor (run_system, run_workers) with real child processes that die at once: restarted up
to a bound, then given up and reported; one dead while Redis does not answer waits for it.

(tests/system/test_run_system_signals.py does the same to a real worker under `make run`.)"""

import sys

import pytest

from tests.conftest import wait_until
from workflowviz.engine.queues import queues_health
from workflowviz.processes import ProcessGroup, free_port
from workflowviz.web.supervisor import RESTART_LIMIT, WorkerSupervisor

DIES_AT_ONCE = [sys.executable, "-c", "raise SystemExit(3)"]


@pytest.fixture
def group():
    group = ProcessGroup()
    yield group
    group.stop()


def deaths_handled(supervisor: WorkerSupervisor, name: str, count: int) -> list[str]:
    """Let the process `name` die `count` times, the supervisor handling each death; what it said."""
    said = []
    for _ in range(count):
        wait_until(lambda: name in supervisor.group.dead(), timeout=10, what=f"{name} to exit")
        said += supervisor.restart_dead()
    return said


def test_a_worker_that_keeps_dying_is_restarted_up_to_the_bound_then_given_up_and_reported(group):
    supervisor = WorkerSupervisor(group)
    group.start("worker-rewards-0", DIES_AT_ONCE)

    said = deaths_handled(supervisor, "worker-rewards-0", RESTART_LIMIT)

    assert said[:-1] == ["worker-rewards-0 restarted (exit code 3)"] * (RESTART_LIMIT - 1)
    assert said[-1].startswith(f"Given up: worker-rewards-0 died {RESTART_LIMIT} times within 60 s (last: exit code 3)")
    assert supervisor.restart_dead() == []  # never again
    assert "worker-rewards-0" in group.dead()
    [health] = queues_health(["rewards"])
    assert health["given_up"] == said[-1].removeprefix("Given up: ")
    assert not supervisor.fatal("worker-rewards-0")  # the other services keep serving


def test_the_reconciler_given_up_stops_the_system(group):
    supervisor = WorkerSupervisor(group)
    group.start("reconciler", DIES_AT_ONCE)
    assert not supervisor.fatal("reconciler")

    said = deaths_handled(supervisor, "reconciler", RESTART_LIMIT)

    assert said[-1].startswith("Given up: reconciler died")
    assert supervisor.fatal("reconciler")


def test_a_worker_dead_while_redis_does_not_answer_waits_for_it_and_the_outage_counts_once(group, settings):
    supervisor = WorkerSupervisor(group)
    group.start("worker-rewards-0", DIES_AT_ONCE)
    redis_url = settings.REDIS_URL
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing answers there
    wait_until(lambda: group.dead(), timeout=10, what="the worker to exit")

    for _ in range(RESTART_LIMIT):  # however long it lasts: no restart into a Redis that is not there
        assert supervisor.restart_dead() == []
    assert "worker-rewards-0" in group.dead()

    settings.REDIS_URL = redis_url
    said = deaths_handled(supervisor, "worker-rewards-0", RESTART_LIMIT)
    assert said[0] == "worker-rewards-0 restarted (exit code 3)"  # at once, and the outage was one death
    assert said[-1].startswith("Given up:")
    assert len(said) == RESTART_LIMIT

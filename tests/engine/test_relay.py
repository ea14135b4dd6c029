"""The relay (`relay.py`): committed outbox messages that are due go to their service's RQ queue, one job each.

The queues are the tests' own Redis. Each test sends to services of its own that no worker consumes, so a
queue holds exactly what the relay put there.
"""

import logging

import pytest
from django.conf import settings as django_settings

from tests.conftest import wait_until
from tests.engine.factories import command_write, message_make, run_make
from tests.modelled.helpers import unique
from workflowviz.engine.faults import deliver_twice_set, faults_cached, faults_read
from workflowviz.engine.outbox import unit_of_work
from workflowviz.engine.queues import redis_connection, service_queue
from workflowviz.engine.relay import DELIVER, messages_enqueue
from workflowviz.processes import free_port


@pytest.fixture
def run(transactional_db):
    return run_make()


@pytest.fixture
def service():
    return unique("relay")


def jobs_of(service: str) -> list[tuple[str, str, list]]:
    """(job id, function, arguments) of each job waiting in the service's queue, first in line first."""
    queue = service_queue(service)
    return [(job.id, job.func_name, job.args) for job in map(queue.fetch_job, queue.get_job_ids())]


def test_due_messages_become_one_job_each_holding_only_the_message_id(run, service):
    first, second = message_make(run, target_service=service), message_make(run, target_service=service, due_in=-5)

    assert messages_enqueue([first, second]) == 2

    assert jobs_of(service) == [(str(m.id), DELIVER, [str(m.id)]) for m in (first, second)]


def test_a_message_waiting_out_its_retry_backoff_is_not_enqueued(run, service):
    later = message_make(run, target_service=service, due_in=30, attempt=2)
    due = message_make(run, target_service=service)

    assert messages_enqueue([later]) == 0
    assert messages_enqueue([later, due]) == 1

    assert [job_id for job_id, _, _ in jobs_of(service)] == [str(due.id)]


def test_each_message_goes_to_its_target_services_queue(run, service):
    other = unique("relay")
    to_service, to_other = message_make(run, target_service=service), message_make(run, target_service=other)

    assert messages_enqueue([to_service, to_other]) == 2

    assert [job[0] for job in jobs_of(service)] == [str(to_service.id)]
    assert [job[0] for job in jobs_of(other)] == [str(to_other.id)]


def test_a_committed_unit_of_work_enqueues_its_messages_by_itself(run, service):
    with unit_of_work(run.id) as unit:
        sent = command_write(unit, target=service, payload={"order_id": 1})
        assert jobs_of(service) == []  # nothing leaves before the commit

    assert jobs_of(service) == [(str(sent.id), DELIVER, [str(sent.id)])]


def switches_seen(connection) -> bool:
    """The relay reads the fault switches through a short cache: true once its copy is Redis's."""
    return faults_cached(connection) == faults_read(connection)


def test_deliver_twice_enqueues_that_many_messages_again_and_uses_the_switch_up(run, service):
    connection = redis_connection()
    deliver_twice_set(connection, service=service, count=2)
    wait_until(lambda: switches_seen(connection), timeout=5, what="the relay to see the switch")
    messages = [message_make(run, target_service=service) for _ in range(3)]

    assert messages_enqueue(messages) == 3

    ids = [str(m.id) for m in messages]
    assert [(job_id, args) for job_id, _, args in jobs_of(service)] == [
        *[(message_id, [message_id]) for message_id in ids],
        *[(f"{message_id}-twice", [message_id]) for message_id in ids[:2]],
    ]
    # The switch is used up: the next messages go once.
    more = message_make(run, target_service=service)
    messages_enqueue([more])
    assert [job_id for job_id, _, _ in jobs_of(service)][-1:] == [str(more.id)]
    assert len(jobs_of(service)) == 6


def test_deliver_twice_counts_down_across_enqueues(run, service):
    connection = redis_connection()
    deliver_twice_set(connection, service=service, count=3)
    wait_until(lambda: switches_seen(connection), timeout=5, what="the relay to see the switch")

    for _ in range(2):
        messages_enqueue([message_make(run, target_service=service) for _ in range(2)])

    twice = [job_id for job_id, _, _ in jobs_of(service) if job_id.endswith("-twice")]
    assert len(twice) == 3 and len(jobs_of(service)) == 7


def test_with_redis_unreachable_the_relay_sends_nothing_and_raises_nothing(run, service, settings, caplog):
    message = message_make(run, target_service=service)
    reachable = django_settings.REDIS_URL
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there

    with caplog.at_level(logging.WARNING, logger="workflowviz.relay"):
        assert messages_enqueue([message]) == 0

    assert [(r.levelno, "reconciler will send these again" in r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, True)
    ]
    settings.REDIS_URL = reachable
    assert jobs_of(service) == []
    assert messages_enqueue([message]) == 1  # the same message, once Redis answers again

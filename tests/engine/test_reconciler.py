"""The reconciler (`reconciler.py`): an unprocessed message whose job is no longer on its way is sent again.

"Now" is passed in, so that a message can be an hour overdue without the test waiting: the messages are
due an hour from now, which also keeps them out of sight of a reconciler process a session may run.
Each test sends to services of its own that no worker consumes.
"""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from rq.job import JobStatus

from tests.engine.factories import message_make, run_make
from tests.modelled.helpers import unique
from workflowviz.engine import reconciler
from workflowviz.engine.models import OutboxMessage
from workflowviz.engine.queues import service_queue
from workflowviz.engine.reconciler import MAX_RESENDS, messages_lost, reconcile_once
from workflowviz.engine.relay import DELIVER, enqueue_ids
from workflowviz.processes import free_port

LATER = 3600  # seconds until the test's messages are due


@pytest.fixture
def run(transactional_db):
    return run_make()


@pytest.fixture
def service():
    return unique("recon")


def overdue(run, service, **fields) -> OutboxMessage:
    """A message due in an hour (a retry waiting out its backoff), to `service`."""
    return message_make(run, target_service=service, due_in=LATER, **fields)


def after(message: OutboxMessage, seconds: float):
    return message.available_at + timedelta(seconds=seconds)


def queued_ids(service: str) -> list[str]:
    return service_queue(service).get_job_ids()


def job_started(message: OutboxMessage, at) -> None:
    """A worker took the message's job at `at` (and, for all we know, died)."""
    enqueue_ids({message.target_service: [str(message.id)]})
    queue = service_queue(message.target_service)
    job = queue.fetch_job(str(message.id))
    queue.remove(job)
    job.set_status(JobStatus.STARTED)
    job.started_at = at
    job.save()


def resends(message: OutboxMessage) -> int:
    return OutboxMessage.objects.get(pk=message.pk).resends


def test_a_due_message_whose_job_no_queue_holds_is_lost(run, service):
    message = overdue(run, service)
    assert messages_lost(now=after(message, -1)) == []  # not due yet
    assert messages_lost(now=after(message, 1)) == [message]


def test_a_processed_message_is_never_lost(run, service):
    message = overdue(run, service, processed_at=timezone.now())
    assert messages_lost(now=after(message, 1)) == []


def test_a_message_whose_job_is_queued_or_scheduled_is_on_its_way(run, service):
    queued, scheduled, lost = overdue(run, service), overdue(run, service), overdue(run, service)
    enqueue_ids({service: [str(queued.id)]})
    service_queue(service).enqueue_at(after(scheduled, 60), DELIVER, str(scheduled.id), job_id=str(scheduled.id))

    assert messages_lost(now=after(lost, 1)) == [lost]


def test_a_message_just_committed_is_left_to_the_relay_for_a_grace_period(run, service):
    message = message_make(run, target_service=service)
    grace = django_settings.RECONCILE_GRACE_SECONDS
    assert messages_lost(now=after(message, grace / 2)) == []
    assert messages_lost(now=after(message, grace + 0.5)) == [message]


def test_a_message_started_too_long_ago_is_lost_one_started_recently_is_not(run, service):
    message = overdue(run, service)
    started = after(message, 1)
    job_started(message, started)
    limit = django_settings.RECONCILE_STARTED_AFTER

    assert messages_lost(now=started + timedelta(seconds=limit - 1)) == []  # a worker is on it
    assert messages_lost(now=started + timedelta(seconds=limit + 1)) == [message]


def test_reconcile_sends_lost_messages_again_and_counts_the_resends(run, service):
    lost = [overdue(run, service), overdue(run, service)]
    now = after(lost[-1], 1)

    assert reconcile_once(now) == 2

    assert sorted(queued_ids(service)) == sorted(str(m.id) for m in lost)
    assert [resends(m) for m in lost] == [1, 1]
    assert reconcile_once(now) == 0  # on their way now
    assert [resends(m) for m in lost] == [1, 1]


def test_reconcile_gives_up_on_a_message_after_max_resends(run, service):
    message = overdue(run, service, resends=MAX_RESENDS - 1)
    now = after(message, 1)
    assert reconcile_once(now) == 1
    service_queue(service).fetch_job(str(message.id)).delete()  # lost once more

    assert reconcile_once(now) == 0

    assert resends(message) == MAX_RESENDS
    assert queued_ids(service) == []
    assert messages_lost(now) == [message]  # still lost: left for an operator


def test_reconcile_skips_a_message_processed_between_its_read_and_its_resend(run, service, monkeypatch):
    done_meanwhile, lost = overdue(run, service), overdue(run, service)
    read = reconciler.messages_lost

    def read_then_a_worker_finishes(now=None):
        found = read(now)
        OutboxMessage.objects.filter(pk=done_meanwhile.pk).update(processed_at=timezone.now())
        return found

    monkeypatch.setattr(reconciler, "messages_lost", read_then_a_worker_finishes)

    assert reconcile_once(after(lost, 1)) == 1

    assert queued_ids(service) == [str(lost.id)]
    assert (resends(done_meanwhile), resends(lost)) == (0, 1)


def test_reconcile_with_redis_unreachable_sends_nothing_and_raises_nothing(run, service, settings):
    message = overdue(run, service)
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nobody listens there
    assert reconcile_once(after(message, 1)) == 0
    assert resends(message) == 0

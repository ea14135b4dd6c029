"""Queue samples read from RQ's real registries (the tests' own Redis), stored per service, pruned after 24 h."""

from datetime import timedelta

import django_rq
import pytest
from django.utils import timezone
from rq.job import Job
from rq.registry import FailedJobRegistry

from workflowviz.engine.registry import service_names
from workflowviz.metrics.models import QueueSample
from workflowviz.metrics.sampling import KEEP_SECONDS, QueueSampler, queue_sample_take, queue_samples_prune

from .known_runs import sample_make


def services() -> list[str]:
    """Every service the registry knows: the shop's and the declared ones (the built-in examples)."""
    return service_names()


def failed_job_add(service: str) -> None:
    """A job in the service's failed registry, as RQ puts it there (no worker ever takes these)."""
    queue = django_rq.get_queue(service)
    job = Job.create("os.getcwd", connection=queue.connection, serializer=queue.serializer, origin=service)
    job.save()
    FailedJobRegistry(queue=queue).add(job, ttl=600, exc_string="boom")


def test_one_sample_per_service_queue_with_rq_counts(db):
    failed_job_add("rewards")
    failed_job_add("rewards")
    django_rq.get_queue("logistics").enqueue_in(timedelta(hours=1), "os.getcwd")  # scheduled, not queued
    now = timezone.now()

    samples = queue_sample_take(now=now)

    stored = {sample.service: sample for sample in QueueSample.objects.all()}
    assert sorted(stored) == sorted(services()) and len(samples) == len(services())
    assert stored["rewards"].failed == 2 and stored["sellers"].failed == 0
    assert stored["logistics"].scheduled == 1 and stored["logistics"].queued == 0
    assert all(sample.second == int(now.timestamp()) and sample.at == now for sample in stored.values())


def test_pruning_keeps_the_last_24_hours(db):
    now = timezone.now()
    sample_make("sellers", seconds_ago=KEEP_SECONDS + 5, now=now)
    kept = sample_make("sellers", seconds_ago=KEEP_SECONDS - 5, now=now)

    assert queue_samples_prune(now=now) == 1
    assert list(QueueSample.objects.values_list("pk", flat=True)) == [kept.pk]


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize("loop_seconds", [0.5, 1.0])
def test_the_sampler_samples_about_every_two_seconds_whatever_the_loop_interval(db, loop_seconds):
    clock = Clock()
    sampler = QueueSampler(every=2.0, prune_every=60.0, clock=clock)
    taken = []
    for _ in range(int(10 / loop_seconds)):
        if sampler.tick():
            taken.append(clock.now)
        clock.now += loop_seconds
    assert [b - a for a, b in zip(taken, taken[1:], strict=False)] == [2.0] * (len(taken) - 1)
    assert len(taken) == 5
    assert QueueSample.objects.count() == 5 * len(services())

"""Drive the engine in this process: deliver every due outbox message, as the workers would, until none is left.

No workers are needed: `deliver(message_id)` is the one RQ job, called here directly. The relay still
enqueues each job to the test Redis after commit; nobody consumes them, and every delivery claims its
message first, so a worker that did would not change the outcome. Needs a database whose commits are
real (`transactional_db`), because each delivery commits its own transactions.
"""

import time
from collections import Counter

from django.utils import timezone

from workflowviz.engine.delivery import deliver
from workflowviz.engine.models import FINAL_RUN_STATUSES, OutboxMessage, Run


def messages_due(run_ids=None) -> list[str]:
    """Ids of the unprocessed messages whose time has come, oldest first."""
    messages = OutboxMessage.objects.filter(processed_at__isnull=True, available_at__lte=timezone.now())
    if run_ids is not None:
        messages = messages.filter(run_id__in=run_ids)
    return [str(pk) for pk in messages.order_by("available_at", "created_at").values_list("pk", flat=True)]


def _next_due_in(run_ids) -> float | None:
    """Seconds until the next unprocessed message is due (a retry waiting out its backoff), or None."""
    pending = OutboxMessage.objects.filter(processed_at__isnull=True)
    if run_ids is not None:
        pending = pending.filter(run_id__in=run_ids)
    first = pending.order_by("available_at").values_list("available_at", flat=True).first()
    if first is None:
        return None
    return max(0.0, (first - timezone.now()).total_seconds())


def drain(run_ids=None, *, timeout: float = 30, max_deliveries: int = 10_000) -> Counter:
    """Deliver due messages (of `run_ids`, or of every run) until none is left; wait out retry backoffs.

    Returns how many deliveries ended with each result ("succeeded", "decided", "retrying", ...).
    Fails when messages are still pending after `timeout` seconds or after `max_deliveries` deliveries.
    """
    run_ids = None if run_ids is None else [str(run_id) for run_id in run_ids]
    results: Counter = Counter()
    deadline = time.monotonic() + timeout
    while True:
        due = messages_due(run_ids)
        for message_id in due:
            results[deliver(message_id)] += 1
        if due:
            assert sum(results.values()) <= max_deliveries, f"more than {max_deliveries} deliveries: {results}"
            continue
        wait = _next_due_in(run_ids)
        if wait is None:
            return results
        assert time.monotonic() + wait < deadline, f"messages still pending after {timeout}s: {results}"
        time.sleep(min(wait + 0.01, 1.0))


def drain_until_final(run_ids, **kwargs) -> list[Run]:
    """Drain the runs' messages and return the runs; fail if any of them is not final."""
    drain(run_ids, **kwargs)
    runs = list(Run.objects.filter(pk__in=run_ids))
    assert len(runs) == len(set(map(str, run_ids))), "unknown run id"
    not_final = [(str(run.id), run.status) for run in runs if run.status not in FINAL_RUN_STATUSES]
    assert not not_final, f"runs not final once every message was delivered: {not_final}"
    return runs


def deliver_all_again(run_ids=None) -> Counter:
    """Deliver every message once more, processed or not (what a duplicate job or a resend does)."""
    messages = OutboxMessage.objects.all()
    if run_ids is not None:
        messages = messages.filter(run_id__in=[str(run_id) for run_id in run_ids])
    return Counter(deliver(str(pk)) for pk in messages.order_by("created_at").values_list("pk", flat=True))

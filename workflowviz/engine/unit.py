"""A unit of work on one run: the records and messages one transaction writes, sent after commit."""

from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import EventRecord, OutboxMessage, Run


class Unit:
    """Collects the event records and outbox messages of one transaction on one (locked) run."""

    def __init__(self, run: Run):
        self.run = run
        self.records: list[EventRecord] = []
        self.messages: list[OutboxMessage] = []
        self.run_fields: set[str] = set()

    def record(
        self,
        *,
        service: str,
        kind: str,
        step_id: str = "",
        message: OutboxMessage | None = None,
        payload: dict | None = None,
        at=None,
    ) -> EventRecord:
        record = EventRecord(
            run=self.run,
            service=service,
            kind=kind,
            step_id=step_id,
            message_id=message.id if message else None,
            message_type=message.type if message else "",
            payload=payload or {},
            at=at or timezone.now(),
        )
        self.records.append(record)
        return record

    def send(
        self,
        *,
        kind: str,
        type: str,
        source: str,
        target: str,
        step_id: str,
        payload: dict,
        from_step: str = "",
        attempt: int = 1,
        delay_seconds: float = 0,
        sender: str | None = None,
    ) -> OutboxMessage:
        """Write an outgoing message; it reaches `target`'s queue once this transaction commits.

        `sender` is the lane the timeline draws the message from when it is not `source` (the event bus).
        """
        now = timezone.now()
        message = OutboxMessage(
            run=self.run,
            kind=kind,
            type=type,
            source_service=source,
            target_service=target,
            step_id=step_id,
            from_step=from_step,
            payload=payload,
            attempt=attempt,
            available_at=now + timedelta(seconds=delay_seconds),
        )
        self.messages.append(message)
        self.record(
            service=sender or source,
            kind="message.sent",
            step_id=step_id,
            message=message,
            payload={"kind": kind, "to": target, "attempt": attempt, "delay_s": delay_seconds, "body": payload},
            at=now,
        )
        return message

    def run_changed(self, *fields: str) -> None:
        self.run_fields.update(fields)

    def save(self) -> None:
        for offset, record in enumerate(self.records):
            record.seq = self.run.next_seq + offset
        self.run.next_seq += len(self.records)
        self.run.save(update_fields=["next_seq", *sorted(self.run_fields)])
        OutboxMessage.objects.bulk_create(self.messages)
        EventRecord.objects.bulk_create(self.records)
        messages, records = list(self.messages), list(self.records)
        transaction.on_commit(lambda: _after_commit(messages, records))


def _after_commit(messages: list[OutboxMessage], records: list[EventRecord]) -> None:
    from workflowviz.realtime.broadcast import records_broadcast

    from .relay import messages_enqueue

    messages_enqueue(messages)
    records_broadcast(records)


@contextmanager
def unit_of_work(run_id):
    """Open a transaction, lock the run, and save what the block collected when it ends without error."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        unit = Unit(run)
        yield unit
        unit.save()

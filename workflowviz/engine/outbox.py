"""The outbox: what one transaction on one run writes — event records with gap-free sequence numbers,
and outgoing messages — handed after commit to the listeners the bootstrap plugged in (relay, broadcaster).
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .hooks import hooks
from .models import EventRecord, OutboxMessage, Run
from .vocabulary import HAD_KINDS, RecordKind, record_payload_check

logger = logging.getLogger("workflowviz.outbox")


class Unit:
    """Collects the event records and outbox messages of one transaction on one (locked) run."""

    def __init__(self, run: Run):
        self.run = run
        self.records: list[EventRecord] = []
        self.messages: list[OutboxMessage] = []
        self.due_again: list[OutboxMessage] = []  # existing messages made due now: sent after commit too
        self.run_fields: set[str] = set()
        self.ended = False  # set by observer.run_finish: the run_ended hooks run once the records are written

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
        payload = payload or {}
        record = EventRecord(
            run=self.run,
            service=service,
            kind=record_payload_check(kind, payload),
            step_id=step_id,
            message_id=message.id if message else None,
            message_type=message.type if message else "",
            payload=payload,
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
        visit: int = 1,
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
            visit=visit,
            available_at=now + timedelta(seconds=delay_seconds),
        )
        self.messages.append(message)
        sent = {"kind": kind, "to": target, "attempt": attempt, "delay_s": delay_seconds, "body": payload}
        if visit != 1:
            sent["visit"] = visit
        self.record(
            service=sender or source,
            kind=RecordKind.MESSAGE_SENT,
            step_id=step_id,
            message=message,
            payload=sent,
            at=now,
        )
        return message

    def run_changed(self, *fields: str) -> None:
        self.run_fields.update(fields)

    def in_flight(self) -> bool:
        """Whether any message of this run still waits to be acted on (this unit's included)."""
        if self.messages:
            return True
        return OutboxMessage.objects.filter(run=self.run, processed_at__isnull=True).exists()

    def had_mark(self) -> None:
        """Set the run's `had_<name>` flags its new records call for (once: a flag never goes back)."""
        kinds = {record.kind for record in self.records}
        for name, marking in HAD_KINDS.items():
            column = f"had_{name}"
            if kinds & marking and not getattr(self.run, column):
                setattr(self.run, column, True)
                self.run_changed(column)

    def save(self) -> None:
        self.had_mark()
        for offset, record in enumerate(self.records):
            record.seq = self.run.next_seq + offset
        self.run.next_seq += len(self.records)
        self.run.save(update_fields=["next_seq", *sorted(self.run_fields)])
        OutboxMessage.objects.bulk_create(self.messages)
        EventRecord.objects.bulk_create(self.records)
        if self.ended:
            for listener in hooks.run_ended:
                listener(self.run)
        messages, records = [*self.messages, *self.due_again], list(self.records)
        transaction.on_commit(lambda: after_commit(messages, records))


def after_commit(messages: list[OutboxMessage], records: list[EventRecord]) -> None:
    for listener in hooks.after_commit:
        try:
            listener(messages, records)
        except Exception:  # noqa: BLE001 - the commit happened; the reconciler and the API cover what a listener missed
            logger.exception("after-commit listener %s failed", getattr(listener, "__name__", listener))


@contextmanager
def unit_of_work(run_id):
    """Open a transaction, lock the run, and save what the block collected when it ends without error."""
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run_id)
        unit = Unit(run)
        yield unit
        unit.save()

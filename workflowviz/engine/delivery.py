"""The one RQ job: deliver an outbox message to the service it is addressed to."""

from django.db import close_old_connections

from . import choreography, commands, coordinator
from .models import OutboxMessage, Run
from .outbox import unit_of_work
from .vocabulary import MessageKind, RecordKind

HANDLERS = {
    MessageKind.COMMAND: commands.on_command,
    MessageKind.REPLY: coordinator.on_reply,
    MessageKind.EVENT: choreography.on_event,
    MessageKind.COMPENSATE: commands.on_compensate,
}


def deliver(message_id: str) -> str:
    """Load the message by id and hand it to its pattern's handler; a processed message is skipped."""
    close_old_connections()
    message = OutboxMessage.objects.select_related("run").filter(pk=message_id).first()
    if message is None:
        return "unknown"
    if message.processed_at is not None:
        duplicate_record(message)
        return "duplicate"
    return HANDLERS[message.kind](message)


def duplicate_record(message: OutboxMessage) -> None:
    """Show on the timeline that a message arrived again and was ignored (it has one effect)."""
    if not Run.objects.filter(pk=message.run_id).exists():
        return  # the run was deleted meanwhile
    with unit_of_work(message.run_id) as unit:
        unit.record(
            service=message.target_service,
            kind=RecordKind.MESSAGE_DUPLICATE,
            step_id=message.step_id,
            message=message,
            payload={"kind": message.kind, "from": message.source_service, "ignored": True},
        )

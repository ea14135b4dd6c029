"""The one RQ job: deliver an outbox message to the service it is addressed to."""

from django.db import close_old_connections

from . import choreography, orchestration
from .models import MessageKind, OutboxMessage

HANDLERS = {
    MessageKind.COMMAND: orchestration.on_command,
    MessageKind.REPLY: orchestration.on_reply,
    MessageKind.EVENT: choreography.on_event,
}


def deliver(message_id: str) -> str:
    """Load the message by id and hand it to its pattern's handler; a processed message is skipped."""
    close_old_connections()
    message = OutboxMessage.objects.select_related("run").filter(pk=message_id).first()
    if message is None:
        return "unknown"
    if message.processed_at is not None:
        return "duplicate"
    return HANDLERS[message.kind](message)

"""Notifications' message handlers: one per command it accepts, returning the event it publishes."""

from workflowviz.contracts import OrderConfirmationSent, SendOrderConfirmation, SendShippedEmail, ShippedEmailSent

from .services import order_confirmation_send, shipped_email_send


def handle_send_order_confirmation(command: SendOrderConfirmation) -> OrderConfirmationSent:
    email = order_confirmation_send(**command.to_data())
    return OrderConfirmationSent(order_id=command.order_id, confirmation_email_id=email.pk)


def handle_send_shipped_email(command: SendShippedEmail) -> ShippedEmailSent:
    email = shipped_email_send(**command.to_data())
    return ShippedEmailSent(order_id=command.order_id, shipped_email_id=email.pk)

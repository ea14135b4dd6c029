"""Notifications' message handlers: one per command it accepts, returning the event it publishes."""

from workflowviz.contracts import (
    BackorderNoticeSent,
    LoginCodeSent,
    LoginCodeVerified,
    OrderCancellationSent,
    OrderConfirmationSent,
    RecommendationsSent,
    SendBackorderNotice,
    SendLoginCode,
    SendOrderCancellation,
    SendOrderConfirmation,
    SendRecommendations,
    SendShippedEmail,
    ShippedEmailSent,
    VerifyLoginCode,
)

from .services import (
    backorder_notice_send,
    login_code_send,
    login_code_verify,
    order_cancellation_send,
    order_confirmation_send,
    recommendations_send,
    shipped_email_send,
)


def handle_send_order_confirmation(command: SendOrderConfirmation) -> OrderConfirmationSent:
    email = order_confirmation_send(**command.to_data())
    return OrderConfirmationSent(order_id=command.order_id, confirmation_email_id=email.pk)


def handle_send_shipped_email(command: SendShippedEmail) -> ShippedEmailSent:
    email = shipped_email_send(**command.to_data())
    return ShippedEmailSent(order_id=command.order_id, shipped_email_id=email.pk)


def handle_send_order_cancellation(command: SendOrderCancellation) -> OrderCancellationSent:
    email = order_cancellation_send(**command.to_data())
    return OrderCancellationSent(order_id=command.order_id, cancellation_email_id=email.pk)


def handle_send_recommendations(command: SendRecommendations) -> RecommendationsSent:
    email = recommendations_send(**command.to_data())
    return RecommendationsSent(order_id=command.order_id, recommendations_email_id=email.pk)


def handle_send_login_code(command: SendLoginCode) -> LoginCodeSent:
    code = login_code_send(login_id=command.login_id, email=command.email)
    return LoginCodeSent(login_id=command.login_id, login_code_id=code.pk, expires_at=code.expires_at.isoformat())


def handle_verify_login_code(command: VerifyLoginCode) -> LoginCodeVerified:
    code = login_code_verify(login_id=command.login_id, entered_code=command.entered_code)
    return LoginCodeVerified(login_id=command.login_id, login_code_id=code.pk)


def handle_send_backorder_notice(command: SendBackorderNotice) -> BackorderNoticeSent:
    email = backorder_notice_send(**command.to_data())
    return BackorderNoticeSent(order_id=command.order_id, backorder_email_id=email.pk)

"""Rewards' message handlers: one per command it accepts, returning the event it publishes."""

from workflowviz.contracts import AwardOrderPoints, PointsAwarded, PointsQuoted, QuotePoints

from .services import points_award, points_quote


def handle_award_order_points(command: AwardOrderPoints) -> PointsAwarded:
    entry = points_award(**command.to_data())
    return PointsAwarded(order_id=command.order_id, points_entry_id=entry.pk)


def handle_quote_points(command: QuotePoints) -> PointsQuoted:
    points, balance = points_quote(customer_email=command.customer_email, total=command.total)
    return PointsQuoted(order_id=command.order_id, points_quote=points, points_balance=balance)

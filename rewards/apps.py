from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = "Rewards"

    def ready(self):
        from workflowviz import contracts
        from workflowviz.engine.business import business_state_register
        from workflowviz.engine.registry import action_register, service_register

        from . import handlers
        from .selectors import rewards_business_state

        service_register(name="rewards", label="Rewards", colour="#17a2b8", records_url="/admin/rewards/pointsentry/")
        action_register(
            service="rewards",
            name="award_order_points",
            command=contracts.AwardOrderPoints,
            event=contracts.PointsAwarded,
            handler=handlers.handle_award_order_points,
            description="Credit the buyer's loyalty account with points for the order (one per whole unit spent).",
        )
        action_register(
            service="rewards",
            name="quote_points",
            command=contracts.QuotePoints,
            event=contracts.PointsQuoted,
            handler=handlers.handle_quote_points,
            description="Tell how many points the order earns and the buyer's balance, without awarding them.",
        )
        business_state_register(name="rewards", state=rewards_business_state)

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from workflowviz import contracts
        from workflowviz.engine.business import business_state_register
        from workflowviz.engine.registry import action_register, service_register, trigger_register

        from . import handlers
        from .selectors import notifications_business_state

        # Notifications owns sign-in codes: a login run starts with its LoginRequested.
        trigger_register(contract=contracts.LoginRequested, service="notifications")
        service_register(
            name="notifications",
            label="Notifications",
            colour="#23915a",
            records_url="/admin/notifications/email/",
        )
        action_register(
            service="notifications",
            name="send_order_confirmation",
            command=contracts.SendOrderConfirmation,
            event=contracts.OrderConfirmationSent,
            handler=handlers.handle_send_order_confirmation,
            description="Email the buyer that the order is confirmed.",
            compensation="notifications.send_order_cancellation",
        )
        action_register(
            service="notifications",
            name="send_order_cancellation",
            command=contracts.SendOrderCancellation,
            event=contracts.OrderCancellationSent,
            handler=handlers.handle_send_order_cancellation,
            description="Email the buyer that the order was cancelled (undoes the confirmation).",
        )
        action_register(
            service="notifications",
            name="send_backorder_notice",
            command=contracts.SendBackorderNotice,
            event=contracts.BackorderNoticeSent,
            handler=handlers.handle_send_backorder_notice,
            description="Email the buyer that the seller is short and the order is on backorder.",
        )
        action_register(
            service="notifications",
            name="send_shipped_email",
            command=contracts.SendShippedEmail,
            event=contracts.ShippedEmailSent,
            handler=handlers.handle_send_shipped_email,
            description="Email the buyer the tracking number.",
        )
        action_register(
            service="notifications",
            name="send_recommendations",
            command=contracts.SendRecommendations,
            event=contracts.RecommendationsSent,
            handler=handlers.handle_send_recommendations,
            description="Email the buyer suggestions, the delivery estimate and the points the order earns.",
        )
        action_register(
            service="notifications",
            name="send_login_code",
            command=contracts.SendLoginCode,
            event=contracts.LoginCodeSent,
            handler=handlers.handle_send_login_code,
            description="Email a one-time sign-in code (only its digest is kept).",
        )
        action_register(
            service="notifications",
            name="verify_login_code",
            command=contracts.VerifyLoginCode,
            event=contracts.LoginCodeVerified,
            handler=handlers.handle_verify_login_code,
            description="Check the code the user entered; fails (and is retried by its policy) until one is entered.",
        )
        business_state_register(name="notifications", state=notifications_business_state)

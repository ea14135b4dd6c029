from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from workflowviz import contracts
        from workflowviz.engine.registry import action_register

        from . import handlers

        action_register(
            service="notifications",
            name="send_order_confirmation",
            command=contracts.SendOrderConfirmation,
            event=contracts.OrderConfirmationSent,
            handler=handlers.handle_send_order_confirmation,
            description="Email the buyer that the order is confirmed.",
        )
        action_register(
            service="notifications",
            name="send_shipped_email",
            command=contracts.SendShippedEmail,
            event=contracts.ShippedEmailSent,
            handler=handlers.handle_send_shipped_email,
            description="Email the buyer the tracking number.",
        )

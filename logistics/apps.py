from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = "Logistics"

    def ready(self):
        from workflowviz import contracts
        from workflowviz.engine.registry import action_register

        from . import handlers

        action_register(
            service="logistics",
            name="assign_delivery_partner",
            command=contracts.AssignDeliveryPartner,
            event=contracts.DeliveryPartnerAssigned,
            handler=handlers.handle_assign_delivery_partner,
            description="Assign a delivery partner by region, load and capacity; create the shipment.",
        )

from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "sellers"
    verbose_name = "Sellers"

    def ready(self):
        from workflowviz import contracts
        from workflowviz.engine.registry import action_register

        from . import handlers

        action_register(
            service="sellers",
            name="prepare_shipment",
            command=contracts.PrepareShipment,
            event=contracts.ShipmentPreparationRequested,
            handler=handlers.handle_prepare_shipment,
            description="Tell the seller to prepare the shipment.",
        )

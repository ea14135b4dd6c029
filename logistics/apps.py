from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = "Logistics"

    def ready(self):
        from workflowviz import contracts
        from workflowviz.engine.business import business_state_register
        from workflowviz.engine.registry import action_register, service_register

        from . import handlers
        from .selectors import logistics_business_state

        service_register(
            name="logistics", label="Logistics", colour="#c77c02", records_url="/admin/logistics/shipment/"
        )
        action_register(
            service="logistics",
            name="assign_delivery_partner",
            command=contracts.AssignDeliveryPartner,
            event=contracts.DeliveryPartnerAssigned,
            handler=handlers.handle_assign_delivery_partner,
            description="Assign a delivery partner by region, load and capacity; create the shipment.",
            compensation="logistics.cancel_shipment",
        )
        action_register(
            service="logistics",
            name="cancel_shipment",
            command=contracts.CancelShipment,
            event=contracts.ShipmentCancelled,
            handler=handlers.handle_cancel_shipment,
            description="Cancel the shipment and free the partner's capacity.",
        )
        action_register(
            service="logistics",
            name="estimate_delivery",
            command=contracts.EstimateDelivery,
            event=contracts.DeliveryEstimated,
            handler=handlers.handle_estimate_delivery,
            description="Estimate the days to deliver in the region from the partners' spare capacity.",
        )
        business_state_register(name="logistics", state=logistics_business_state)

from django.apps import AppConfig


class SellersConfig(AppConfig):
    name = "sellers"
    verbose_name = "Sellers"

    def ready(self):
        from workflowviz import contracts
        from workflowviz.engine.registry import action_register, service_register

        from . import handlers

        service_register(name="sellers", label="Sellers", colour="#8a55d0", records_url="/admin/sellers/sellertask/")
        action_register(
            service="sellers",
            name="prepare_shipment",
            command=contracts.PrepareShipment,
            event=contracts.ShipmentPreparationRequested,
            handler=handlers.handle_prepare_shipment,
            description="Tell the seller to prepare the shipment.",
            compensation="sellers.cancel_shipment_preparation",
        )
        action_register(
            service="sellers",
            name="cancel_shipment_preparation",
            command=contracts.CancelShipmentPreparation,
            event=contracts.ShipmentPreparationCancelled,
            handler=handlers.handle_cancel_shipment_preparation,
            description="Tell the seller to stop preparing the shipment.",
        )
        action_register(
            service="sellers",
            name="reserve_stock",
            command=contracts.ReserveStock,
            outcomes=(contracts.StockReserved, contracts.StockShort),
            handler=handlers.handle_reserve_stock,
            description="The seller decides: set the units aside (in stock), or short (the order is backordered).",
            compensation="sellers.release_stock",
        )
        action_register(
            service="sellers",
            name="release_stock",
            command=contracts.ReleaseStock,
            event=contracts.StockReleased,
            handler=handlers.handle_release_stock,
            description="Put an undone order's units back on the shelf.",
        )
        action_register(
            service="sellers",
            name="suggest_products",
            command=contracts.SuggestProducts,
            event=contracts.ProductsSuggested,
            handler=handlers.handle_suggest_products,
            description="Suggest other products of the same seller, the most often ordered first.",
        )

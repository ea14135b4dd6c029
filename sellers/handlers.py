from workflowviz.contracts import (
    CancelShipmentPreparation,
    PrepareShipment,
    ProductsSuggested,
    ShipmentPreparationCancelled,
    ShipmentPreparationRequested,
    SuggestProducts,
)

from .services import products_suggest, shipment_preparation_cancel, shipment_preparation_request


def handle_prepare_shipment(command: PrepareShipment) -> ShipmentPreparationRequested:
    task = shipment_preparation_request(**command.to_data())
    return ShipmentPreparationRequested(order_id=command.order_id, seller_task_id=task.pk)


def handle_cancel_shipment_preparation(command: CancelShipmentPreparation) -> ShipmentPreparationCancelled:
    task = shipment_preparation_cancel(order_id=command.order_id)
    return ShipmentPreparationCancelled(order_id=command.order_id, seller_task_id=task.pk if task else None)


def handle_suggest_products(command: SuggestProducts) -> ProductsSuggested:
    skus = products_suggest(seller_code=command.seller_code, sku=command.sku)
    return ProductsSuggested(order_id=command.order_id, suggested_skus=skus)

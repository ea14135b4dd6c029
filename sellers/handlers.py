from workflowviz.contracts import (
    CancelShipmentPreparation,
    PrepareShipment,
    ProductsSuggested,
    ReleaseStock,
    ReserveStock,
    ShipmentPreparationCancelled,
    ShipmentPreparationRequested,
    StockReleased,
    StockReserved,
    StockShort,
    SuggestProducts,
)

from .services import (
    products_suggest,
    shipment_preparation_cancel,
    shipment_preparation_request,
    stock_release,
    stock_reserve,
)


def handle_prepare_shipment(command: PrepareShipment) -> ShipmentPreparationRequested:
    task = shipment_preparation_request(**command.to_data())
    return ShipmentPreparationRequested(order_id=command.order_id, seller_task_id=task.pk)


def handle_cancel_shipment_preparation(command: CancelShipmentPreparation) -> ShipmentPreparationCancelled:
    task = shipment_preparation_cancel(order_id=command.order_id)
    return ShipmentPreparationCancelled(order_id=command.order_id, seller_task_id=task.pk if task else None)


def handle_suggest_products(command: SuggestProducts) -> ProductsSuggested:
    skus = products_suggest(seller_code=command.seller_code, sku=command.sku)
    return ProductsSuggested(order_id=command.order_id, suggested_skus=skus)


def handle_reserve_stock(command: ReserveStock) -> StockReserved | StockShort:
    """The seller decides: in stock (reserved), or short by some units (a backorder)."""
    reserved = stock_reserve(**command.to_data())
    if isinstance(reserved, int):
        return StockShort(order_id=command.order_id, short_by=reserved)
    return StockReserved(order_id=command.order_id, stock_reservation_id=reserved.pk)


def handle_release_stock(command: ReleaseStock) -> StockReleased:
    reservation = stock_release(order_id=command.order_id)
    return StockReleased(order_id=command.order_id, stock_reservation_id=reservation.pk if reservation else None)

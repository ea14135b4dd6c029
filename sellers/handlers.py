from workflowviz.contracts import PrepareShipment, ShipmentPreparationRequested

from .services import shipment_preparation_request


def handle_prepare_shipment(command: PrepareShipment) -> ShipmentPreparationRequested:
    task = shipment_preparation_request(**command.to_data())
    return ShipmentPreparationRequested(order_id=command.order_id, seller_task_id=task.pk)

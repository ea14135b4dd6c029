from workflowviz.contracts import (
    AssignDeliveryPartner,
    CancelShipment,
    DeliveryEstimated,
    DeliveryPartnerAssigned,
    EstimateDelivery,
    ShipmentCancelled,
)

from .services import delivery_estimate, partner_assign, shipment_cancel


def handle_assign_delivery_partner(command: AssignDeliveryPartner) -> DeliveryPartnerAssigned:
    shipment = partner_assign(**command.to_data())
    return DeliveryPartnerAssigned(
        order_id=command.order_id,
        shipment_id=shipment.pk,
        partner_name=shipment.partner.name,
        tracking_number=shipment.tracking_number,
    )


def handle_cancel_shipment(command: CancelShipment) -> ShipmentCancelled:
    shipment = shipment_cancel(order_id=command.order_id)
    return ShipmentCancelled(order_id=command.order_id, shipment_id=shipment.pk if shipment else None)


def handle_estimate_delivery(command: EstimateDelivery) -> DeliveryEstimated:
    return DeliveryEstimated(order_id=command.order_id, delivery_days=delivery_estimate(region=command.region))

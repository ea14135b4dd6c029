from workflowviz.contracts import AssignDeliveryPartner, DeliveryPartnerAssigned

from .services import partner_assign


def handle_assign_delivery_partner(command: AssignDeliveryPartner) -> DeliveryPartnerAssigned:
    shipment = partner_assign(**command.to_data())
    return DeliveryPartnerAssigned(
        order_id=command.order_id,
        shipment_id=shipment.pk,
        partner_name=shipment.partner.name,
        tracking_number=shipment.tracking_number,
    )

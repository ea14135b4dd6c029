from django.dispatch import Signal

# Sent inside the transaction that placed the order; arguments: order, run, event (OrderPlaced).
order_placed = Signal()

from django.dispatch import Signal

# Sent inside the transaction that ends a run; arguments: run, status.
run_finished = Signal()

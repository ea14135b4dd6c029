from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self):
        from workflowviz.engine.signals import run_finished

        from . import handlers
        from .signals import order_placed

        order_placed.connect(handlers.on_order_placed, dispatch_uid="orders.start_run")
        run_finished.connect(handlers.on_run_finished, dispatch_uid="orders.follow_run")

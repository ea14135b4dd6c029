from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Orders"

    def ready(self):
        from workflowviz.contracts import OrderPlaced
        from workflowviz.engine.business import business_state_register
        from workflowviz.engine.registry import service_register, trigger_register
        from workflowviz.engine.signals import run_finished

        from . import handlers
        from .selectors import orders_business_state
        from .signals import order_placed

        service_register(name="orders", label="Orders", colour="#2f6fd6", records_url="/admin/orders/order/")
        trigger_register(contract=OrderPlaced, service="orders")
        business_state_register(name="orders", state=orders_business_state)
        order_placed.connect(handlers.on_order_placed, dispatch_uid="orders.start_run")
        run_finished.connect(handlers.on_run_finished, dispatch_uid="orders.follow_run")

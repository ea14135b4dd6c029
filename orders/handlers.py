"""Orders' reactions to signals: start the run of a placed order, and follow its outcome."""

from workflowviz.engine.runs import run_begin

from .services import order_follow_run


def on_order_placed(sender, *, order, run, event, **kwargs):
    # Orders publishes OrderPlaced (choreography) or lets its coordinator send the first commands
    # (orchestration); it never names the services that react.
    run_begin(run=run, trigger=event.name(), data=event.to_data())


def on_run_finished(sender, *, run, status, **kwargs):
    if run.order_id is not None:
        order_follow_run(order_id=run.order_id, run_status=status)

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from workflowviz.engine.orchestration import commands_time_out
from workflowviz.engine.reconciler import reconcile_once
from workflowviz.metrics.sampling import QueueSampler


class Command(BaseCommand):
    help = (
        "Every second: send again the outbox messages that no queue holds any more, and time out "
        "the orchestration commands that waited longer than their step's timeout; every 2 s, take a "
        "sample of every service queue for the metrics page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Reconcile once and exit.")

    def handle(self, *args, once=False, **options):
        self.stdout.write(f"reconciler: checking every {settings.RECONCILE_INTERVAL}s")
        # One reconciler per system, and it loops anyway: the natural place to sample the queues.
        sampler = QueueSampler()
        while True:
            close_old_connections()
            try:
                reconcile_once()
                commands_time_out()
                sampler.tick()
            except DatabaseError as error:
                self.stderr.write(f"reconciler: database unavailable ({error})")
            if once:
                return
            time.sleep(settings.RECONCILE_INTERVAL)

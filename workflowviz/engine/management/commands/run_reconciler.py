import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from workflowviz.engine.hooks import hooks
from workflowviz.engine.reconciler import reconcile_once
from workflowviz.engine.retention import HourlyRetention
from workflowviz.engine.timeouts import commands_time_out


class Command(BaseCommand):
    help = (
        "Every second: send again the outbox messages that no queue holds any more, time out the "
        "orchestration commands that waited longer than their step's timeout, and run the periodic "
        "tasks plugged in at start-up (queue samples for the metrics page); once an hour, when RUN_RETENTION is "
        "set, delete the finished runs older than it, one small batch per turn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Reconcile once and exit.")

    def handle(self, *args, once=False, **options):
        self.stdout.write(f"reconciler: checking every {settings.RECONCILE_INTERVAL}s")
        retention = HourlyRetention()
        while True:
            close_old_connections()
            try:
                reconcile_once()
                commands_time_out()
                for task in hooks.periodic:
                    task()
                retention.tick()
            except DatabaseError as error:
                self.stderr.write(f"reconciler: database unavailable ({error})")
            if once:
                return
            time.sleep(settings.RECONCILE_INTERVAL)

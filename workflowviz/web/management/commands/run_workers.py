import time

from django.core.management.base import BaseCommand

from workflowviz.processes import ProcessGroup, stop_signals_handle
from workflowviz.web.supervisor import WorkerSupervisor


class Command(BaseCommand):
    help = (
        "Keep one worker running per service: started, started again when it dies, started within seconds "
        "for a service declared in the browser, stopped for one deleted. SIGTERM or Ctrl-C stops them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--declared", action="store_true", help="Only the services declared in the browser.")
        parser.add_argument("--workers-per-queue", type=int, default=1)

    def handle(self, *args, declared=False, workers_per_queue=1, **options):
        stopping = []
        stop_signals_handle(lambda: stopping.append(True))  # before the first worker starts
        group = ProcessGroup()
        supervisor = WorkerSupervisor(group, declared_only=declared, workers_per_queue=workers_per_queue)
        try:
            while not stopping:
                for change in supervisor.tick():
                    self.stderr.write(change)
                time.sleep(0.3)
        finally:
            group.stop()

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from workflowviz.engine.queues import redis_connection, service_queue
from workflowviz.engine.registry import service_names

SERVICE_WORKER = "workflowviz.engine.worker.ServiceWorker"


class Command(BaseCommand):
    help = "Consume one service's queue (a coded service or one declared in the browser)."

    def add_arguments(self, parser):
        parser.add_argument("service")
        parser.add_argument("--name", default=None, help="The worker's name in RQ (default: RQ's own).")
        parser.add_argument(
            "--worker-class", default=SERVICE_WORKER, help="Another RQ worker class (the benchmark's baselines)."
        )

    def handle(self, *args, service, name=None, worker_class=SERVICE_WORKER, **options):
        if service not in service_names():
            raise CommandError(f"no service '{service}' (known: {', '.join(service_names())})")
        queue = service_queue(service)
        worker_type = import_string(worker_class)
        worker = worker_type([queue], connection=redis_connection(), serializer=queue.serializer, name=name)
        worker.work(with_scheduler=False, logging_level="WARNING")

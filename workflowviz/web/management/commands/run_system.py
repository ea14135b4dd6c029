import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from workflowviz.processes import (
    ProcessGroup,
    port_answers,
    redis_start,
    redis_url_port,
    stop_signals_handle,
    system_argvs,
)
from workflowviz.web.supervisor import WorkerSupervisor


class Command(BaseCommand):
    help = (
        "Start Redis (if needed), daphne, the reconciler and one worker per service queue, a declared service's "
        "within seconds of its declaration; Ctrl-C (or SIGTERM) stops all."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers-per-queue", type=int, default=int(os.environ.get("WORKERS_PER_QUEUE", "1")))

    def handle(self, *args, port, host, workers_per_queue, **options):
        stopping = []
        # Before the first child: each must start with the signals' default dispositions (see there).
        stop_signals_handle(lambda: stopping.append(True))
        group = ProcessGroup()
        try:
            self.run(group, port=port, host=host, workers_per_queue=workers_per_queue, stopping=stopping)
        finally:  # whatever ended it (a signal, a child that exited, an error): no child outlives us
            self.stdout.write("Stopping workflowviz…")
            group.stop()
            self.stdout.write("Stopped.")

    def run(self, group: ProcessGroup, *, port, host, workers_per_queue, stopping: list) -> None:
        redis_host, redis_port = redis_url_port(settings.REDIS_URL)
        if not port_answers(redis_host, redis_port):
            if "REDIS_URL" in os.environ:
                self.stderr.write(f"Nothing answers at REDIS_URL={settings.REDIS_URL}.")
                raise SystemExit(1)
            self.stdout.write(f"Starting the embedded redis-server on 127.0.0.1:{redis_port}")
            group.processes["redis"] = redis_start(redis_port, settings.VAR_DIR / "redis")
        for name, argv in system_argvs(queues=[], port=port, host=host).items():
            group.start(name, argv)
        supervisor = WorkerSupervisor(group, workers_per_queue=workers_per_queue)
        self.stdout.write(
            f"workflowviz is starting on http://{host}:{port}/ "
            f"({workers_per_queue} worker(s) per queue, Redis {settings.REDIS_URL}). Ctrl-C stops everything."
        )
        while not stopping:
            # Workers and the reconciler that die (killed, Redis lost) are started again (up to a bound),
            # and a service declared meanwhile gets its worker: messages wait in the outbox and the queues.
            for change in supervisor.tick():
                self.stderr.write(change)
            dead = {name: code for name, code in group.dead().items() if supervisor.fatal(name)}
            if dead:
                self.stderr.write(f"Stopping: process(es) exited: {dead}")
                return
            time.sleep(0.5)

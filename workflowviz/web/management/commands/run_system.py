import os
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from workflowviz.processes import ProcessGroup, port_answers, redis_start, redis_url_port, system_argvs


class Command(BaseCommand):
    help = "Start Redis (if needed), daphne, one worker per service queue and the reconciler; Ctrl-C stops all."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers-per-queue", type=int, default=int(os.environ.get("WORKERS_PER_QUEUE", "1")))

    def handle(self, *args, port, host, workers_per_queue, **options):
        group = ProcessGroup()
        redis_host, redis_port = redis_url_port(settings.REDIS_URL)
        if not port_answers(redis_host, redis_port):
            if "REDIS_URL" in os.environ:
                self.stderr.write(f"Nothing answers at REDIS_URL={settings.REDIS_URL}.")
                raise SystemExit(1)
            self.stdout.write(f"Starting the embedded redis-server on 127.0.0.1:{redis_port}")
            group.processes["redis"] = redis_start(redis_port, settings.VAR_DIR / "redis")
        for name, argv in system_argvs(port=port, host=host, workers_per_queue=workers_per_queue).items():
            group.start(name, argv)
        self.stdout.write(
            f"workflowviz is starting on http://{host}:{port}/ "
            f"({workers_per_queue} worker(s) per queue, Redis {settings.REDIS_URL}). Ctrl-C stops everything."
        )
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
        try:
            while not stopping:
                # A worker or the reconciler that dies (killed, Redis lost) is started again;
                # nothing is lost meanwhile because messages wait in the outbox and the queues.
                for name in group.restart_dead():
                    self.stderr.write(f"{name} exited; started it again")
                dead = group.dead()
                if dead:
                    self.stderr.write(f"Stopping: process(es) exited: {dead}")
                    break
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        self.stdout.write("Stopping workflowviz…")
        group.stop()
        self.stdout.write("Stopped.")

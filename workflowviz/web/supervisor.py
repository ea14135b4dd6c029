"""Keeping one worker per service running: coded services from the start, declared ones within a second
or two of being declared, and none for a service that was deleted. `run_system` and `run_workers` use it."""

import time

from django.db import close_old_connections

from workflowviz.engine.registry import coded_service_names, service_names
from workflowviz.processes import ProcessGroup, worker_argv

CHECK_SECONDS = 1.0
# A service must be gone this long before its worker is stopped: a moment without it (a database
# flushed and filled again, a read that failed) must not stop and restart workers.
STOP_AFTER_SECONDS = 10.0


def worker_name(service: str, index: int = 0) -> str:
    return f"worker-{service}-{index}"


class WorkerSupervisor:
    """Starts the workers that are missing, again those that died, and stops those of deleted services."""

    def __init__(self, group: ProcessGroup, *, declared_only: bool = False, workers_per_queue: int = 1):
        self.group = group
        self.declared_only = declared_only
        self.per_queue = workers_per_queue
        self.next_check = 0.0
        self.missing_since: dict[str, float] = {}

    def wanted(self) -> list[str]:
        names = service_names()
        if self.declared_only:
            coded = set(coded_service_names())
            names = [name for name in names if name not in coded]
        return names

    def tick(self) -> list[str]:
        """Bring the workers in line with the registry (at most every CHECK_SECONDS); what changed."""
        changed = [f"{name} restarted" for name in self.group.restart_dead(prefixes=("worker-", "reconciler"))]
        now = time.monotonic()
        if now < self.next_check:
            return changed
        self.next_check = now + CHECK_SECONDS
        close_old_connections()
        wanted = self.wanted()
        for service in wanted:
            for index in range(self.per_queue):
                name = worker_name(service, index)
                if name not in self.group.processes:
                    self.group.start(name, worker_argv(service))
                    changed.append(f"{name} started")
        for name in [name for name in self.group.processes if name.startswith("worker-")]:
            service = name.removeprefix("worker-").rsplit("-", 1)[0]
            if service in wanted:
                self.missing_since.pop(service, None)
            elif now - self.missing_since.setdefault(service, now) >= STOP_AFTER_SECONDS:
                self.group.stop_one(name)
                changed.append(f"{name} stopped (service deleted)")
        return changed

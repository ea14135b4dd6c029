"""Keeping one worker per service running: coded services from the start, declared ones within a second
or two of being declared, and none for a service that was deleted. `run_system` and `run_workers` use it.

A worker (or the reconciler) that dies is started again, but not for ever: one that died RESTART_LIMIT
times within RESTART_WINDOW_SECONDS is given up, said once, and shown on the health strip."""

import signal
import time
from collections import deque

from django.conf import settings
from django.db import close_old_connections
from redis.exceptions import RedisError

from workflowviz.engine.queues import worker_given_up_clear, worker_given_up_set
from workflowviz.engine.registry import coded_service_names, service_names
from workflowviz.processes import ProcessGroup, port_answers, redis_url_port, worker_argv

CHECK_SECONDS = 1.0
# A service must be gone this long before its worker is stopped: a moment without it (a database
# flushed and filled again, a read that failed) must not stop and restart workers.
STOP_AFTER_SECONDS = 10.0
RESTART_LIMIT = 5
RESTART_WINDOW_SECONDS = 60.0
SUPERVISED = ("worker-", "reconciler")


def worker_name(service: str, index: int = 0) -> str:
    return f"worker-{service}-{index}"


def worker_service(name: str) -> str:
    return name.removeprefix("worker-").rsplit("-", 1)[0]


def exit_described(code: int) -> str:
    """`exit code 3`, `killed by SIGKILL` (a negative return code is the signal that ended the process)."""
    if code >= 0:
        return f"exit code {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"


def redis_answers() -> bool:
    return port_answers(*redis_url_port(settings.REDIS_URL))


class WorkerSupervisor:
    """Starts the workers that are missing, again those that died, and stops those of deleted services."""

    def __init__(self, group: ProcessGroup, *, declared_only: bool = False, workers_per_queue: int = 1):
        self.group = group
        self.declared_only = declared_only
        self.per_queue = workers_per_queue
        self.next_check = 0.0
        self.missing_since: dict[str, float] = {}
        self.deaths: dict[str, deque[float]] = {}
        self.given_up: set[str] = set()

    def wanted(self) -> list[str]:
        names = service_names()
        if self.declared_only:
            coded = set(coded_service_names())
            names = [name for name in names if name not in coded]
        return names

    def restart_dead(self) -> list[str]:
        """Start again the workers and the reconciler that died, unless one died too often; what changed."""
        dead = {name: code for name, code in self.group.dead().items() if name.startswith(SUPERVISED)}
        dead = {name: code for name, code in dead.items() if name not in self.given_up}
        if not dead or not redis_answers():
            return []  # without Redis every worker dies: they start again once it is back (one death each)
        now = time.monotonic()
        changed = []
        for name, code in dead.items():
            deaths = self.deaths.setdefault(name, deque(maxlen=RESTART_LIMIT))
            deaths.append(now)
            if len(deaths) == RESTART_LIMIT and now - deaths[0] <= RESTART_WINDOW_SECONDS:
                changed.append(self.give_up(name, code))
            else:
                self.group.restart(name)
                changed.append(f"{name} restarted ({exit_described(code)})")
        return changed

    def fatal(self, name: str) -> bool:
        """Whether the death of process `name` ends the system: daphne's, Redis's, a given-up reconciler's
        (a worker given up leaves the others serving; the reconciler waits for Redis like the workers)."""
        return not name.startswith(SUPERVISED) or (name == "reconciler" and name in self.given_up)

    def give_up(self, name: str, code: int) -> str:
        """Stop restarting `name` (it stays in the group, dead) and say so where the health strip reads it."""
        self.given_up.add(name)
        reason = (
            f"{name} died {RESTART_LIMIT} times within {RESTART_WINDOW_SECONDS:.0f} s (last: {exit_described(code)}); "
            "no longer restarted (its output in the log says why; restart the system once that is fixed)"
        )
        if name.startswith("worker-"):
            try:
                worker_given_up_set(service=worker_service(name), reason=reason)
            except RedisError:
                pass  # the log line says it all the same
        return f"Given up: {reason}"

    def start(self, name: str, service: str) -> None:
        try:
            worker_given_up_clear(service=service)  # given up by an earlier supervisor, if any
        except RedisError:
            pass  # the worker will meet the same Redis; its death is counted then
        self.group.start(name, worker_argv(service))

    def tick(self) -> list[str]:
        """Bring the workers in line with the registry (at most every CHECK_SECONDS); what changed."""
        changed = self.restart_dead()
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
                    self.start(name, service)
                    changed.append(f"{name} started")
        for name in [name for name in self.group.processes if name.startswith("worker-")]:
            service = worker_service(name)
            if service in wanted:
                self.missing_since.pop(service, None)
            elif now - self.missing_since.setdefault(service, now) >= STOP_AFTER_SECONDS:
                self.group.stop_one(name)
                self.given_up.discard(name)
                self.deaths.pop(name, None)
                changed.append(f"{name} stopped (service deleted)")
        return changed

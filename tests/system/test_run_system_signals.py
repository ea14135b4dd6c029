"""`make run` started in the background, as a user does (`make run &`), then stopped: by a Ctrl-C's SIGINT to
its process group, or by SIGTERM to `run_system`. Every child (daphne, the workers, the reconciler) stops
and none is restarted meanwhile; a worker that keeps dying is given up and shown on the health strip.

Each test starts its own `make run` on a free port, its own Redis and var dir, on the test database.
"""

import json
import os
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.conftest import database_url, wait_until
from workflowviz.api.tokens import token_issue
from workflowviz.processes import BASE_DIR, free_port, port_answers, redis_start
from workflowviz.roles import VIEWER
from workflowviz.web.supervisor import RESTART_LIMIT

pytestmark = [pytest.mark.system]


def processes() -> dict[int, tuple[int, int, str, str]]:
    """pid → (parent pid, session id, state, command line) of every live process, read from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            argv = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue  # ended meanwhile
        if fields[0] != "Z":  # a zombie has ended; only its parent's wait is missing
            found[int(entry.name)] = (int(fields[1]), int(fields[3]), fields[0], argv)
    return found


def descendants(pid: int) -> dict[int, str]:
    """The live processes below `pid`: pid → command line."""
    table = processes()
    below, parents = {}, {pid}
    while parents:
        parents = {child for child, (parent, *_rest) in table.items() if parent in parents}
        below.update({child: table[child][3] for child in parents})
    return below


def ignored_signals(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return int(line.split()[1], 16)
    raise AssertionError(f"no SigIgn for {pid}")


def summary(children: dict[int, str]) -> str:
    """`daphne, run_reconciler, run_worker cars, …`: what the children are."""
    names = ("daphne" if " daphne " in argv else argv.split("manage.py ")[-1].strip() for argv in children.values())
    return ", ".join(sorted(names))


class MakeRun:
    """`bash -c 'make run PORT=… &'`: bash exits at once, leaving make with SIGINT ignored, as in a script."""

    def __init__(self, tmp_path: Path):
        self.port = free_port()
        self.log = tmp_path / "make-run.log"
        redis_port = free_port()
        self.redis = redis_start(redis_port, tmp_path / "redis")
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "WORKFLOWVIZ_VAR_DIR": str(tmp_path),
            "PYTHONUNBUFFERED": "1",
        }
        # A session of its own stands for the user's terminal: bash, and make after it, lead its process group.
        launched = subprocess.run(
            ["bash", "-c", f"make run PORT={self.port} >{self.log} 2>&1 & echo $!"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            start_new_session=True,
        )
        self.make = int(launched.stdout.strip())
        self.pgid = os.getpgid(self.make)
        wait_until(self.serving, timeout=90, what=f"make run to serve on port {self.port}", every=0.2)
        [self.run_system] = [pid for pid, argv in descendants(self.make).items() if "run_system" in argv]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def serving(self) -> bool:
        assert processes().get(self.make), f"make run ended:\n{self.output()}"
        return port_answers("127.0.0.1", self.port)

    def workers(self) -> dict[int, str]:
        return {pid: argv for pid, argv in self.children().items() if " run_worker " in argv}

    def children(self) -> dict[int, str]:
        return descendants(self.run_system)

    def all_started(self) -> dict[int, str]:
        """The children once every service has its worker and daphne and the reconciler run."""
        children = self.children()
        argvs = " | ".join(children.values())
        wanted = [f"run_worker {service}" for service in settings.SERVICE_APPS] + ["run_reconciler", "daphne"]
        return children if all(name in argvs for name in wanted) else {}

    def stop_wait(self, before: dict[int, str]) -> None:
        """Wait until make, run_system and every child are gone and the port is free; no child started meanwhile."""
        started_meanwhile: dict[int, str] = {}

        def all_gone() -> bool:
            alive = set(processes())
            started_meanwhile.update({pid: argv for pid, argv in self.children().items() if pid not in before})
            return not alive & ({self.make, self.run_system} | set(before)) and not port_answers("127.0.0.1", self.port)

        wait_until(all_gone, timeout=20, what="every process of make run to stop", every=0.1)
        assert not started_meanwhile, f"started during the shutdown: {started_meanwhile}\n{self.output()}"
        assert "Stopped." in self.output()

    def cleanup(self) -> None:
        """After a failed test: nothing of ours stays behind."""
        for pid in [self.make, *descendants(self.make)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.redis.terminate()
        self.redis.wait(10)


def viewer():
    user = get_user_model().objects.create_user("watcher")
    user.groups.add(Group.objects.get_or_create(name=VIEWER)[0])  # a flush removes the migrated ones
    return user


@pytest.fixture
def make_run(transactional_db, tmp_path):
    started = MakeRun(tmp_path)
    yield started
    started.cleanup()


def test_make_run_in_the_background_stops_every_process_on_ctrl_c_without_restarting_any(make_run, report):
    children = wait_until(make_run.all_started, timeout=30, what="every child of run_system to start")
    sigint = 1 << (signal.SIGINT - 1)
    # The shell hands SIGINT down ignored to a background job: make and run_system got it so...
    assert ignored_signals(make_run.make) & sigint
    table = processes()
    for pid, argv in children.items():
        # ...but no child keeps it ignored (daphne would then ignore a Ctrl-C while the workers die of it)...
        assert not ignored_signals(pid) & sigint, f"SIGINT ignored by {argv}"
        # ...and none is in the terminal's process group: a Ctrl-C reaches run_system, which stops them.
        assert table[pid][1] == pid, f"not in a session of its own: {argv}"

    os.killpg(make_run.pgid, signal.SIGINT)  # what a Ctrl-C sends: to the whole process group

    make_run.stop_wait(children)
    assert "restarted" not in make_run.output()
    report(f"Ctrl-C: {summary(children)} stopped, port {make_run.port} free, none restarted")


def test_a_worker_that_keeps_dying_is_given_up_and_shown_as_down_then_sigterm_stops_everything(make_run, report):
    wait_until(make_run.all_started, timeout=30, what="every child of run_system to start")
    killed: list[int] = []

    def rewards_worker() -> int | None:
        return next((pid for pid, argv in make_run.workers().items() if "run_worker rewards" in argv), None)

    def new_rewards_worker() -> int | None:
        pid = rewards_worker()
        return pid if pid not in killed else None

    for _ in range(RESTART_LIMIT):  # each as soon as it is there: a worker that dies at once, again and again
        pid = wait_until(new_rewards_worker, timeout=15, what="a new rewards worker")
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)
    wait_until(lambda: "Given up: worker-rewards-0" in make_run.output(), timeout=10, what="the give-up log line")

    assert make_run.output().count("Given up:") == 1
    assert rewards_worker() is None
    request = urllib.request.Request(
        f"http://127.0.0.1:{make_run.port}/api/services",
        headers={"Authorization": f"Bearer {token_issue(user=viewer())}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        services = {service["service"]: service for service in json.load(response)["services"]}
    assert f"died {RESTART_LIMIT} times" in services["rewards"]["given_up"]
    assert services["sellers"]["given_up"] is None
    report(f"killed {RESTART_LIMIT} times: {services['rewards']['given_up']}")

    children = make_run.children()
    os.kill(make_run.run_system, signal.SIGTERM)
    make_run.stop_wait(children)
    # Over its whole life: restarted after each of the first deaths, never after it was given up.
    assert make_run.output().count("worker-rewards-0 restarted") == RESTART_LIMIT - 1
    report(f"SIGTERM to run_system: {summary(children)} stopped, port {make_run.port} free, none restarted")

import json
import re
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import Client, override_settings
from rq import Worker

from workflowviz.engine.faults import CACHE_SECONDS, service_down_set
from workflowviz.engine.models import FINAL_RUN_STATUSES, EventRecord, Run
from workflowviz.processes import ProcessGroup, free_port, manage, system_argvs, wait_for_port
from workflowviz.web.demo import demo_seed


def database_url() -> str:
    """A URL for the test database, so that worker processes use the same one as the tests."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _sql_flush_by_delete(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """PostgreSQL's flush between transactional tests, without TRUNCATE.

    TRUNCATE makes new files for every table and index (37 tables: 1.2 to 1.9 s per flush on a loaded
    2-core machine); DELETE of the few rows a test left takes 0.04 s. The same guarantees: the EXCLUSIVE
    lock waits for every transaction still writing (a worker's) and keeps new writes out until the flush
    commits, as TRUNCATE's lock does (reads go on), and the foreign keys Django makes are checked at commit.
    """
    if not tables or reset_sequences or allow_cascade:
        return _sql_flush_truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    names = [style.SQL_FIELD(self.quote_name(table)) for table in sorted(tables)]
    lock = f"{style.SQL_KEYWORD('LOCK TABLE')} {', '.join(names)} {style.SQL_KEYWORD('IN EXCLUSIVE MODE')};"
    return [lock, *(f"{style.SQL_KEYWORD('DELETE FROM')} {name};" for name in names)]


def _execute_sql_flush_retrying(self, sql_list):
    """The flush again when PostgreSQL chose it as a deadlock's victim: a worker still finishing a step holds
    a table the lock wants while it waits for one the lock took (the worker's transaction then goes on)."""
    for attempt in range(5):
        try:
            return _execute_sql_flush(self, sql_list)
        except OperationalError as error:
            if attempt == 4 or getattr(error.__cause__, "sqlstate", None) != "40P01":  # deadlock_detected
                raise


if connection.vendor == "postgresql":
    _sql_flush_truncate = type(connection.ops).sql_flush
    _execute_sql_flush = type(connection.ops).execute_sql_flush
    type(connection.ops).sql_flush = _sql_flush_by_delete
    type(connection.ops).execute_sql_flush = _execute_sql_flush_retrying


def wait_until(check, *, timeout: float, what: str, every: float = 0.05):
    """Poll `check` until it returns something true (returned) or `timeout` seconds passed (failed, naming `what`).

    Tests wait on a condition, never on a fixed sleep: as fast as the system is, as patient as the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(every)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Users made by the tests get a cheap hash (see tests/hashers.py); tests that set their own hashers win."""
    with override_settings(PASSWORD_HASHERS=["tests.hashers.FastPBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]):
        yield


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def redis_clean() -> None:
    """Delete every key but the workers' registrations: the running workers stay known (the health
    strip counts them, and a test can see a worker suspend itself)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        doomed = [key for key in client.scan_iter(count=1000) if not key.startswith((b"rq:workers", b"rq:worker:"))]
        for start in range(0, len(doomed), 1000):  # one round trip per thousand keys, not one per key
            client.delete(*doomed[start : start + 1000])
    finally:
        client.close()


@pytest.fixture(autouse=True)
def _clean_redis(request):
    """Every test starts with empty queues."""
    yield
    redis_clean()


def _workers_wait(group: ProcessGroup, timeout=120) -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)

    def registered() -> bool:
        assert not group.dead(), f"a process died at start: {group.dead()}"
        return len(Worker.all(connection=client)) >= len(settings.SERVICE_APPS)

    wait_until(registered, timeout=timeout, what="the workers to register", every=0.1)
    client.close()


def workers_suspended_wait(service: str, *, timeout: float = 10) -> None:
    """Wait until the workers of `service` have seen its "down" switch: they report themselves suspended.
    (Where Redis was restarted empty, their registrations are gone: then wait until the copy of the
    switches each worker caches has expired, after which no dequeue can miss the switch.)"""
    client = redis.Redis.from_url(settings.REDIS_URL)
    states = {}

    def suspended() -> bool:
        states.clear()  # read afresh each time: a Worker object keeps the state it was loaded with
        states.update((w.name, w.get_state()) for w in Worker.all(connection=client) if service in w.queue_names())
        return set(states.values()) == {"suspended"}

    try:
        if not suspended() and not states:
            time.sleep(CACHE_SECONDS * 2)  # nothing to poll: the caches' age is all there is to wait on
            return
        wait_until(suspended, timeout=timeout, what=f"the {service} workers to stop consuming")
    except AssertionError as error:
        raise AssertionError(f"{error}; their states: {states}") from None
    finally:
        client.close()


def mailbox_code(to: str) -> str | None:
    """The newest sign-in code emailed to `to`, read from the mailbox (the email backend's files): the
    Email records keep no code."""
    codes = []
    for path in sorted(Path(settings.EMAIL_FILE_PATH).glob("*.log")):
        text = path.read_text(errors="replace")
        for message in text.split("-" * 79):
            if f"To: {to}" in message:
                codes += re.findall(r"^Subject: Your sign-in code: (\d{6})$", message, re.MULTILINE)
    return codes[-1] if codes else None


# The real processes, once a test asked for them (the tests' Redis is their own: no other worker consumes it).
_system: dict = {"group": None}


@pytest.fixture(scope="session")
def system(django_db_setup, django_db_blocker):
    """The real processes: one SimpleWorker per service queue and the reconciler, on the test database."""
    group = _system["group"] = ProcessGroup(env={"DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"})
    for name, argv in system_argvs(queues=settings.SERVICE_APPS, port=None).items():
        group.start(name, argv)
    # The services declared in the browser get their workers from a supervisor, as under `make run`.
    group.start("workers-declared", manage("run_workers", "--declared"))
    _workers_wait(group)
    yield group
    group.stop()
    _system["group"] = None


@pytest.fixture(scope="session")
def web_url(system):
    """Daphne serving the app beside the workers; its base URL."""
    port = free_port()
    process = system.start("web", system_argvs(queues=settings.SERVICE_APPS, port=port)["web"])
    wait_for_port("127.0.0.1", port, process=process, what="daphne")
    yield f"http://127.0.0.1:{port}"


@pytest.fixture
def demo(transactional_db):
    demo_seed()


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("admin", "admin@localhost", "correct-horse-battery")


@pytest.fixture
def catalogue(db):
    """The demo catalogue, sellers and partners, inside the test's transaction (nothing is committed)."""
    demo_seed()


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, data=None):
        return self.client.get(path, data, headers=self.headers)

    def post(self, path, body, *, raw=False):
        data = body if raw else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def workers_paused():
    """For tests that drive the engine in-process: switch every service off so that workers a
    session may have started elsewhere (the `system` fixture) leave the queues alone."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for service in settings.SERVICE_APPS:
        service_down_set(client, service=service, down=True)
    if _system["group"] is not None:
        # A worker reads the switches through a cache; once it has expired, any dequeue sees "down"
        # and puts the job back. Waiting for every worker to say "suspended" would be correct too,
        # but takes up to a blocking dequeue's second per test.
        time.sleep(CACHE_SECONDS + 0.05)
    yield
    for service in settings.SERVICE_APPS:
        service_down_set(client, service=service, down=False)
    client.close()


@pytest.fixture
def report(request):
    """Write a line to the test output (for figures a test measured, such as crash-test counts)."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")

    def write(line: str) -> None:
        with capture.global_and_fixture_disabled():
            print(f"\n    {request.node.name}: {line}", flush=True)

    return write


def run_diagnosis(run_id) -> str:
    """Where a run stands: its steps, its unprocessed messages and its last records (for a failing test)."""
    from workflowviz.engine.models import OutboxMessage, StepState

    if run_id is None:
        return ""
    run = Run.objects.get(pk=run_id)
    lines = [f"run {run_id} {run.pattern} {run.status} done_steps={run.done_steps}"]
    lines += [f"  step {s.step_id} {s.status} attempts={s.attempts}" for s in StepState.objects.filter(run_id=run_id)]
    for m in OutboxMessage.objects.filter(run_id=run_id, processed_at__isnull=True):
        lines.append(f"  unprocessed {m.kind} {m.type} -> {m.target_service} step={m.step_id} resends={m.resends}")
    for e in run.events.order_by("-seq")[:8][::-1]:
        lines.append(f"  #{e.seq} {e.at.time()} {e.service} {e.kind} {e.step_id} {e.payload}"[:200])
    return "\n".join(lines)


def runs_under_way(run_ids, timeout=30) -> None:
    """Wait until the workers are busy with these runs: a first step of one of them is done."""
    wait_until(
        lambda: EventRecord.objects.filter(run_id__in=run_ids, kind="step.succeeded").exists(),
        timeout=timeout,
        what="a first step of the runs to be done",
    )


def runs_wait_final(run_ids, timeout=60, *, supervise: ProcessGroup | None = None) -> list[Run]:
    """Wait until every run reached a final status; fail with what is still running.

    With `supervise`, workers that died meanwhile are started again, as `run_system` does.
    """
    deadline = time.monotonic() + timeout
    while True:
        if supervise is not None:
            supervise.restart_dead()
        runs = list(Run.objects.filter(pk__in=run_ids))
        if len(runs) == len(set(run_ids)) and all(run.status in FINAL_RUN_STATUSES for run in runs):
            return runs
        if time.monotonic() > deadline:
            pending = [(str(run.id), run.status) for run in runs if run.status not in FINAL_RUN_STATUSES]
            raise AssertionError(
                f"runs not final after {timeout}s: {pending[:5]} ({len(pending)} in all)\n"
                + run_diagnosis(pending[0][0] if pending else None)
            )
        time.sleep(0.1)

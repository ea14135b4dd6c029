"""Event-to-websocket latency with M clients, against raw channel-layer group_send to M subscribers.

Ours: orders are placed at a steady rate while M websocket clients listen on /ws/runs/ (daphne).
The latency of a received batch is its arrival minus `committed_at`, the moment its transaction
committed (the broadcaster stamps it): the delay the channel layer, daphne and the socket add, as
raw group_send's figure is. Arrival minus the latest record's `at` (which adds the rest of the
transaction after that record was made) and minus each record's own `at` are reported too. A
record of the phase's runs that some client never got is a lost event.

Raw: M channels of one channels-redis layer in one process (as daphne holds them) subscribed to one
group; one sender process calls group_send at the rate ours broadcast, with batches of the same size.
Raw through daphne: the same sender to M websocket clients of a bare consumer under daphne
(`bench.raw_asgi`), the raw stack with the websocket hop our path also takes.
"""

import json
import subprocess
import sys
import time
from datetime import datetime

from bench.env import BASE_DIR
from bench.workflow import orders_place, runs_wait
from workflowviz.stats import percentiles


class Clients:
    """A `python -m bench.clients` process: started, waited for ("ready"), stopped, its log read."""

    def __init__(self, env, name: str, args: list[str]):
        self.out = env.root / f"{name}.json"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.clients", *args, "--out", str(self.out)],
            cwd=BASE_DIR,
            env={**env.env_os()},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(env.logs / f"{name}.log", "wb"),  # noqa: SIM115 - closed with the process
            text=True,
        )
        env.adopt(name, self.process)
        self.name = name
        self.env = env
        line = self.process.stdout.readline().strip()
        if line != "ready":
            self.process.kill()
            raise RuntimeError(f"{name}: clients did not connect ({line!r}); see {env.logs / (name + '.log')}")

    def stop(self, timeout: float = 60) -> list:
        self.process.stdin.write("stop\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline().strip()
        self.process.wait(timeout)
        self.env.forget(self.name)
        if line != "done":
            raise RuntimeError(f"{self.name}: clients failed ({line!r})")
        return json.loads(self.out.read_text())


def _events_in(message) -> list[dict]:
    """The event records in one websocket message, whatever its envelope."""
    if isinstance(message, list):
        return [event for item in message for event in _events_in(item)]
    if not isinstance(message, dict):
        return []
    if "run_id" in message and "seq" in message:
        return [message]
    found = []
    for key in ("events", "event", "records", "record", "data"):
        if key in message:
            found += _events_in(message[key])
    return found


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def ours_measure(env, *, url: str, cookie: str, origin: str, clients: int, rate: float, seconds: float) -> dict:
    """M websocket clients; orders placed at `rate` per second for `seconds`, both patterns in turn."""
    from workflowviz.engine.models import EventRecord
    from workflowviz.realtime.broadcast import ALL_RUNS_GROUP

    args = ["ws", "--url", url, "--cookie", cookie, "--origin", origin, "--clients", str(clients)]
    args += ["--tap-redis-url", env.redis_url, "--group", ALL_RUNS_GROUP]
    listeners = Clients(env, "ws-clients", args)
    try:
        count = max(2, int(rate * seconds))
        started = time.monotonic()
        run_ids = orders_place(count, ["orchestration", "choreography"], rate=rate, start_index=10**6)
        placed_s = time.monotonic() - started
        runs_wait(run_ids, timeout=60 + count)
        time.sleep(1.5)  # the last broadcasts are on their way
    finally:
        received = listeners.stop()
    wanted = set(run_ids)
    committed = {
        (str(run_id), seq)
        for run_id, seq in EventRecord.objects.filter(run_id__in=run_ids).values_list("run_id", "seq")
    }
    batch_ms, last_record_ms, record_ms, placed_ms, worker_ms = [], [], [], [], []
    missing_by_client, errors, lost = [], [], set()
    batches = batch_events = batch_bytes = 0
    for index, log in enumerate(received["clients"]):
        got = set()
        for arrival, message in log:
            if isinstance(message, dict) and "bench_error" in message:
                errors.append(message["bench_error"])
                continue
            events = [e for e in _events_in(message) if e.get("run_id") in wanted]
            if not events:
                continue
            ats = [_timestamp(e["at"]) for e in events]
            latency = (arrival - message["committed_at"]) * 1000
            batch_ms.append(latency)
            last_record_ms.append((arrival - max(ats)) * 1000)
            # Placement runs in the bench process; every later record comes from a worker.
            (placed_ms if any(e["kind"] == "run.started" for e in events) else worker_ms).append(latency)
            record_ms.extend((arrival - at) * 1000 for at in ats)
            got.update((e["run_id"], e["seq"]) for e in events)
            if index == 0:
                batches += 1
                batch_events += len(events)
                batch_bytes += len(json.dumps(message))
        missing = committed - got
        missing_by_client.append(len(missing))
        lost |= missing
    tap_ms = []
    for arrival, group_message in received["tap"]:
        message = json.loads(group_message["text"])  # as the browsers get it
        events = [e for e in _events_in(message) if e.get("run_id") in wanted]
        if events:
            tap_ms.append((arrival - message["committed_at"]) * 1000)
    return {
        "clients": clients,
        "orders": count,
        "order_rate_per_s": rate,
        "place_s": round(placed_s, 2),
        "event_records": len(committed),
        "batches_per_client": batches,
        "events_per_batch": round(batch_events / batches, 2) if batches else None,
        "bytes_per_batch": round(batch_bytes / batches) if batches else None,
        "batch_rate_per_s": round(batches / placed_s, 1) if placed_s else None,
        "latency_ms": percentiles(batch_ms),
        "latency_ms_from_last_record": percentiles(last_record_ms),
        "record_latency_ms": percentiles(record_ms),
        "latency_ms_placement_batches": percentiles(placed_ms),
        "latency_ms_worker_batches": percentiles(worker_ms),
        "latency_ms_to_channel_layer_subscriber": percentiles(tap_ms),
        "lost_events": len(lost),
        "lost_deliveries": sum(missing_by_client),
        "client_errors": errors[:5],
    }


def _raw_send(env, *, group: str, rate: float, count: int, events: int) -> dict:
    sender = subprocess.run(
        [sys.executable, "-m", "bench.clients", "send", "--redis-url", env.redis_url, "--group", group]
        + ["--rate", str(rate), "--count", str(count), "--events", str(events)],
        env=env.env_os(),
        capture_output=True,
        text=True,
        timeout=60 + count / rate * 2,
        check=True,
    )
    return json.loads(sender.stdout.strip().splitlines()[-1])


def raw_daphne_measure(env, *, clients: int, rate: float, count: int, events: int) -> dict:
    """M websocket clients of a bare consumer under daphne; `count` group_send calls at `rate` per second."""
    from bench.raw_asgi import GROUP
    from workflowviz.processes import free_port, wait_for_port

    port = free_port()
    argv = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "bench.raw_asgi:application"]
    daphne = env.spawn("raw-daphne", argv)
    try:
        wait_for_port("127.0.0.1", port, process=daphne, what="raw daphne")
        listeners = Clients(
            env, "raw-ws-clients", ["ws", "--url", f"ws://127.0.0.1:{port}/ws/raw/"] + ["--clients", str(clients)]
        )
        try:
            sender = _raw_send(env, group=GROUP, rate=rate, count=count, events=events)
            time.sleep(1.0)
        finally:
            received = listeners.stop()
    finally:
        env.stop(["raw-daphne"])
    logs = [[(at, message) for at, message in log if "committed_at" in message] for log in received["clients"]]
    return _raw_result(logs, "committed_at", clients=clients, rate=rate, count=count, events=events, sender=sender)


def _raw_result(logs, sent_key: str, *, clients: int, rate: float, count: int, events: int, sender: dict) -> dict:
    """Latency (arrival minus the message's `sent_key` time) and lost messages over every client's log."""
    latencies, missing = [], []
    for log in logs:
        ids = set()
        for arrival, message in log:
            latencies.append((arrival - message[sent_key]) * 1000)
            ids.add(message["id"])
        missing.append(count - len(ids))
    return {
        "clients": clients,
        "messages": count,
        "rate_per_s": rate,
        "events_per_message": events,
        "sender": sender,
        "latency_ms": percentiles(latencies),
        "lost_messages": sum(missing),
    }


def raw_measure(env, *, clients: int, rate: float, count: int, events: int) -> dict:
    """M channel-layer subscribers; `count` group_send calls at `rate` per second, `events` records each."""
    group = "bench.raw"
    listeners = Clients(
        env, "raw-clients", ["raw", "--redis-url", env.redis_url, "--group", group, "--clients", str(clients)]
    )
    try:
        sender = _raw_send(env, group=group, rate=rate, count=count, events=events)
        time.sleep(1.0)
    finally:
        received = listeners.stop()
    return _raw_result(received, "sent_at", clients=clients, rate=rate, count=count, events=events, sender=sender)

"""Where a worker's time goes, per job and per step: `python -m bench.profile [--orders N]`.

In its own Redis and SQLite (as `make bench`): places N orders of each pattern with no worker
running, then drains the queues with one in-process SimpleWorker (burst mode, all four queues)
under instrumentation, and the same number of no-op jobs for comparison:

- SQL statements per job by kind, transactions (BEGIN) per job, time inside the database driver;
- Redis round trips per job, split into RQ's own bookkeeping and our job (relay, broadcast, faults);
- the broadcast (records_broadcast, async_to_sync) and relay (messages_enqueue) time per call;
- log records emitted;
- a cProfile of the whole drain, grouped (database, Redis, asyncio/asgiref, RQ, JSON, logging).

Writes bench/results/profile.json and profile.md and prints the figures.
"""

import argparse
import cProfile
import json
import logging
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

from bench.env import BenchEnv

RESULTS_DIR = Path(__file__).resolve().parent / "results"
GROUPS = [
    ("database (Django ORM + sqlite3)", ("django/db/", "sqlite3")),
    ("Redis client (redis-py)", ("site-packages/redis/",)),
    ("asyncio / asgiref (async_to_sync)", ("asyncio/", "asgiref/", "concurrent/futures", "threading.py")),
    ("channels / channels_redis / msgpack", ("channels_redis/", "site-packages/channels/", "msgpack")),
    ("RQ worker", ("site-packages/rq/",)),
    ("JSON", ("json/",)),
    ("logging", ("logging/",)),
    ("workflowviz + services", ("/workflowviz/", "/orders/", "/notifications/", "/sellers/", "/logistics/")),
    ("email backend", ("django/core/mail",)),
]


class Meter:
    """Counters switched on around the drain; `in_job` tells our job's work from RQ's bookkeeping."""

    def __init__(self):
        self.in_job = False
        self.sql = Counter()
        self.sql_seconds = 0.0
        self.redis = Counter()
        self.timers = Counter()
        self.calls = Counter()
        self.log_records = 0
        self.paused = False
        self.job_sql: list[str] = []
        self.samples: dict[str, list[str]] = {}

    def sql_wrapper(self, execute, sql, params, many, context):
        if self.paused:
            return execute(sql, params, many, context)
        kind = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "?"
        self.sql[kind] += 1
        if self.in_job:
            self.job_sql.append(" ".join(sql.split())[:160])
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_seconds += time.perf_counter() - began

    def timed(self, name, function):
        def wrapper(*args, **kwargs):
            began = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.timers[name] += time.perf_counter() - began
                self.calls[name] += 1

        wrapper.__wrapped__ = function
        return wrapper


def _install(meter: Meter) -> list:
    """Patch counters into this process only (nothing on disk changes); returns the undo steps."""
    import redis.connection

    from workflowviz.engine import delivery, relay
    from workflowviz.realtime import broadcast

    undo = []

    original_send = redis.connection.AbstractConnection.send_packed_command

    def send_packed_command(self, command, check_health=True):
        meter.redis["job" if meter.in_job else "rq"] += 1
        return original_send(self, command, check_health)

    redis.connection.AbstractConnection.send_packed_command = send_packed_command
    undo.append(lambda: setattr(redis.connection.AbstractConnection, "send_packed_command", original_send))

    original_deliver = delivery.deliver

    def deliver(message_id, *args, **kwargs):
        meter.in_job = True
        meter.job_sql = []
        began = time.perf_counter()
        try:
            return original_deliver(message_id, *args, **kwargs)
        finally:
            meter.timers["deliver"] += time.perf_counter() - began
            meter.calls["deliver"] += 1
            meter.in_job = False
            _sample(meter, message_id)

    delivery.deliver = deliver
    undo.append(lambda: setattr(delivery, "deliver", original_deliver))
    for module, name, label in (
        (broadcast, "records_broadcast", "broadcast"),
        (relay, "messages_enqueue", "relay"),
        (broadcast, "_send", "broadcast_async_part"),
    ):
        original = getattr(module, name, None)
        if original is None:
            continue
        if name == "_send":

            def sent(*args, _original=original, **kwargs):
                # Called where the coroutine is made (the worker's thread); runs on the sender's loop.
                submitted = time.perf_counter()

                async def timed():
                    began = time.perf_counter()
                    meter.timers["broadcast_queue_delay"] += began - submitted
                    meter.calls["broadcast_queue_delay"] += 1
                    try:
                        return await _original(*args, **kwargs)
                    finally:
                        meter.timers["broadcast_async_part"] += time.perf_counter() - began
                        meter.calls["broadcast_async_part"] += 1

                return timed()

            setattr(module, name, sent)
        else:
            setattr(module, name, meter.timed(label, original))
        undo.append(lambda module=module, name=name, original=original: setattr(module, name, original))

    class Counting(logging.Handler):
        def emit(self, record):
            meter.log_records += 1

    handler = Counting(level=logging.DEBUG)
    logging.getLogger().addHandler(handler)
    undo.append(lambda: logging.getLogger().removeHandler(handler))
    return undo


def _sample(meter: Meter, message_id) -> None:
    """Keep the SQL of the first delivery of each message kind and type (for the report)."""
    from workflowviz.engine.models import OutboxMessage

    meter.paused = True
    try:
        kind_type = OutboxMessage.objects.filter(pk=message_id).values_list("kind", "type").first()
    finally:
        meter.paused = False
    key = " ".join(kind_type) if kind_type else "?"
    if key not in meter.samples:
        meter.samples[key] = list(meter.job_sql)


def _builtin_group(name: str) -> str:
    if "sqlite3" in name:
        return "database (Django ORM + sqlite3)"
    if "acquire" in name or "Condition" in name:
        return "waiting for another thread (async_to_sync's loop)"
    if any(word in name for word in ("recv", "send", "select", "poll", "connect", "socket", "epoll")):
        return "socket I/O (Redis)"
    return "other builtins"


def _groups(profile: cProfile.Profile, total: float) -> list[dict]:
    """Own time (tottime) of every function, summed by the group its file belongs to."""
    stats = pstats.Stats(profile).stats
    sums = Counter()
    for (filename, _line, name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        if filename.startswith("~"):
            sums[_builtin_group(name)] += tottime
            continue
        for label, needles in GROUPS:
            if any(needle in filename for needle in needles):
                sums[label] += tottime
                break
        else:
            sums["other Python"] += tottime
    return [
        {"group": label, "seconds": round(seconds, 3), "share": round(seconds / total, 3)}
        for label, seconds in sums.most_common()
    ]


def _top(profile: cProfile.Profile, count: int = 25) -> list[dict]:
    stats = pstats.Stats(profile).stats
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.items():
        short = filename.split("site-packages/")[-1].replace(str(Path.cwd()) + "/", "")
        rows.append({"function": f"{short}:{line}({name})", "calls": calls, "tottime": tottime, "cumtime": cumtime})
    rows.sort(key=lambda row: row["cumtime"], reverse=True)
    return [{**row, "tottime": round(row["tottime"], 3), "cumtime": round(row["cumtime"], 3)} for row in rows[:count]]


def drain(meter: Meter, *, profile: bool) -> tuple[float, cProfile.Profile | None]:
    """One SimpleWorker on every service queue, in this process, until they are all empty."""
    from rq.worker import SimpleWorker

    from bench.env import service_queues
    from workflowviz.engine.queues import service_queue

    queues = [service_queue(name) for name in service_queues()]
    worker = SimpleWorker(queues, connection=queues[0].connection, serializer=queues[0].serializer)
    profiler = cProfile.Profile() if profile else None
    began = time.perf_counter()
    if profiler:
        profiler.enable()
    worker.work(burst=True, logging_level="WARNING", with_scheduler=False)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - began
    from workflowviz.realtime import broadcast

    flush = getattr(broadcast, "broadcasts_flush", None)
    if flush:  # the broadcasts still on their way, so that their timers are complete
        flush()
    return seconds, profiler


def measure(orders: int, pattern: str, *, profile: bool) -> dict:
    from django.db import connection

    from bench import workflow
    from workflowviz.engine.models import OutboxMessage, Run, StepState

    workflow.shipments_close()
    run_ids = workflow.orders_place(orders, pattern)
    meter = Meter()
    undo = _install(meter)
    try:
        with connection.execute_wrapper(meter.sql_wrapper):
            seconds, profiler = drain(meter, profile=profile)
    finally:
        for step in reversed(undo):
            step()
    jobs = meter.calls["deliver"]
    steps = StepState.objects.filter(run_id__in=run_ids, status="succeeded").count()
    finished = Run.objects.filter(pk__in=run_ids).exclude(status="running").count()
    per_job = {kind: round(n / jobs, 2) for kind, n in meter.sql.most_common()} if jobs else {}
    result = {
        "pattern": pattern,
        "orders": orders,
        "runs_finished": finished,
        "jobs": jobs,
        "messages": OutboxMessage.objects.filter(run_id__in=run_ids).count(),
        "steps": steps,
        "seconds": round(seconds, 3),
        "ms_per_job": round(seconds / jobs * 1000, 2) if jobs else None,
        "ms_per_step": round(seconds / steps * 1000, 2) if steps else None,
        "deliver_ms_per_job": round(meter.timers["deliver"] / jobs * 1000, 2) if jobs else None,
        "sql_per_job": per_job,
        "sql_statements_per_job": round(sum(meter.sql.values()) / jobs, 2) if jobs else None,
        "sql_statements_per_step": round(sum(meter.sql.values()) / steps, 2) if steps else None,
        "transactions_per_job": round(meter.sql["BEGIN"] / jobs, 2) if jobs else None,
        "sql_ms_per_job": round(meter.sql_seconds / jobs * 1000, 2) if jobs else None,
        "redis_round_trips_per_job": {k: round(v / jobs, 2) for k, v in meter.redis.items()} if jobs else {},
        "log_records_per_job": round(meter.log_records / jobs, 2) if jobs else None,
        "sql_of_first_delivery": meter.samples,
    }
    for name in ("broadcast", "broadcast_queue_delay", "broadcast_async_part", "relay"):
        calls = meter.calls[name]
        result[f"{name}_calls_per_job"] = round(calls / jobs, 2) if jobs else None
        result[f"{name}_ms_per_call"] = round(meter.timers[name] / calls * 1000, 2) if calls else None
        result[f"{name}_ms_per_job"] = round(meter.timers[name] / jobs * 1000, 2) if jobs else None
    if profiler:
        result["profile_groups"] = _groups(profiler, seconds)
        result["profile_top"] = _top(profiler)
    return result


def measure_noop(count: int) -> dict:
    """The same in-process worker on `count` no-op jobs: RQ's own cost per job."""

    from bench.env import service_queues
    from workflowviz.engine.queues import service_queue

    queues = [service_queue(name) for name in service_queues()]
    with queues[0].connection.pipeline() as pipe:
        for index in range(count):
            queue = queues[index % len(queues)]
            queue.enqueue_many([queue.prepare_data("bench.jobs.noop", args=[], result_ttl=60)], pipeline=pipe)
        pipe.execute()
    meter = Meter()
    undo = _install(meter)
    try:
        seconds, _ = drain(meter, profile=False)
    finally:
        for step in reversed(undo):
            step()
    return {
        "jobs": count,
        "seconds": round(seconds, 3),
        "ms_per_job": round(seconds / count * 1000, 2),
        "redis_round_trips_per_job": round(sum(meter.redis.values()) / count, 2),
    }


def markdown(results: dict) -> str:
    """The counters of the drains without cProfile (when run) and the cProfile of the others."""
    noop = results["noop"]
    counted = results.get("unprofiled") or results["patterns"]
    lines = [
        "# Worker hot path profile (`python -m bench.profile`)",
        "",
        f"{results['date']} · {results['orders']} orders per pattern · one in-process SimpleWorker draining all "
        f"four queues (no other process competing) · DEBUG={results['debug']} · the table counts drains without "
        "cProfile; the cProfile sections come from separate drains.",
        "",
        f"No-op job through the same worker: **{noop['ms_per_job']} ms/job**, "
        f"{noop['redis_round_trips_per_job']} Redis round trips/job (RQ's own bookkeeping).",
        "",
        "| per job | " + " | ".join(r["pattern"] for r in counted) + " |",
        "| --- | " + " | ".join("---" for _ in counted) + " |",
    ]
    rows = [
        ("jobs (messages delivered)", "jobs"),
        ("ms per job (whole worker loop)", "ms_per_job"),
        ("ms per step", "ms_per_step"),
        ("ms inside deliver()", "deliver_ms_per_job"),
        ("SQL statements per job", "sql_statements_per_job"),
        ("SQL statements per step", "sql_statements_per_step"),
        ("transactions (BEGIN) per job", "transactions_per_job"),
        ("ms in the database driver per job", "sql_ms_per_job"),
        ("broadcast calls per job", "broadcast_calls_per_job"),
        ("broadcast ms per call, in the worker's thread", "broadcast_ms_per_call"),
        ("broadcast: submitted → coroutine starts on the sender thread, ms", "broadcast_queue_delay_ms_per_call"),
        ("broadcast: the coroutine (group_send × 2), ms", "broadcast_async_part_ms_per_call"),
        ("broadcast ms per job", "broadcast_ms_per_job"),
        ("relay ms per call", "relay_ms_per_call"),
        ("log records per job", "log_records_per_job"),
    ]
    for label, key in rows:
        lines.append(f"| {label} | " + " | ".join(str(r.get(key)) for r in counted) + " |")
    lines.append(
        "| Redis round trips per job (RQ / our job) | "
        + " | ".join(
            f"{r['redis_round_trips_per_job'].get('rq')} / {r['redis_round_trips_per_job'].get('job')}" for r in counted
        )
        + " |"
    )
    lines.append(
        "| SQL per job by kind | "
        + " | ".join(", ".join(f"{k} {v}" for k, v in r["sql_per_job"].items()) for r in counted)
        + " |"
    )
    for r in results["patterns"]:
        lines += ["", f"## The SQL of one delivery of each message type ({r['pattern']})", ""]
        for key, statements in (r.get("sql_of_first_delivery") or {}).items():
            lines += [f"**{key}** ({len(statements)} statements)", "", "```sql", *statements, "```", ""]
    for r in results["patterns"]:
        if not r.get("profile_groups"):
            continue
        lines += ["", f"## Where the time goes ({r['pattern']}, cProfile own time by group)", ""]
        lines += ["| group | s | share |", "| --- | --- | --- |"]
        lines += [f"| {g['group']} | {g['seconds']} | {g['share']:.0%} |" for g in r["profile_groups"]]
        lines += ["", "| function (cumulative) | calls | cum s | own s |", "| --- | --- | --- | --- |"]
        lines += [f"| `{t['function']}` | {t['calls']} | {t['cumtime']} | {t['tottime']} |" for t in r["profile_top"]]
    lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--no-cprofile", action="store_true", help="counters only (cProfile slows everything)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    env = BenchEnv()
    try:
        env.start()
        from django.conf import settings

        from bench import workflow

        workflow.data_prepare()
        workflow.orders_place(5, ["orchestration", "choreography"])  # warm caches and imports
        drain(Meter(), profile=False)
        results = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            "orders": args.orders,
            "debug": settings.DEBUG,
            "noop": measure_noop(args.orders * 4),
            "patterns": [
                measure(args.orders, pattern, profile=not args.no_cprofile)
                for pattern in ("orchestration", "choreography")
            ],
        }
        # The same drains without cProfile: the figures it does not distort.
        if not args.no_cprofile:
            results["unprofiled"] = [
                {
                    k: v
                    for k, v in measure(args.orders, p, profile=False).items()
                    if not k.startswith("profile_") and k != "sql_of_first_delivery"
                }
                for p in ("orchestration", "choreography")
            ]
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "profile.json").write_text(json.dumps(results, indent=1) + "\n")
        (args.out / "profile.md").write_text(markdown(results))
        print(markdown(results))
        return 0
    except KeyboardInterrupt:
        return 130
    finally:
        env.close()


if __name__ == "__main__":
    sys.exit(main())

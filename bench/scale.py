"""`make bench-scale`: the runs explorer, a run's page, the metrics page and retention at a million runs (issue 13).

    python -m bench.scale [--runs N] [--prune N] [--samples N] [--rate R] [--idle-seconds S] [--keep]

The database is DATABASE_URL's; without it, a scratch PostgreSQL database `wfv_scale` on
127.0.0.1:5432 (user postgres), created when missing and kept afterwards (`--drop` drops it at the
end), so that a second run reuses what the first seeded. `DATABASE_URL=sqlite:///path` runs the same on
SQLite. Redis, workers and the reconciler are the bench's own (bench/env.py: a free port, a temporary folder).

1. Seeds up to SCALE_RUNS runs (`manage.py seed_history`; 1,000,000 on PostgreSQL, 100,000 on SQLite):
   only what is missing is added.
2. Through the HTTP API with Django's test client in this process (URL routing, middleware, the bearer
   token's authentication, the view, the ORM and the database; no socket and no ASGI server): every
   filter of `GET /api/runs` — its first page and the next one (`cursor`) —, `GET /api/runs/{id}`, and
   `GET /api/metrics?window=86400` (the metrics page's 24 hours).
3. Retention while orders flow: the system's workers and reconciler; orders placed at a steady rate,
   first idle, then while `manage.py prune_runs` deletes the oldest runs (SCALE_PRUNE, 100,000); the
   step latency (queued → finished) p95 of the orders of each phase, and its ratio.

Prints `name: value` lines last; writes bench/results/scale.json.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench.env import BenchEnv, system_worker_class
from workflowviz.processes import manage
from workflowviz.stats import percentile

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/wfv_scale"
RESULTS = Path(__file__).resolve().parent / "results" / "scale.json"
TARGETS = {
    "explorer_first_page_p95_ms": 150,
    "explorer_next_page_p95_ms": 150,
    "run_detail_p95_ms": 300,
    "metrics_24h_ms": 500,
    "prune_step_latency_p95_ratio": 2,
}
LIMIT = 50


def log(message: str) -> None:
    print(f"[bench-scale {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def p95(values: list[float]) -> float | None:
    value = percentile(values, 95)
    return None if value is None else round(value, 1)


# --- the database ----------------------------------------------------------------------------------------
def postgres_database_ensure(url: str) -> None:
    """Create the database of a postgres:// URL when it does not exist yet."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone()
        if not exists:
            log(f"creating database {config['NAME']}")
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def postgres_database_drop(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    with psycopg.connect(host=config["HOST"], port=config["PORT"], user=config["USER"], dbname="postgres",
                         autocommit=True) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')


def table_counts() -> dict[str, int]:
    """Runs (exact) and event records (exact on SQLite; the planner's count after ANALYZE on PostgreSQL)."""
    from django.db import connection

    from workflowviz.engine.models import EventRecord, Run

    runs = Run.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [EventRecord._meta.db_table])
            records = cursor.fetchone()[0]
    else:
        records = EventRecord.objects.count()
    return {"runs": runs, "records": records}


def recent_rollups_count(hours: int = 25, batch: int = 5000) -> dict:
    """Count the runs of the last `hours` into the metrics' rollups again (runs seeded by an older
    seed_history, or behind the engine's back, have none): the rollups from the first whole hour of that
    span on are thrown away and made again from the runs started since. How many runs, how long."""
    from django.db import transaction
    from django.utils import timezone

    from workflowviz.engine.models import Run
    from workflowviz.metrics.models import Rollup
    from workflowviz.metrics.rollups import rollups_add

    began = time.monotonic()
    since = int((timezone.now() - timedelta(hours=hours)).timestamp()) // 3600 * 3600
    counted = 0
    with transaction.atomic():
        Rollup.objects.filter(start__gte=since).delete()
        ids = list(Run.objects.filter(created_at__gte=datetime.fromtimestamp(since, UTC)).values_list("id", flat=True))
        for first in range(0, len(ids), batch):
            counted += rollups_add(ids[first : first + batch])
    return {"runs": counted, "seconds": round(time.monotonic() - began, 1)}


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- the API -----------------------------------------------------------------------------------------------
class Api:
    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from workflowviz.api.tokens import token_issue

        user, _ = get_user_model().objects.get_or_create(username="bench-scale", defaults={"is_superuser": True})
        if not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        self.headers = {"Authorization": f"Bearer {token_issue(user=user)}"}
        self.client = Client()
        self.errors: list[str] = []

    def get(self, path: str, params: dict | None = None) -> tuple[float, dict | None]:
        url = f"{path}?{urlencode(params)}" if params else path
        began = time.perf_counter()
        response = self.client.get(url, headers=self.headers)
        elapsed = time.perf_counter() - began
        if response.status_code != 200:
            self.errors.append(f"{url}: {response.status_code} {response.content[:200]!r}")
            return elapsed, None
        return elapsed, response.json()


def runs_sample(count: int) -> list[dict]:
    """Random runs: (id, order id, email), spread over the table."""
    from django.db import connection

    from workflowviz.engine.models import Run

    fields = ("id", "order_id", "customer_email", "design_slug", "design_version")
    if connection.vendor == "postgresql":
        ids = list(Run.objects.raw("SELECT id FROM engine_run TABLESAMPLE SYSTEM (1) LIMIT %s", [count * 5]))
        rows = list(Run.objects.filter(pk__in=[run.pk for run in ids]).values(*fields))
        random.shuffle(rows)
        return rows[:count]
    return list(Run.objects.order_by("?").values(*fields)[:count])


def filter_cases(samples: int) -> dict[str, list[dict]]:
    """Each explorer filter's parameter sets: `samples` per filter, from the data at hand."""
    from workflowviz.designer.builtins import BUILTIN_DESIGNS
    from workflowviz.engine.models import StepState

    rng = random.Random(7)
    runs = runs_sample(samples * 3)
    with_order = [run for run in runs if run["order_id"]] or runs
    with_email = [run for run in runs if run.get("customer_email")] or runs
    now = datetime.now(UTC)
    services = sorted(set(StepState.objects.values_list("service", flat=True)[:5000]))
    steps = sorted({step["id"] for design in BUILTIN_DESIGNS.values() for step in design["steps"] if "action" in step})
    had = ["retries", "failures", "compensations", "duplicates", "retries,duplicates"]

    def pick(values):
        return [values[i % len(values)] for i in range(samples)]

    def window():
        since = now - timedelta(days=rng.uniform(0.1, 9.5))
        return since, since + timedelta(hours=rng.choice([1, 6, 24]))

    windows = [window() for _ in range(samples)]
    return {
        "status": [{"status": v} for v in pick(["succeeded", "compensated", "failed"])],
        "pattern": [{"pattern": v} for v in pick(["orchestration", "choreography"])],
        "workflow": [{"workflow": v} for v in pick(sorted(BUILTIN_DESIGNS))],
        "version": [{"workflow": v, "version": 1} for v in pick(sorted(BUILTIN_DESIGNS))],
        "service": [{"service": v} for v in pick(services)],
        "step": [{"step": v} for v in pick(steps)],
        "had": [{"had": v} for v in pick(had)],
        "since": [{"since": since.isoformat()} for since, _ in windows],
        "until": [{"until": until.isoformat()} for _, until in windows],
        "since_until": [{"since": since.isoformat(), "until": until.isoformat()} for since, until in windows],
        "order_id": [{"order_id": run["order_id"]} for run in pick(with_order)],
        "customer_email": [{"customer_email": run["customer_email"]} for run in pick(with_email)],
        "run_id": [{"run_id": str(run["id"])[:8]} for run in pick(runs)],
        "sort_started": [{"sort": "started"}] * samples,
        "sort_-started": [{"sort": "-started"}] * samples,
        "sort_duration": [{"sort": "duration"}] * samples,
        "sort_-duration": [{"sort": "-duration"}] * samples,
        "failed_workflow_last_10_min": [
            {"status": "compensated", "workflow": v, "since": (now - timedelta(minutes=10)).isoformat()}
            for v in pick(sorted(BUILTIN_DESIGNS))
        ],
    }


def explorer_measure(api: Api, samples: int) -> dict:
    """Per filter: the first page's and the next page's p95 (ms), and how many samples had a next page."""
    results = {}
    for name, cases in filter_cases(samples).items():
        first, following, rows = [], [], []
        for params in cases:
            elapsed, body = api.get("/api/runs", {**params, "limit": LIMIT})
            first.append(elapsed)
            if body is None:
                continue
            rows.append(len(body.get("results", [])))
            cursor = body.get("next_cursor")
            if cursor:
                elapsed, _ = api.get("/api/runs", {**params, "limit": LIMIT, "cursor": cursor})
                following.append(elapsed)
        results[name] = {
            "first_p95_ms": p95([ms(v) for v in first]),
            "next_p95_ms": p95([ms(v) for v in following]),
            "samples": len(first),
            "with_next_page": len(following),
            "rows_median": statistics.median(rows) if rows else 0,
        }
        log(
            f"explorer {name}: first p95 {results[name]['first_p95_ms']} ms, next p95 {results[name]['next_p95_ms']} ms"
        )
    return results


def run_detail_measure(api: Api, samples: int) -> dict:
    times, records = [], []
    for run in runs_sample(samples):
        elapsed, body = api.get(f"/api/runs/{run['id']}")
        times.append(ms(elapsed))
        if body:
            records.append(len(body.get("events", [])))
    return {"p95_ms": p95(times), "samples": len(times), "records_median": statistics.median(records) if records else 0}


def metrics_measure(api: Api, tries: int = 3) -> dict:
    times = []
    for _ in range(tries):
        elapsed, _ = api.get("/api/metrics", {"window": 86400})
        times.append(ms(elapsed))
        if elapsed > 30:
            break
    return {"ms": max(times), "tries": times}


# --- retention while orders flow -----------------------------------------------------------------------------
def step_latency_p95(run_ids: list[str]) -> float | None:
    from workflowviz.engine.models import StepState

    rows = StepState.objects.filter(run_id__in=run_ids, status="succeeded", queued_at__isnull=False)
    latencies = [
        (finished - queued).total_seconds() * 1000 for queued, finished in rows.values_list("queued_at", "finished_at")
    ]
    return p95(latencies)


def orders_for(seconds: float, rate: float, start_index: int, until=None) -> list[str]:
    """Place orders at `rate` per second for `seconds` (or until `until()` is true), both patterns in turn."""
    from bench.workflow import orders_place

    run_ids, began = [], time.monotonic()
    while True:
        run_ids += orders_place(max(1, round(rate)), ["orchestration", "choreography"], rate=rate,
                                start_index=start_index + len(run_ids))  # fmt: skip
        if until is not None and until():
            return run_ids
        if until is None and time.monotonic() - began >= seconds:
            return run_ids


def prune_measure(env: BenchEnv, *, prune: int, rate: float, idle_seconds: float) -> dict:
    from django.utils import timezone

    from bench.workflow import data_prepare, runs_wait
    from workflowviz.engine.retention import prunable

    data_prepare()
    # The oldest runs go: the cut-off is the start of the `prune`-th oldest finished run.
    oldest = prunable(timezone.now()).order_by("created_at").values_list("created_at", flat=True)
    cutoff_row = list(oldest[prune - 1 : prune]) or list(oldest.reverse()[:1])
    if not cutoff_row:
        return {"skipped": "no finished runs to prune"}
    older_than_s = max(1, int((timezone.now() - cutoff_row[0]).total_seconds()))
    env.workers_start(worker_class=system_worker_class())
    env.spawn("reconciler", manage("run_reconciler"))
    log("idle: warming up the workers")
    runs_wait(orders_for(3, rate, 0), timeout=120)
    log(f"idle: {rate} orders/s for {idle_seconds:.0f}s")
    idle = orders_for(idle_seconds, rate, 100)
    runs_wait(idle, timeout=300)
    idle_p95 = step_latency_p95(idle)
    log(f"idle step latency p95 {idle_p95} ms; pruning up to {prune} runs older than {older_than_s}s")
    began = time.monotonic()
    pruner = env.spawn(
        "prune",
        manage("prune_runs", "--older-than", f"{older_than_s}s", "--limit", str(prune)),
        log_channels=False,
    )
    during = orders_for(0, rate, 100_000, until=lambda: pruner.poll() is not None)
    prune_seconds = time.monotonic() - began
    runs_wait(during, timeout=600)
    during_p95 = step_latency_p95(during)
    output = (env.logs / next(p.name for p in env.logs.iterdir() if p.name.endswith("-prune.log"))).read_text()
    log(f"prune: {output.strip().splitlines()[-1] if output.strip() else '(no output)'}")
    return {
        "pruned_output": output.strip().splitlines()[-1] if output.strip() else "",
        "prune_seconds": round(prune_seconds, 1),
        "prune_exit": pruner.returncode,
        "idle_orders": len(idle),
        "during_orders": len(during),
        "idle_step_latency_p95_ms": idle_p95,
        "during_step_latency_p95_ms": during_p95,
        "ratio": round(during_p95 / idle_p95, 2) if idle_p95 and during_p95 else None,
    }


# --- main ----------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=int(os.environ.get("SCALE_RUNS", "0")) or None)
    parser.add_argument("--prune", type=int, default=int(os.environ.get("SCALE_PRUNE", "100000")))
    parser.add_argument("--samples", type=int, default=20, help="Requests per filter (and run pages).")
    parser.add_argument("--rate", type=float, default=4.0, help="Orders per second while measuring step latency.")
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    parser.add_argument("--days", type=float, default=10.0, help="Seeded runs start over this many days.")
    parser.add_argument("--skip-prune", action="store_true")
    parser.add_argument(
        "--skip-rollups", action="store_true", help="Do not count the last 25 h into the rollups again (done before)."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder (logs).")
    parser.add_argument("--drop", action="store_true", help="Drop the scratch PostgreSQL database at the end.")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    runs_wanted = args.runs or (1_000_000 if postgres else 100_000)
    if postgres:
        postgres_database_ensure(database_url)
    env = BenchEnv(keep=args.keep)
    env.database_url = env.env["DATABASE_URL"] = database_url
    results: dict = {"database": "postgresql" if postgres else "sqlite", "started": time.strftime("%Y-%m-%d %H:%M")}
    results["load_at_start"] = os.getloadavg()
    try:
        env.start()
        counts = table_counts()
        missing = runs_wanted - counts["runs"]
        if missing > 0:
            log(f"seeding {missing} runs (the database has {counts['runs']})")
            seed = subprocess.run(
                manage("seed_history", "--runs", str(missing), "--days", str(args.days)),
                env=env.env_os(),
                capture_output=True,
                text=True,
                check=True,
            )
            results["seed"] = seed.stdout.strip().splitlines()[-1]
            log(results["seed"])
        if not args.skip_rollups:
            results["rollups"] = recent_rollups_count()
            log(f"rollups of the last 25 h: {results['rollups']}")
        analyze()
        results["counts"] = table_counts()
        log(f"database: {results['counts']}")
        api = Api()
        api.get("/api/runs", {"limit": LIMIT})  # warm up: imports, the database connection, caches
        api.errors.clear()
        results["explorer"] = explorer_measure(api, args.samples)
        results["run_detail"] = run_detail_measure(api, args.samples * 2)
        log(f"run detail p95 {results['run_detail']['p95_ms']} ms")
        results["metrics_24h"] = metrics_measure(api)
        log(f"metrics 24 h {results['metrics_24h']['ms']} ms")
        results["api_errors"] = api.errors[:20]
        if not args.skip_prune:
            results["prune"] = prune_measure(env, prune=args.prune, rate=args.rate, idle_seconds=args.idle_seconds)
            results["counts_after_prune"] = table_counts()
    finally:
        env.close()
        if args.drop and postgres:
            postgres_database_drop(database_url)
    results["load_at_end"] = os.getloadavg()
    figures = key_figures(results)
    results["figures"] = figures
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    for name, value in figures.items():
        print(f"{name}: {value}")
    return 0


def key_figures(results: dict) -> dict:
    explorer = results.get("explorer", {})
    firsts = {name: r["first_p95_ms"] for name, r in explorer.items() if r["first_p95_ms"] is not None}
    nexts = {name: r["next_p95_ms"] for name, r in explorer.items() if r["next_p95_ms"] is not None}
    figures = {}
    for name, r in explorer.items():
        figures[f"explorer_{name}_first_p95_ms"] = r["first_p95_ms"]
        figures[f"explorer_{name}_next_p95_ms"] = r["next_p95_ms"]
    prune = results.get("prune", {})
    figures.update(
        {
            "database": results["database"],
            "scale_records": results.get("counts", {}).get("records"),
            "api_errors": len(results.get("api_errors", [])),
            "prune_seconds": prune.get("prune_seconds"),
            "prune_idle_step_latency_p95_ms": prune.get("idle_step_latency_p95_ms"),
            "prune_during_step_latency_p95_ms": prune.get("during_step_latency_p95_ms"),
            "explorer_slowest_first_page": max(firsts, key=firsts.get) if firsts else None,
            "explorer_slowest_next_page": max(nexts, key=nexts.get) if nexts else None,
            "scale_runs": results.get("counts", {}).get("runs"),
            "explorer_first_page_p95_ms": max(firsts.values()) if firsts else None,
            "explorer_next_page_p95_ms": max(nexts.values()) if nexts else None,
            "run_detail_p95_ms": results.get("run_detail", {}).get("p95_ms"),
            "metrics_24h_ms": results.get("metrics_24h", {}).get("ms"),
            "prune_step_latency_p95_ratio": prune.get("ratio"),
        }
    )
    return figures


if __name__ == "__main__":
    sys.exit(main())

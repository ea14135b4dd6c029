"""`make bench`: workflowviz against the raw stack it is built on, in one run (issue 7).

    python -m bench [--orders N] [--clients M] [--quick] [--keep]

Starts its own redis-server and processes on free ports, with a temporary var dir and SQLite
database; writes bench/results/latest.json and latest.md; prints the key figures last.
"""

import argparse
import json
import os
import platform
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bench.env import FORKING_WORKER_CLASS, RAW_WORKER_CLASS, BenchEnv, system_worker_class

# A user of the bench's own throwaway database only.
USERNAME, PASSWORD = "bench", "bench-password-not-secret"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
KEY_FIGURES = [
    "steps_per_s_ratio_vs_raw_rq",
    "speedup_vs_default_django_rq",
    "ws_p95_ratio_vs_raw",
    "timeline_5000_first_render_ms",
    "lost_events",
    "database_locked_errors",
    "channel_layer_over_capacity",
]


@dataclass
class Plan:
    """How much each phase does; the default keeps the whole run under about 10 minutes on 2 cores."""

    orders: int = 500
    clients: int = 20
    noop_jobs: int = 600
    scaling: tuple = (1, 2, 4)
    scaling_orders: int = 60
    forking_orders: int = 40
    ws_rate: float = 2.0
    ws_seconds: float = 20.0
    api_requests: int = 150
    api_concurrency: int = 4
    render_records: int = 5000
    render_tries: int = 3
    phases: tuple = ("raw", "workflow", "scaling", "forking", "ws", "render", "api")

    @classmethod
    def quick(cls, **overrides) -> "Plan":
        plan = cls(
            orders=20,
            clients=3,
            noop_jobs=200,
            scaling=(1, 2),
            scaling_orders=10,
            forking_orders=8,
            ws_rate=4.0,
            ws_seconds=2.0,
            api_requests=20,
            api_concurrency=2,
            render_records=500,
            render_tries=1,
        )
        for key, value in overrides.items():
            setattr(plan, key, value)
        return plan


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, plan: Plan, env: BenchEnv):
        self.plan = plan
        self.env = env
        self.results: dict = {"plan": plan.__dict__ | {"phases": list(plan.phases)}}
        self.workers: list[str] = []
        self.worker_kind: tuple = ()

    # --- helpers --------------------------------------------------------------------------------

    def workers_use(self, worker_class: str, per_queue: int, tag: str) -> None:
        """Make these the running workers (the ones already running when they are the same kind)."""
        if self.workers and self.worker_kind == (worker_class, per_queue) and not self.env.dead():
            return
        if self.workers:
            self.env.workers_stop(self.workers)
        self.workers = self.env.workers_start(worker_class=worker_class, per_queue=per_queue, tag=tag)
        self.worker_kind = (worker_class, per_queue)

    def users_prepare(self) -> None:
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.test import Client

        from workflowviz.api.tokens import token_issue

        user = get_user_model().objects.create_user(USERNAME, f"{USERNAME}@localhost", PASSWORD)
        user.groups.add(Group.objects.get_or_create(name="operator")[0])  # places orders
        self.token = token_issue(user=user)
        client = Client()
        client.force_login(user)
        self.cookie_name = settings.SESSION_COOKIE_NAME
        self.cookie_value = client.cookies[self.cookie_name].value

    def workflow_measured(self, orders: int, pattern: str) -> dict:
        """workflow_run, and the CPU each kind of process spent on it (ms per step)."""
        from bench import workflow

        before = self.env.cpu_seconds()
        result = workflow.workflow_run(orders, pattern)
        after = self.env.cpu_seconds()
        steps = max(1, result["steps"])
        result["cpu_ms_per_step"] = {k: round((after[k] - before.get(k, 0)) * 1000 / steps, 1) for k in after}
        return result

    def web_start(self) -> str:
        from workflowviz.processes import free_port, system_argvs, wait_for_port

        self.port = free_port()
        process = self.env.spawn("daphne", system_argvs(queues=[], port=self.port)["web"])
        wait_for_port("127.0.0.1", self.port, process=process, what="daphne")
        return f"http://127.0.0.1:{self.port}"

    def guarded(self, name: str, phase, *args) -> None:
        """Run a phase; a failure is logged and recorded (the run exits 1) and the next phases still run."""
        try:
            phase(*args)
        except Exception as error:  # noqa: BLE001 - reported, and the exit status says so
            log(f"phase {name} failed:\n{traceback.format_exc()}")
            self.results.setdefault("errors", {})[name] = f"{type(error).__name__}: {error}"[:500]
            if self.env.dead():
                log(f"processes that exited: {self.env.dead()}")

    # --- phases ---------------------------------------------------------------------------------

    def run(self) -> dict:
        from bench import workflow
        from bench.env import service_queues
        from workflowviz.processes import manage

        plan, results = self.plan, self.results
        results["machine"] = machine()
        results["service_queues"] = service_queues()
        results["worker_classes"] = {
            "raw": RAW_WORKER_CLASS,
            "workflowviz": system_worker_class(),
            "default_django_rq": FORKING_WORKER_CLASS,
        }
        workflow.data_prepare()
        results["policy_overrides"] = workflow.policy_overrides().get("policy_overrides")
        self.users_prepare()
        self.env.spawn("reconciler", manage("run_reconciler"))
        if {"raw", "workflow", "scaling"} & set(plan.phases):
            self.guarded("scaling", self.phase_scaling)
        if "forking" in plan.phases:
            self.guarded("forking", self.phase_forking)
        if {"ws", "render", "api"} & set(plan.phases):
            self.workers_use(system_worker_class(), 1, "web")
            base_url = self.web_start()
            if "ws" in plan.phases:
                self.guarded("ws", self.phase_ws, base_url)
            if "render" in plan.phases:
                self.guarded("render", self.phase_render, base_url)
            if "api" in plan.phases:
                self.guarded("api", self.phase_api)
        if self.workers:
            self.env.workers_stop(self.workers)
            self.workers = []
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        results["logs"] = self.env.log_counts()
        results["failed_jobs"] = failed_jobs()
        return results

    def phase_scaling(self) -> None:
        """Raw RQ and our workflow with 1, 2 and 4 workers per queue; N orders of each pattern at 1."""
        from bench import rqraw
        from bench.env import service_queues

        plan = self.plan
        curve = []
        for per_queue in plan.scaling if "scaling" in plan.phases else (1,):
            point = {"workers_per_queue": per_queue, "workers": per_queue * len(service_queues())}
            if "raw" in plan.phases or per_queue > 1:
                log(f"raw RQ: {plan.noop_jobs} no-op jobs, {per_queue} {RAW_WORKER_CLASS} per queue")
                self.workers_use(RAW_WORKER_CLASS, per_queue, f"raw{per_queue}")
                point["raw_rq"] = rqraw.noop_jobs_run(plan.noop_jobs)
            self.workers_use(system_worker_class(), per_queue, f"sys{per_queue}")
            if per_queue == 1 and "workflow" in plan.phases:
                self.results["workflow"] = {}
                for pattern in ("orchestration", "choreography"):
                    log(f"workflowviz: {plan.orders} orders, {pattern}, 1 worker per queue")
                    self.results["workflow"][pattern] = self.workflow_measured(plan.orders, pattern)
            if "scaling" in plan.phases:
                log(f"scaling: {plan.scaling_orders} orders, orchestration, {per_queue} worker(s) per queue")
                point["workflowviz"] = self.workflow_measured(plan.scaling_orders, "orchestration")
            curve.append(point)
        one = next((point for point in curve if point["workers_per_queue"] == 1), {})
        self.results["raw_rq"] = one.get("raw_rq")
        self.results["scaling"] = curve

    def phase_forking(self) -> None:
        from bench import rqraw

        plan = self.plan
        log(f"default django-rq (forking {FORKING_WORKER_CLASS}): no-op jobs and {plan.forking_orders} orders each")
        self.workers_use(FORKING_WORKER_CLASS, 1, "fork")
        forking = {"raw_rq": rqraw.noop_jobs_run(max(40, plan.noop_jobs // 4))}
        for pattern in ("orchestration", "choreography"):
            forking[pattern] = self.workflow_measured(plan.forking_orders, pattern)
        self.results["default_django_rq"] = forking

    def phase_ws(self, base_url: str) -> None:
        from bench import realtime

        plan = self.plan
        log(f"websockets: {plan.clients} clients, {plan.ws_rate} orders/s for {plan.ws_seconds}s")
        ours = realtime.ours_measure(
            self.env,
            url=base_url.replace("http", "ws", 1) + "/ws/runs/",
            cookie=f"{self.cookie_name}={self.cookie_value}",
            origin=base_url,
            clients=plan.clients,
            rate=plan.ws_rate,
            seconds=plan.ws_seconds,
        )
        rate = ours["batch_rate_per_s"] or 20
        log(f"raw channel layer: {plan.clients} subscribers, {rate} group_send/s")
        load = {
            "clients": plan.clients,
            "rate": rate,
            "count": max(10, int(rate * plan.ws_seconds)),
            "events": max(1, round(ours["events_per_batch"] or 3)),
        }
        raw = realtime.raw_measure(self.env, **load)
        log(f"raw daphne: {plan.clients} websocket clients of a bare consumer, {rate} group_send/s")
        raw_daphne = realtime.raw_daphne_measure(self.env, **load)
        self.results["websocket"] = {"workflowviz": ours, "raw_channel_layer": raw, "raw_daphne": raw_daphne}

    def phase_render(self, base_url: str) -> None:
        from bench import render

        plan = self.plan
        log(f"timeline: first render of {plan.render_records} event records in headless Chromium")
        try:
            self.results["render"] = render.first_render(
                base_url=base_url,
                username=USERNAME,
                password=PASSWORD,
                records=plan.render_records,
                tries=plan.render_tries,
            )
        except Exception as error:  # noqa: BLE001 - a missing browser must not lose the other figures
            log(f"render phase failed: {error}")
            self.results["render"] = {"error": f"{type(error).__name__}: {error}"[:500]}

    def phase_api(self) -> None:
        from bench import api

        plan = self.plan
        log(f"API: {plan.api_requests} POST /api/orders over {plan.api_concurrency} connections")
        self.results["api"] = api.orders_post(
            port=self.port, token=self.token, requests=plan.api_requests, concurrency=plan.api_concurrency
        )


def failed_jobs() -> dict:
    """Failed jobs per queue and how many failed on "database is locked"."""
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    from bench.env import service_queues
    from workflowviz.engine.queues import service_queue

    counts = {"total": 0, "database_locked": 0}
    for name in service_queues():
        queue = service_queue(name)
        registry = FailedJobRegistry(queue=queue)
        ids = registry.get_job_ids()
        counts["total"] += len(ids)
        for job in Job.fetch_many(ids, connection=queue.connection, serializer=queue.serializer):
            if job is not None and "database is locked" in (job.exc_info or ""):
                counts["database_locked"] += 1
    return counts


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _interrupt(*_):
    raise KeyboardInterrupt


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, help="orders per pattern (default 500; 20 with --quick)")
    parser.add_argument("--clients", type=int, help="websocket clients (default 20; 3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="a smoke run with small numbers")
    parser.add_argument("--only", help="comma-separated phases: " + ",".join(Plan.phases))
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="where latest.json and latest.md go")
    return parser.parse_args(argv)


def plan_from(args) -> Plan:
    plan = Plan.quick() if args.quick else Plan()
    if args.orders:
        plan.orders = args.orders
    if args.clients:
        plan.clients = args.clients
    if args.only:
        plan.phases = tuple(name.strip() for name in args.only.split(",") if name.strip())
    return plan


def main(argv=None) -> int:
    from bench import report

    args = parse_args(argv)
    plan = plan_from(args)
    # SIGTERM ends the run like Ctrl-C does: through the finally below, which stops every process.
    signal.signal(signal.SIGTERM, _interrupt)
    env = BenchEnv(keep=args.keep)
    began = time.monotonic()
    try:
        log(f"temporary folder {env.root}; redis-server on 127.0.0.1:{env.redis_port}")
        env.start()
        results = Bench(plan, env).run()
        results["bench_seconds"] = round(time.monotonic() - began, 1)
        summary = report.summarize(results)
        results["summary"] = summary
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "latest.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
        (args.out / "latest.md").write_text(report.markdown(results))
        log(f"wrote {args.out / 'latest.json'} and latest.md in {results['bench_seconds']}s")
        for name in KEY_FIGURES + [key for key in summary if key not in KEY_FIGURES]:
            print(f"{name}: {summary.get(name)}")
        if results.get("errors"):
            log(f"some phases failed: {results['errors']}")
            return 1
        return 0
    except KeyboardInterrupt:
        log("interrupted; stopping everything")
        return 130
    finally:
        env.close()
        if args.keep:
            log(f"kept {env.root}")


if __name__ == "__main__":
    sys.exit(main())

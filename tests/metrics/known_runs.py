"""A known set of runs, steps, event records and queue samples, with chosen timestamps."""

from datetime import UTC, datetime, timedelta

from workflowviz.engine.models import EventRecord, Run, StepState
from workflowviz.metrics.models import QueueSample
from workflowviz.metrics.rollups import rollups_add

NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
WINDOW = 900  # 11:45:00 → 12:00:00; throughput buckets of 30 s, queue buckets of 5 s


def ago(seconds: float, now: datetime = NOW) -> datetime:
    return now - timedelta(seconds=seconds)


def ms(milliseconds: float) -> timedelta:
    return timedelta(milliseconds=milliseconds)


def run_make(pattern, *, started_ago, took_ms=None, status="succeeded", workflow="order-fulfilment", now=NOW) -> Run:
    run = Run.objects.create(pattern=pattern, design_slug=workflow, graph={}, status=status)
    created = ago(started_ago, now)
    finished = created + ms(took_ms) if took_ms is not None else None
    Run.objects.filter(pk=run.pk).update(created_at=created, finished_at=finished)  # created_at is auto_now_add
    run.created_at, run.finished_at = created, finished
    return run


def step_make(run, step_id, service, *, queued=None, wait=None, took=None, ended=None, status="succeeded") -> StepState:
    """Times in ms: queued `queued` after the run started, started `wait` later, finished `took` after
    that; a step that never started may still end (`ended` ms after the run started: a timeout)."""
    queued_at = run.created_at + ms(queued) if queued is not None else None
    started_at = queued_at + ms(wait) if wait is not None else None
    finished_at = started_at + ms(took) if took is not None else None
    if ended is not None:
        finished_at = run.created_at + ms(ended)
    return StepState.objects.create(
        run=run,
        step_id=step_id,
        service=service,
        action=f"{service}.{step_id}",
        status=status,
        queued_at=queued_at,
        started_at=started_at,
        finished_at=finished_at,
    )


def event_make(run, kind, step_id, service) -> EventRecord:
    seq = run.next_seq
    run.next_seq += 1
    return EventRecord.objects.create(run=run, seq=seq, service=service, kind=kind, step_id=step_id, at=NOW)


def sample_make(service, *, seconds_ago, queued=0, in_flight=0, failed=0, workers=1, now=NOW) -> QueueSample:
    at = ago(seconds_ago, now)
    return QueueSample.objects.create(
        at=at,
        second=int(at.timestamp()),
        service=service,
        queued=queued,
        in_flight=in_flight,
        failed=failed,
        workers=workers,
    )


def known_runs_make() -> dict[str, Run]:
    """Orchestration: three runs in the window (1 s, 2 s, 3 s end to end) and one before it.
    Choreography: one still running, one failed (0.5 s). One run of another workflow."""
    runs = {
        "o1": run_make("orchestration", started_ago=600, took_ms=1000),  # finished 11:50:01
        "o2": run_make("orchestration", started_ago=300, took_ms=2000),  # finished 11:55:02
        "o3": run_make("orchestration", started_ago=100, took_ms=3000, status="compensated"),  # 11:58:23
        "old": run_make("orchestration", started_ago=1000, took_ms=500),  # started before the window
        "c1": run_make("choreography", started_ago=200, status="running"),
        "c2": run_make("choreography", started_ago=50, took_ms=500, status="failed"),  # finished 11:59:10.5
        "other": run_make("choreography", started_ago=20, took_ms=700, workflow="recommendations-enrichment"),
    }
    # confirm_order waits 20/40/60 ms and runs 100/200/300 ms in orchestration.
    for index, key in enumerate(["o1", "o2", "o3"]):
        step_make(runs[key], "confirm_order", "notifications", queued=10, wait=20 * (index + 1), took=100 * (index + 1))
    # prepare_shipment is queued later in the run, so it comes second; it waits 5 ms and runs 400 ms.
    for key in ["o1", "o2", "o3"]:
        step_make(runs[key], "prepare_shipment", "sellers", queued=200, wait=5, took=400)
    step_make(runs["o3"], "assign_partner", "logistics", queued=700, ended=2500, status="failed")  # timed out
    step_make(runs["old"], "confirm_order", "notifications", queued=10, wait=9000, took=9000)
    step_make(runs["c1"], "confirm_order", "notifications", queued=30, wait=70, took=50)
    step_make(runs["c1"], "prepare_shipment", "sellers", queued=30, status="queued")
    step_make(runs["c2"], "confirm_order", "notifications", queued=30, wait=10, took=50)
    step_make(runs["c2"], "assign_partner", "logistics", queued=100, wait=10, took=30, status="failed")
    step_make(runs["other"], "points_quote", "rewards", queued=5, wait=5, took=20)

    event_make(runs["o2"], "step.retried", "prepare_shipment", "sellers")
    event_make(runs["o2"], "step.retried", "prepare_shipment", "sellers")
    # Orders (the coordinator) records the timeout, but Logistics is the service that did not answer.
    event_make(runs["o3"], "step.timed_out", "assign_partner", "orders")
    event_make(runs["o3"], "step.retried", "assign_partner", "orders")
    event_make(runs["o3"], "step.compensated", "prepare_shipment", "sellers")
    event_make(runs["o3"], "step.started", "prepare_shipment", "sellers")  # not counted
    event_make(runs["c2"], "step.retried", "assign_partner", "logistics")
    event_make(runs["old"], "step.retried", "confirm_order", "notifications")  # before the window
    # Written behind the engine's back, so counted into the rollups here, as seed_history does.
    rollups_add(Run.objects.all())
    return runs

"""Raw RQ: no-op jobs per second through the same queues, worker class and number of workers."""

import time
import uuid

from rq.utils import str_to_date

NOOP = "bench.jobs.noop"
RESULT_TTL = 60  # as the relay's jobs
PIPELINE_JOBS = 50


def _queues():
    from bench.env import service_queues
    from workflowviz.engine.queues import service_queue

    return [service_queue(name) for name in service_queues()]


def noop_jobs_run(count: int, *, timeout: float = 120) -> dict:
    """Enqueue `count` no-op jobs spread over the service queues in pipelines; time until the last finished."""
    queues = _queues()
    connection = queues[0].connection
    ids = [f"bench-noop-{uuid.uuid4().hex}" for _ in range(count)]
    started = time.time()
    for offset in range(0, count, PIPELINE_JOBS):
        chunk = ids[offset : offset + PIPELINE_JOBS]
        with connection.pipeline() as pipe:
            for index, queue in enumerate(queues):
                jobs = [
                    queue.prepare_data(NOOP, args=[], job_id=job_id, result_ttl=RESULT_TTL)
                    for job_id in chunk[index :: len(queues)]
                ]
                if jobs:
                    queue.enqueue_many(jobs, pipeline=pipe)
            pipe.execute()
    enqueued = time.time()
    deadline = time.monotonic() + timeout
    while True:
        # Cheap until the queues are empty; then one pipelined look at every job's state.
        if sum(queue.count for queue in queues) == 0:
            with connection.pipeline(transaction=False) as pipe:
                for job_id in ids:
                    pipe.hmget(f"rq:job:{job_id}", "status", "ended_at")
                states = pipe.execute()
            if all(status in (b"finished", b"failed") for status, _ in states):
                break
        if time.monotonic() > deadline:
            raise RuntimeError(f"raw RQ: the {count} no-op jobs did not all finish within {timeout}s")
        time.sleep(0.02)
    failed = sum(1 for status, _ in states if status == b"failed")
    ended = [str_to_date(ended_at).timestamp() for _, ended_at in states if ended_at]
    last = max(ended) if ended else time.time()
    elapsed = max(1e-6, last - started)
    return {
        "jobs": count,
        "failed": failed,
        "elapsed_s": round(elapsed, 3),
        "enqueue_s": round(enqueued - started, 3),
        "jobs_per_s": round(count / elapsed, 1),
    }

"""The RQ worker class: SimpleWorker (no fork per job) that honours the "service down" switch."""

import time

from redis.exceptions import RedisError
from rq.worker import SimpleWorker, WorkerStatus

from .faults import faults_cached, service_is_down

# How long one blocking dequeue waits before the worker looks at the switches again.
POLL_SECONDS = 1


class ServiceWorker(SimpleWorker):
    def _down(self) -> bool:
        try:
            faults = faults_cached(self.connection)
        except RedisError:
            return False  # Redis is away: the dequeue below waits for it to come back
        return any(service_is_down(faults, name) for name in self.queue_names())

    def _wait_while_down(self) -> None:
        if not self._down():
            return
        self.set_state(WorkerStatus.SUSPENDED)
        self.log.info("Worker %s: service switched off, not consuming", self.name)
        while self._down() and not self._stop_requested:
            self.heartbeat()
            time.sleep(0.2)
        self.set_state(WorkerStatus.IDLE)

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        # Dequeue in short waits so that switching the service off takes effect within a second.
        while not self._stop_requested:
            self._wait_while_down()
            result = super().dequeue_job_and_maintain_ttl(POLL_SECONDS, max_idle_time=POLL_SECONDS)
            if result is None:
                continue
            job, queue = result
            if self._down():
                # Switched off while we waited: put the job back where it was, first in line.
                with self.connection.pipeline() as pipe:
                    pipe.lrem(queue.intermediate_queue_key, 1, job.id)
                    pipe.lpush(queue.key, job.id)
                    pipe.execute()
                continue
            return result
        return None

"""POST /api/orders against daphne: requests per second and latency, a few concurrent clients, a Bearer token."""

import http.client
import itertools
import json
import threading
import time

from bench.workflow import REGIONS, SKUS
from workflowviz.stats import percentiles


def orders_post(*, port: int, token: str, requests: int, concurrency: int) -> dict:
    """`requests` POSTs split over `concurrency` keep-alive connections; every answer must be a 201."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            index = next(counter)
            if index >= requests:
                break
            body = json.dumps(
                {
                    "customer_email": f"api{index}@example.com",
                    "sku": SKUS[index % len(SKUS)],
                    "quantity": 1,
                    "pattern": ("orchestration", "choreography")[index % 2],
                    "region": REGIONS[index % len(REGIONS)],
                }
            )
            began = time.perf_counter()
            try:
                connection.request("POST", "/api/orders", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
                with lock:
                    errors.append(repr(error))
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    return {
        "requests": requests,
        "concurrency": concurrency,
        "seconds": round(seconds, 3),
        "requests_per_s": round(requests / seconds, 1),
        "latency_ms": percentiles(latencies),
        "statuses": {str(code): n for code, n in sorted(statuses.items())},
        "errors": errors[:5],
    }

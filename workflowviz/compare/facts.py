"""What one run did, measured from its event records, and the same figures summed up per pattern.

Plain functions over plain data (record rows as `records_load` reads them), so that every figure on
the compare page can be checked against records built with known values.
"""

import math
from collections import Counter

from workflowviz.engine.models import FINAL_RUN_STATUSES, IN_FLIGHT_STEP_STATUSES, Pattern, StepStatus
from workflowviz.engine.selectors import REASON_KINDS, reason_text
from workflowviz.stats import percentile, percentiles

LEGACY_COORDINATOR = "orders"  # runs made before designs named their coordinator
NOT_SERVICES = {"bus", "engine"}  # lanes of the timeline, not services that keep records of their own
MESSAGE_KINDS = ("command", "reply", "event", "compensate")
STATE_KINDS = {"step.started", "step.succeeded", "step.compensated", "join.waiting"}
FINAL = {str(status) for status in FINAL_RUN_STATUSES}
IN_FLIGHT = {str(status) for status in IN_FLIGHT_STEP_STATUSES}


def _ms(start, end) -> float:
    return round((end - start).total_seconds() * 1000, 1)


def _messages(records: list[dict], coordinator: str) -> tuple[dict, set[str]]:
    """Messages sent by kind, and the services the coordinator addressed by name (commands, compensations)."""
    sent = Counter()
    addressed = set()
    for record in records:
        if record["kind"] != "message.sent":
            continue
        kind = record.get("payload__kind") or "other"
        sent[kind] += 1
        if record["service"] == coordinator and kind in ("command", "compensate") and record.get("payload__to"):
            addressed.add(record["payload__to"])
    messages = {kind: sent.get(kind, 0) for kind in MESSAGE_KINDS}
    messages["total"] = sum(sent.values())
    return messages, addressed


def _published(records: list[dict], step_service: dict[str, str], publisher: str) -> tuple[set[str], set[str]]:
    """The event types the trigger's service published, and the services the bus delivered them to (it names
    none)."""
    types, receivers = set(), set()
    for record in records:
        if record["kind"] == "event.published" and record["service"] == publisher:
            types.add(record.get("payload__type") or record["message_type"] or "?")
            for step_id in record.get("payload__subscribers") or []:
                if step_id in step_service:
                    receivers.add(step_service[step_id])
    return types, receivers


# The records a service writes itself when it takes a message off its queue.
TAKEN_KINDS = {"message.received", "step.started", "message.duplicate", "message.dropped"}


def _first_taken(records: list[dict], service: str):
    """When `service` first took a message of this run off its queue (None: not yet)."""
    times = [r["at"] for r in records if r["service"] == service and r["kind"] in TAKEN_KINDS]
    return min(times) if times else None


def _fault_facts(records: list[dict], step_service: dict[str, str], service: str, finished_at) -> dict:
    """What a run did while `service` (switched off when the comparison started) had not yet taken any
    of its messages: the steps that succeeded, whether it finished, the steps that waited for it and
    how long (`waited_ms`: None while still waiting; absent when no step of it was queued)."""
    taken = _first_taken(records, service)

    def before(at) -> bool:
        return taken is None or at < taken

    done = []
    for record in records:
        if record["kind"] == "step.succeeded" and record["service"] != service and before(record["at"]):
            if record["step_id"] not in done:
                done.append(record["step_id"])
    queued = [r for r in records if r["kind"] == "step.queued" and step_service.get(r["step_id"]) == service]
    facts = {
        "done_without": done,
        "finished_without": finished_at is not None and before(finished_at),
        "held_at": list(dict.fromkeys(r["step_id"] for r in queued if before(r["at"]))),
    }
    if queued:
        facts["waited_ms"] = _ms(queued[0]["at"], taken) if taken else None
    return facts


def _failure_reason(run: dict, records: list[dict]) -> str:
    """Why a run that ended without succeeding did: the reason its first run.compensating (or final) record gives."""
    if run["status"] not in ("compensated", "failed"):
        return ""
    reasons = [record.get("payload__reason") for record in records if record["kind"] in REASON_KINDS]
    return reason_text(reasons[0] if reasons else "")


def run_facts(run: dict, records: list[dict], steps: list[dict], *, down: list[str] = ()) -> dict:
    """The figures of one run.

    `run`: {run_id, pattern, status, created_at, finished_at, graph, order_id}; `records`: its event
    records in sequence order (see records_load); `steps`: its step states {step_id, service, status};
    `down`: the services that were switched off when the comparison started.
    """
    graph = run.get("graph") or {}
    coordinator = graph.get("coordinator", LEGACY_COORDINATOR)
    step_service = {step["id"]: step.get("service", "") for step in graph.get("steps", [])}
    kinds = Counter(record["kind"] for record in records)
    messages, addressed = _messages(records, coordinator)
    published, receivers = _published(records, step_service, graph.get("trigger_service", LEGACY_COORDINATOR))
    final = run["status"] in FINAL
    if run["pattern"] == Pattern.ORCHESTRATION:
        state_in = [coordinator]  # the coordinator's run: what it knows (data) and the replies it heard (done steps)
    else:
        state_in = sorted({r["service"] for r in records if r["kind"] in STATE_KINDS} - NOT_SERVICES)
    finished_at = run["finished_at"] if final else None
    return {
        "run_id": str(run["run_id"]),
        "order_id": run.get("order_id"),
        "pattern": run["pattern"],
        "status": run["status"],
        "reason": _failure_reason(run, records),
        "latency_ms": _ms(run["created_at"], run["finished_at"]) if final and run["finished_at"] else None,
        "messages": messages,
        "retries": kinds["step.retried"],
        "timeouts": kinds["step.timed_out"],
        "compensations": kinds["step.compensated"],
        "duplicates": kinds["message.duplicate"],
        "addressed": sorted(addressed),
        "published": sorted(published),
        "receivers": sorted(receivers),
        "state_in": state_in,
        "joins": sorted({r["service"] for r in records if r["kind"] == "join.waiting"}),
        "records": len(records),
        "sources": sorted({r["service"] for r in records} - NOT_SERVICES),
        "done_steps": [s["step_id"] for s in steps if s["status"] == StepStatus.SUCCEEDED],
        "waiting_at": [
            {"step_id": s["step_id"], "service": s["service"], "status": s["status"]}
            for s in steps
            if not final and s["status"] in IN_FLIGHT
        ],
        "faults": {service: _fault_facts(records, step_service, service, finished_at) for service in down},
    }


def _union(facts: list[dict], key: str) -> list[str]:
    return sorted({value for fact in facts for value in fact[key]})


def _median(values: list[float]):
    value = percentile(values, 50)
    return None if value is None else round(value, 1)


def pattern_aggregate(facts: list[dict], *, down: list[str] = ()) -> dict:
    """One pattern's figures over its runs: outcomes, latency percentiles of finished runs, totals."""
    statuses = Counter(fact["status"] for fact in facts)
    latencies = [fact["latency_ms"] for fact in facts if fact["latency_ms"] is not None]
    messages = {kind: sum(fact["messages"][kind] for fact in facts) for kind in (*MESSAGE_KINDS, "total")}
    messages["per_order"] = _median([fact["messages"]["total"] for fact in facts])
    waiting = Counter((w["step_id"], w["service"]) for fact in facts for w in fact["waiting_at"])
    reasons = Counter(fact["reason"] for fact in facts if fact.get("reason"))
    faults = {}
    for service in down:
        each = [fact["faults"][service] for fact in facts if service in fact["faults"]]
        done = Counter(step for fault in each for step in fault["done_without"])
        held = Counter(step for fault in each for step in fault["held_at"])
        queued = [fault["waited_ms"] for fault in each if "waited_ms" in fault]
        waited = [ms for ms in queued if ms is not None]
        faults[service] = {
            "finished_without": sum(fault["finished_without"] for fault in each),
            "done_without": [{"step_id": step, "runs": runs} for step, runs in done.most_common()],
            "held_at": [{"step_id": step, "runs": runs} for step, runs in held.most_common()],
            "waited_ms": percentiles(waited),
            "still_waiting": len(queued) - len(waited),
        }
    return {
        "runs": len(facts),
        "finished": sum(statuses[status] for status in FINAL),
        "statuses": dict(sorted(statuses.items())),
        "reasons": [{"reason": reason, "runs": runs} for reason, runs in reasons.most_common()],
        "latency_ms": percentiles(latencies),
        "messages": messages,
        "retries": sum(fact["retries"] for fact in facts),
        "timeouts": sum(fact["timeouts"] for fact in facts),
        "compensations": sum(fact["compensations"] for fact in facts),
        "duplicates": sum(fact["duplicates"] for fact in facts),
        "addressed": _union(facts, "addressed"),
        "published": _union(facts, "published"),
        "receivers": _union(facts, "receivers"),
        "state_in": _union(facts, "state_in"),
        "joins": _union(facts, "joins"),
        "records": {"total": sum(f["records"] for f in facts), "per_order": _median([f["records"] for f in facts])},
        "sources": _union(facts, "sources"),
        "waiting_at": [
            {"step_id": step, "service": service, "runs": runs} for (step, service), runs in waiting.most_common()
        ],
        "faults": faults,
    }


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))


def latency_distribution(latencies: dict[str, list[float]], *, buckets: int = 12) -> dict:
    """A histogram per pattern over the same buckets: edges [e0, e1, …] in ms, counts per [e_i, e_i+1)."""
    values = [value for each in latencies.values() for value in each]
    if not values:
        return {"unit": "ms", "edges": [], "counts": {pattern: [] for pattern in latencies}}
    low, high = min(values), max(values)
    span = high - low or max(high * 0.1, 1.0)
    step = _nice_step(span / buckets)
    start = math.floor(low / step) * step
    size = int((high - start) // step) + 1
    edges = [round(start + i * step, 3) for i in range(size + 1)]
    counts = {}
    for pattern, each in latencies.items():
        row = [0] * size
        for value in each:
            row[min(size - 1, int((value - start) // step))] += 1
        counts[pattern] = row
    return {"unit": "ms", "edges": edges, "counts": counts}

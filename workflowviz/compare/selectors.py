"""Reads of comparisons: each run's facts from its records, the per-pattern table, the notes."""

from collections import defaultdict

from django.db.models import Count

from orders.models import Product
from workflowviz.engine.models import EventRecord, Run, StepState

from .facts import FINAL, latency_distribution, pattern_aggregate, run_facts
from .models import Comparison, ComparisonRun
from .notes import comparison_notes
from .table import comparison_table
from .words import PATTERNS, Words, fault_text, words_for

# The payload keys the facts need; message bodies and results are never read.
RECORD_FIELDS = ["run_id", "seq", "service", "kind", "step_id", "message_type", "at"]
PAYLOAD_KEYS = ["payload__kind", "payload__to", "payload__type", "payload__subscribers", "payload__reason"]
RUN_FIELDS = ["id", "pattern", "status", "created_at", "finished_at", "graph", "order_id"]


def records_load(run_ids: list) -> dict[str, list[dict]]:
    """Each run's event records in sequence order, with only the payload keys the facts use."""
    records = defaultdict(list)
    rows = EventRecord.objects.filter(run_id__in=run_ids).order_by("run_id", "seq")
    for row in rows.values(*RECORD_FIELDS, *PAYLOAD_KEYS):
        records[str(row["run_id"])].append(row)
    return records


def down_services(comparison: Comparison) -> list[str]:
    return [fault["service"] for fault in comparison.faults or [] if fault.get("down")]


def comparison_facts(comparison: Comparison) -> dict[str, list[dict]]:
    """Pattern → the facts of its runs, by index."""
    members = list(comparison.runs.order_by("index", "pattern").values("run_id", "pattern", "index"))
    ids = [member["run_id"] for member in members]
    runs = {run["id"]: run for run in Run.objects.filter(pk__in=ids).values(*RUN_FIELDS)}
    steps = defaultdict(list)
    states = StepState.objects.filter(run_id__in=ids).order_by("id")
    for step in states.values("run_id", "step_id", "service", "status"):
        steps[step["run_id"]].append(step)
    records = records_load(ids)
    down = down_services(comparison)
    facts = {pattern: [] for pattern in PATTERNS}
    for member in members:
        run = runs.get(member["run_id"])
        if run is None:
            continue
        run = {**run, "run_id": run["id"]}
        fact = run_facts(run, records.get(str(run["id"]), []), steps[run["id"]], down=down)
        facts[member["pattern"]].append({"index": member["index"], **fact})
    return facts


def _settings_json(comparison: Comparison, product_names: dict | None = None) -> dict:
    if product_names is None:
        product_names = dict(Product.objects.filter(sku=comparison.sku).values_list("sku", "name"))
    product = product_names.get(comparison.sku)
    return {
        "input": comparison.input,
        "sku": comparison.sku,
        "product_name": product or comparison.sku,
        "quantity": comparison.quantity,
        "customer_email": comparison.customer_email,
        "region": comparison.region,
        "workflow": comparison.workflow,
        "policy": comparison.policy,
        "count": comparison.count,
    }


def comparison_summary_json(
    comparison: Comparison, progress: dict | None = None, product_names: dict | None = None
) -> dict:
    return {
        "id": str(comparison.id),
        "url": f"/compare/{comparison.id}/",
        "api_url": f"/api/comparisons/{comparison.id}",
        "created_at": comparison.created_at.isoformat(),
        "created_by": comparison.created_by.get_username() if comparison.created_by else None,
        "settings": _settings_json(comparison, product_names),
        "faults": comparison.faults,
        "faults_text": [fault_text(fault) for fault in comparison.faults or []],
        "stopped": comparison.stopped,
        **({"progress": progress} if progress is not None else {}),
    }


def comparison_words(comparison: Comparison) -> Words:
    """The design's words: its coordinator's name, and "order" or "run" (from one of its runs' graph)."""
    member = comparison.runs.select_related("run").first()
    graph = member.run.graph if member else {}
    return words_for(trigger=graph.get("trigger", "OrderPlaced"), coordinator=graph.get("coordinator", "orders"))


def comparison_detail_json(comparison: Comparison) -> dict:
    facts = comparison_facts(comparison)
    down = down_services(comparison)
    aggregate = {pattern: pattern_aggregate(facts[pattern], down=down) for pattern in PATTERNS}
    latencies = {p: [f["latency_ms"] for f in facts[p] if f["latency_ms"] is not None] for p in PATTERNS}
    by_index = defaultdict(dict)
    for pattern in PATTERNS:
        for fact in facts[pattern]:
            by_index[fact["index"]][pattern] = fact["run_id"]
    finished = all(fact["status"] in FINAL for pattern in PATTERNS for fact in facts[pattern])
    words = comparison_words(comparison)
    return {
        **comparison_summary_json(comparison),
        "finished": finished,
        "runs": facts,
        "pairs": [{"index": index, **by_index[index]} for index in sorted(by_index)],
        "aggregate": aggregate,
        "distribution": latency_distribution(latencies),
        "table": comparison_table(aggregate, down=down, words=words),
        "notes": comparison_notes(aggregate, down=down, faults_known=comparison.faults is not None, words=words),
    }


def comparison_progress(comparison_ids: list) -> dict:
    """Comparison id → pattern → {runs, finished}: one query for a list of comparisons."""
    progress = defaultdict(lambda: {pattern: {"runs": 0, "finished": 0} for pattern in PATTERNS})
    rows = (
        ComparisonRun.objects.filter(comparison_id__in=comparison_ids)
        .values("comparison_id", "pattern", "run__status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        each = progress[str(row["comparison_id"])][row["pattern"]]
        each["runs"] += row["n"]
        if row["run__status"] in FINAL:
            each["finished"] += row["n"]
    return progress


def comparison_list(*, limit: int = 20) -> list[dict]:
    comparisons = list(Comparison.objects.select_related("created_by").order_by("-created_at")[:limit])
    progress = comparison_progress([c.id for c in comparisons])
    names = dict(Product.objects.filter(sku__in={c.sku for c in comparisons}).values_list("sku", "name"))
    return [comparison_summary_json(c, progress[str(c.id)], names) for c in comparisons]

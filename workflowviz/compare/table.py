"""The table of what differed: one row per figure, a column per pattern, as the page shows it."""

from .words import PATTERNS, Words, label, labels, listing, ms_text, plural

MESSAGE_WORDS = {
    "command": ("command",),
    "reply": ("reply", "replies"),
    "event": ("event delivery", "event deliveries"),
    "compensate": ("compensation command",),
}
STATUS_ORDER = ["succeeded", "compensated", "failed", "compensating", "running"]


def _outcome(agg: dict) -> str:
    if not agg["runs"]:
        return "–"
    parts = [f"{agg['statuses'][s]} {s}" for s in STATUS_ORDER if agg["statuses"].get(s)]
    text = ", ".join(parts)
    if agg.get("reasons"):  # why the runs that did not succeed ended so: "12 no partner with room in north"
        text += " — " + "; ".join(f"{r['runs']} {r['reason']}" for r in agg["reasons"][:3])
    if agg["waiting_at"]:
        held = "; ".join(f"{w['runs']} at {w['step_id']} ({label(w['service'])})" for w in agg["waiting_at"][:3])
        text += f" · waiting: {held}"
    return text


def _messages(agg: dict, w: Words) -> str:
    messages = agg["messages"]
    kinds = [plural(messages[kind], *MESSAGE_WORDS[kind]) for kind in MESSAGE_WORDS if messages[kind]]
    per_order = messages["per_order"]
    head = f"{messages['total']}" + (f" ({per_order:g} per {w.unit})" if per_order is not None else "")
    return f"{head}: {', '.join(kinds)}" if kinds else head


def _addressed(agg: dict) -> str:
    if agg["addressed"]:
        return f"{len(agg['addressed'])}: {labels(agg['addressed'])}"
    if agg["published"]:
        receivers = f"; the bus delivered it to {labels(agg['receivers'])}" if agg["receivers"] else ""
        return f"0 (publishes {listing(agg['published'])}{receivers})"
    return "0"


def _state(pattern: str, agg: dict, w: Words) -> str:
    if not agg["runs"]:
        return "–"
    if pattern == "orchestration":
        return f"in {w.coordinator}: the coordinator's run (its data and the replies it heard)"
    if not agg["state_in"]:
        return "nowhere yet"
    joins = f"; joins kept by {labels(agg['joins'])}" if agg["joins"] else ""
    return f"spread over {labels(agg['state_in'])}, each its own part{joins}"


def _records(agg: dict, w: Words) -> str:
    per_order = agg["records"]["per_order"]
    if per_order is None:
        return "–"
    return f"{per_order:g} per {w.unit}, written by {plural(len(agg['sources']), 'service')}"


def _finished(agg: dict, service: str) -> str:
    return f"{agg['faults'][service]['finished_without']} of {agg['runs']}" if agg["runs"] else "–"


def _done_without(agg: dict, service: str) -> str:
    if not agg["runs"]:
        return "–"
    done = [f"{d['step_id']} in {d['runs']} of {agg['runs']}" for d in agg["faults"][service]["done_without"]]
    return "; ".join(done) or "nothing"


def _waited(agg: dict, service: str) -> str:
    fault = agg["faults"][service]
    if not fault["held_at"]:
        return "no step of it queued"
    where = "; ".join(f"{h['step_id']} in {h['runs']} of {agg['runs']}" for h in fault["held_at"])
    waited, still = fault["waited_ms"], fault["still_waiting"]
    text = f"{where}: p50 {ms_text(waited['p50'])}, max {ms_text(waited['max'])}" if waited["n"] else where
    return text + (f"; {still} still waiting" if still else "")


def comparison_table(aggregate: dict, *, down: list[str], words: Words | None = None) -> list[dict]:
    """Rows {key, label, orchestration, choreography, differs}."""
    w = words or Words()
    fault = f" ({labels(down)} off at start)" if down else ""

    def latency(q):
        return lambda pattern, agg: ms_text(agg["latency_ms"][q])

    rows = [
        ("finished", f"{w.units.capitalize()} finished", lambda p, a: f"{a['finished']} of {a['runs']}"),
        ("outcome", f"Outcome{fault}", lambda p, a: _outcome(a)),
        ("latency_p50", "End-to-end latency p50", latency("p50")),
        ("latency_p95", "End-to-end latency p95", latency("p95")),
        ("latency_p99", "End-to-end latency p99", latency("p99")),
        ("latency_max", "End-to-end latency max", latency("max")),
        ("messages", "Messages sent", lambda p, a: _messages(a, w)),
        ("addressed", f"Services {w.coordinator} must know", lambda p, a: _addressed(a)),
        ("state", f"Where the {w.unit}'s state lives", lambda p, a: _state(p, a, w)),
        ("retries", "Retries", lambda p, a: str(a["retries"])),
        ("timeouts", "Timeouts", lambda p, a: str(a["timeouts"])),
        ("compensations", "Compensations (steps undone)", lambda p, a: str(a["compensations"])),
        ("duplicates", "Duplicate deliveries ignored", lambda p, a: str(a["duplicates"])),
        (
            "records",
            f"Records to reconstruct {'an' if w.unit[0] in 'aeiou' else 'a'} {w.unit}",
            lambda p, a: _records(a, w),
        ),
    ]
    for service in down:
        name = label(service)
        rows += [
            (f"finished_without_{service}", f"Finished before {name} took a message", _bind(_finished, service)),
            (f"done_without_{service}", f"Done before {name} took a message", _bind(_done_without, service)),
            (f"waited_{service}", f"Waited for {name} (in its queue)", _bind(_waited, service)),
        ]
    table = []
    for key, title, value in rows:
        cells = {pattern: value(pattern, aggregate[pattern]) for pattern in PATTERNS}
        table.append({"key": key, "label": title, **cells, "differs": len(set(cells.values())) > 1})
    return table


def _bind(function, service):
    return lambda pattern, agg: function(agg, service)

"""Short notes on what the measured figures show: coupling, robustness, observability, extensibility.

Every sentence is built from the aggregates of this comparison; a note whose figures are missing
(nothing finished yet, no fault on) is left out rather than guessed.
"""

from .facts import FINAL
from .words import Words, label, labels, listing, ms_text, plural

ORCH, CHOREO = "orchestration", "choreography"


def _so_far(o: dict, c: dict) -> str:
    """Figures that still grow while runs run say so."""
    return " so far" if o["finished"] < o["runs"] or c["finished"] < c["runs"] else ""


def _coupling(o: dict, c: dict, w: Words) -> str | None:
    if not (o["runs"] and c["runs"]):
        return None
    named = plural(len(o["addressed"]), "service")
    text = f"{w.coordinator} addressed {named} by name in orchestration"
    if o["addressed"]:
        text += f" ({labels(o['addressed'])})"
    text += f" and {len(c['addressed']) or 'none'} in choreography"
    if c["published"]:
        text += f", where it only published {listing(c['published'])}"
        if c["receivers"]:
            text += f" and the bus delivered it to {labels(c['receivers'])}"
    return text + "."


def _messages(o: dict, c: dict, w: Words) -> str | None:
    mo, mc = o["messages"], c["messages"]
    if mo["per_order"] is None or mc["per_order"] is None:
        return None
    text = (
        f"Messages per {w.unit} (median{_so_far(o, c)}): {mo['per_order']:g} in orchestration "
        f"({plural(mo['command'], 'command')} and {plural(mo['reply'], 'reply', 'replies')} to the coordinator "
        "in all), "
        f"{mc['per_order']:g} in choreography ({plural(mc['event'], 'event delivery', 'event deliveries')} in all)"
    )
    return text + "."


def _latency(o: dict, c: dict, w: Words) -> str | None:
    lo, lc = o["latency_ms"], c["latency_ms"]
    if not lo["n"] and not lc["n"]:
        return None
    if not lo["n"] or not lc["n"]:
        done, none = (ORCH, CHOREO) if lo["n"] else (CHOREO, ORCH)
        p50 = ms_text((lo if lo["n"] else lc)["p50"])
        return f"No {none} {w.unit} has finished yet; {done}'s finished {w.units} took {p50} (p50)."
    text = f"End-to-end latency p50: {ms_text(lo['p50'])} in orchestration, {ms_text(lc['p50'])} in choreography"
    if lo["p50"] != lc["p50"]:
        faster, slower = (ORCH, lc["p50"]) if lo["p50"] < lc["p50"] else (CHOREO, lo["p50"])
        gap = abs(lo["p50"] - lc["p50"])
        text += f": {faster} was faster by {ms_text(gap)} ({gap / slower:.0%})"
    text += f"; p95 {ms_text(lo['p95'])} against {ms_text(lc['p95'])} ({lo['n']} and {lc['n']} finished {w.units})."
    ends_o, ends_c = _ends(o), _ends(c)
    if ends_o != ends_c:
        text += (
            f" The outcomes differ (orchestration {ends_o}, choreography {ends_c}): the times measure different ends."
        )
    return text


def _ends(agg: dict) -> str:
    return ", ".join(f"{n} {status}" for status, n in agg["statuses"].items() if status in FINAL)


def _before(agg: dict, service: str, w: Words) -> str:
    fault = agg["faults"][service]
    done = listing(f"{d['step_id']} in {d['runs']} of {agg['runs']}" for d in fault["done_without"])
    return f"finished {fault['finished_without']} of {agg['runs']} {w.units} and did " + (done or "no step")


def _waited(agg: dict, service: str, w: Words) -> str:
    fault = agg["faults"][service]
    if not fault["held_at"]:
        return "no step"
    where = listing(f"{h['step_id']} in {h['runs']} of {agg['runs']} {w.units}" for h in fault["held_at"])
    waited, still = fault["waited_ms"], fault["still_waiting"]
    detail = [f"p50 {ms_text(waited['p50'])} in its queue"] if waited["n"] else []
    if still:
        detail.append(f"{still} still waiting" if waited["n"] else "all still waiting")
    return f"at {where} ({'; '.join(detail)})"


def _fault(o: dict, c: dict, service: str, w: Words) -> list[str]:
    name = label(service)
    notes = [
        f"With {name} off at the start, before {name} took a message: orchestration {_before(o, service, w)}; "
        f"choreography {_before(c, service, w)}.",
    ]
    if o["faults"][service]["held_at"] or c["faults"][service]["held_at"]:
        notes.append(
            f"Waited for {name}: orchestration {_waited(o, service, w)}, choreography {_waited(c, service, w)}."
        )
    if o["timeouts"] and not c["timeouts"]:
        notes.append(
            f"The orchestration coordinator timed out {plural(o['timeouts'], 'command')} and retried "
            f"{plural(o['retries'], 'time')}; choreography has no coordinator to time out: its events stayed in the "
            "queues until a service took them."
        )
    if o["compensations"] != c["compensations"]:
        notes.append(
            f"Compensations: {o['compensations']} steps undone in orchestration, {c['compensations']} in choreography."
        )
    return notes


def _robustness(o: dict, c: dict, down: list[str], faults_known: bool, w: Words) -> list[str]:
    notes = [note for service in down for note in _fault(o, c, service, w)]
    if down:
        return notes
    if not faults_known:
        notes.append("The fault switches could not be read when this comparison started.")
    if any(a[k] for a in (o, c) for k in ("retries", "timeouts", "compensations")):
        notes.append(
            f"Retries {o['retries']} against {c['retries']}, timeouts {o['timeouts']} against {c['timeouts']}, "
            f"compensations {o['compensations']} against {c['compensations']} (orchestration against choreography)."
        )
    return notes


def _observability(o: dict, c: dict, w: Words) -> str | None:
    ro, rc = o["records"]["per_order"], c["records"]["per_order"]
    if ro is None or rc is None:
        return None
    spread = f"spreads it over {labels(c['state_in'])}" if c["state_in"] else "keeps it in no single place"
    joins = f" (joins kept by {labels(c['joins'])})" if c["joins"] else ""
    return (
        f"Orchestration keeps the {w.unit}'s state in one place, the coordinator's run in {w.coordinator}; "
        f"choreography {spread}{joins}. One {w.unit}'s timeline took {ro:g} records written by "
        f"{plural(len(o['sources']), 'service')} "
        f"in orchestration and {rc:g} by {plural(len(c['sources']), 'service')} in choreography{_so_far(o, c)}."
    )


def _extensibility(o: dict, c: dict, w: Words) -> str | None:
    if not c["receivers"]:
        return None
    text = (
        f"In choreography {labels(c['receivers'])} subscribed to {listing(c['published'])}: "
        f"a new subscriber needs no change to {w.coordinator}"
    )
    commanded = [service for service in c["receivers"] if service in o["addressed"]]
    if commanded:
        text += f"; in orchestration the coordinator sent each of {labels(commanded)} a command of its own"
    text += "."
    return text


def comparison_notes(
    aggregate: dict, *, down: list[str], faults_known: bool = True, words: Words | None = None
) -> list[dict]:
    """[{topic, text}] in reading order."""
    o, c, w = aggregate[ORCH], aggregate[CHOREO], words or Words()
    notes = [
        ("coupling", _coupling(o, c, w)),
        ("coupling", _messages(o, c, w)),
        ("latency", _latency(o, c, w)),
        *[("robustness", text) for text in _robustness(o, c, down, faults_known, w)],
        ("observability", _observability(o, c, w)),
        ("extensibility", _extensibility(o, c, w)),
    ]
    return [{"topic": topic, "text": text} for topic, text in notes if text]

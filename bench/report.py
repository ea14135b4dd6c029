"""The key figures and the Markdown report, from the results of one run."""

import json

from workflowviz.stats import ratio

PATTERNS = ("orchestration", "choreography")
TARGETS = {
    "steps_per_s_ratio_vs_raw_rq": (">=", 0.75),
    "speedup_vs_default_django_rq": (">=", 3.0),
    "ws_p95_ratio_vs_raw": ("<=", 2.0),
    "timeline_5000_first_render_ms": ("<", 1000),
    "lost_events": ("<=", 0),
    "database_locked_errors": ("<=", 0),
    "channel_layer_over_capacity": ("<=", 0),
}


def _get(data, *path):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _min(values):
    values = [value for value in values if value is not None]
    return min(values) if values else None


def summarize(results: dict) -> dict:
    """Flat `name: value` figures; the issue's five first."""
    raw = _get(results, "raw_rq", "jobs_per_s")
    ours = {pattern: _get(results, "workflow", pattern, "steps_per_s") for pattern in PATTERNS}
    forking = {pattern: _get(results, "default_django_rq", pattern, "steps_per_s") for pattern in PATTERNS}
    ws_ours = _get(results, "websocket", "workflowviz", "latency_ms") or {}
    ws_raw = _get(results, "websocket", "raw_channel_layer", "latency_ms") or {}
    ws_raw_daphne = _get(results, "websocket", "raw_daphne", "latency_ms") or {}
    logs = results.get("logs") or {}
    failed = results.get("failed_jobs") or {}
    summary = {
        "steps_per_s_ratio_vs_raw_rq": _min(ratio(ours[p], raw) for p in PATTERNS),
        "speedup_vs_default_django_rq": _min(ratio(ours[p], forking[p]) for p in PATTERNS),
        "ws_p95_ratio_vs_raw": ratio(ws_ours.get("p95"), ws_raw.get("p95")),
        "timeline_5000_first_render_ms": _get(results, "render", "first_render_ms"),
        "lost_events": _get(results, "websocket", "workflowviz", "lost_events"),
        "database_locked_errors": max(logs.get("database_locked", 0), failed.get("database_locked", 0)),
        "channel_layer_over_capacity": logs.get("over_capacity", 0),
        "raw_rq_jobs_per_s": raw,
        "ws_p95_ratio_vs_raw_daphne": ratio(ws_ours.get("p95"), ws_raw_daphne.get("p95")),
    }
    for pattern in PATTERNS:
        summary[f"steps_per_s_{pattern}"] = ours[pattern]
        summary[f"orders_per_s_{pattern}"] = _get(results, "workflow", pattern, "orders_per_s")
        summary[f"steps_per_s_ratio_vs_raw_rq_{pattern}"] = ratio(ours[pattern], raw)
        summary[f"default_django_rq_steps_per_s_{pattern}"] = forking[pattern]
        summary[f"speedup_vs_default_django_rq_{pattern}"] = ratio(ours[pattern], forking[pattern])
    summary["default_django_rq_noop_jobs_per_s"] = _get(results, "default_django_rq", "raw_rq", "jobs_per_s")
    for name, figures in (("ws", ws_ours), ("ws_raw", ws_raw), ("ws_raw_daphne", ws_raw_daphne)):
        for q in ("p50", "p95", "p99"):
            summary[f"{name}_{q}_ms"] = figures.get(q)
    summary["api_orders_per_s"] = _get(results, "api", "requests_per_s")
    summary["api_p95_ms"] = _get(results, "api", "latency_ms", "p95")
    for point in results.get("scaling") or []:
        n = point["workers_per_queue"]
        summary[f"scaling_raw_rq_jobs_per_s_{n}w"] = _get(point, "raw_rq", "jobs_per_s")
        summary[f"scaling_steps_per_s_{n}w"] = _get(point, "workflowviz", "steps_per_s")
    summary["failed_jobs"] = failed.get("total")
    summary["bench_seconds"] = results.get("bench_seconds")
    return summary


def _met(name, value) -> str:
    if value is None or name not in TARGETS:
        return ""
    op, target = TARGETS[name]
    ok = {">=": value >= target, "<=": value <= target, "<": value < target}[op]
    return f"{'met' if ok else 'NOT met'} ({op} {target})"


def _fmt(value) -> str:
    return "–" if value is None else str(value)


def _lat(figures: dict | None) -> str:
    figures = figures or {}
    return " / ".join(_fmt(figures.get(q)) for q in ("p50", "p95", "p99"))


def markdown(results: dict) -> str:
    s = results["summary"]
    m = results.get("machine", {})
    plan = results.get("plan", {})
    classes = results.get("worker_classes", {})
    lines = [
        "# workflowviz benchmark (`make bench`)",
        "",
        f"{m.get('date', '')} · {m.get('cpus')} CPU(s) {m.get('cpu', '')} · Python {m.get('python', '')} · "
        f"{results.get('bench_seconds')} s for the whole run.",
        f"Orders per pattern: {plan.get('orders')}; websocket clients: {plan.get('clients')}. "
        "Every process (Redis, workers, reconciler, daphne) ran on this one machine, with SQLite. "
        f"Load average (1/5/15 min) at start {m.get('load_average_at_start')}, at end {m.get('load_average_at_end')}: "
        "other work on the machine during the run skews every figure.",
        "",
        "## Targets (issue 7)",
        "",
        "| figure | value | target |",
        "| --- | --- | --- |",
    ]
    for name in TARGETS:
        lines.append(f"| `{name}` | {_fmt(s.get(name))} | {_met(name, s.get(name))} |")
    lines += [
        "",
        f"## Throughput, one worker per service queue ({len(results.get('service_queues') or [])} workers: "
        f"{', '.join(results.get('service_queues') or [])})",
        "",
        "| set-up | worker class | jobs/s (no-op) | steps/s orch. | steps/s chor. | orders/s orch. | orders/s chor. |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| raw RQ | `{classes.get('raw')}` | {_fmt(s.get('raw_rq_jobs_per_s'))} | | | | |",
        f"| workflowviz | `{classes.get('workflowviz')}` | | {_fmt(s.get('steps_per_s_orchestration'))} | "
        f"{_fmt(s.get('steps_per_s_choreography'))} | {_fmt(s.get('orders_per_s_orchestration'))} | "
        f"{_fmt(s.get('orders_per_s_choreography'))} |",
    ]
    forking = results.get("default_django_rq") or {}
    cells = [_get(forking, "raw_rq", "jobs_per_s")]
    cells += [_get(forking, pattern, key) for key in ("steps_per_s", "orders_per_s") for pattern in PATTERNS]
    lines.append(
        f"| default django-rq | `{classes.get('default_django_rq')}` | " + " | ".join(_fmt(c) for c in cells) + " |"
    )
    lines += [
        "",
        f"Policy overrides on the bench's orders: `{json.dumps(results.get('policy_overrides'))}` (a burst "
        "waits in the queues for longer than the design's 30 s step timeout; the bench measures the hot path, not "
        "timeouts). A step is one of the design's four steps done; orchestration takes two jobs per step (command, "
        "reply), choreography one. The forking set-up ran "
        f"{plan.get('forking_orders')} orders per pattern.",
        "",
        "| run | orders | seconds | steps/s | messages/s | run duration p50 / p95 ms | statuses | resends "
        "| CPU ms per step: workers / reconciler / redis / bench process |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    runs = [(f"workflowviz {p}", _get(results, "workflow", p)) for p in PATTERNS]
    runs += [(f"default django-rq {p}", forking.get(p)) for p in PATTERNS]
    for label, r in runs:
        if not r:
            continue
        cpu = r.get("cpu_ms_per_step") or {}
        lines.append(
            f"| {label} | {r['orders']} | {r['elapsed_s']} | {r['steps_per_s']} | {r['messages_per_s']} | "
            f"{_fmt(r['run_ms'].get('p50'))} / {_fmt(r['run_ms'].get('p95'))} | "
            f"{', '.join(f'{k} {v}' for k, v in r['statuses'].items())} | {r['reconciler_resends']} | "
            + " / ".join(_fmt(cpu.get(k)) for k in ("workers", "reconciler", "redis", "bench process"))
            + " |"
        )
    lines += [
        "",
        "## Scaling (orchestration)",
        "",
        "| workers per queue | raw RQ jobs/s | workflowviz steps/s | curve |",
    ]
    lines.append("| --- | --- | --- | --- |")
    curve = results.get("scaling") or []
    top = max([_get(p, "workflowviz", "steps_per_s") or 0 for p in curve] + [1])
    for point in curve:
        steps = _get(point, "workflowviz", "steps_per_s")
        bar = "█" * round(20 * (steps or 0) / top)
        lines.append(
            f"| {point['workers_per_queue']} | {_fmt(_get(point, 'raw_rq', 'jobs_per_s'))} | {_fmt(steps)} | `{bar}` |"
        )
    ws = results.get("websocket") or {}
    ours, raw = ws.get("workflowviz") or {}, ws.get("raw_channel_layer") or {}
    raw_daphne = ws.get("raw_daphne") or {}
    lines += [
        "",
        "## Event to websocket",
        "",
        "| path | clients | messages | p50 / p95 / p99 ms | lost |",
        "| --- | --- | --- | --- | --- |",
        f"| workflowviz (commit → browser socket, per batch) | {_fmt(ours.get('clients'))} | "
        f"{_fmt(ours.get('batches_per_client'))} per client | {_lat(ours.get('latency_ms'))} | "
        f"{_fmt(ours.get('lost_events'))} records |",
        f"| workflowviz (last record's time → socket, per batch) | | | "
        f"{_lat(ours.get('latency_ms_from_last_record'))} | |",
        f"| workflowviz (record time → socket, per record) | | {_fmt(ours.get('event_records'))} records | "
        f"{_lat(ours.get('record_latency_ms'))} | |",
        f"| … batches from placement (bench process) / from workers | | | "
        f"{_lat(ours.get('latency_ms_placement_batches'))} · {_lat(ours.get('latency_ms_worker_batches'))} | |",
        f"| … commit → a channel-layer subscriber of the same group (before daphne) | 1 | | "
        f"{_lat(ours.get('latency_ms_to_channel_layer_subscriber'))} | |",
        f"| raw channel layer group_send | {_fmt(raw.get('clients'))} | {_fmt(raw.get('messages'))} | "
        f"{_lat(raw.get('latency_ms'))} | {_fmt(raw.get('lost_messages'))} messages |",
        f"| raw stack: group_send → bare consumer under daphne → websocket | {_fmt(raw_daphne.get('clients'))} | "
        f"{_fmt(raw_daphne.get('messages'))} | {_lat(raw_daphne.get('latency_ms'))} | "
        f"{_fmt(raw_daphne.get('lost_messages'))} messages |",
        "",
        f"Orders placed at {_fmt(ours.get('order_rate_per_s'))}/s (both patterns in turn); the raw sender "
        f"matched the {_fmt(ours.get('batch_rate_per_s'))} batches/s and {_fmt(ours.get('events_per_batch'))} "
        "records per batch that the clients received.",
    ]
    api = results.get("api") or {}
    render = results.get("render") or {}
    lines += [
        "",
        "## HTTP API and page",
        "",
        f"- `POST /api/orders`: {_fmt(api.get('requests_per_s'))} requests/s over {_fmt(api.get('concurrency'))} "
        f"connections; latency p50 / p95 / p99 {_lat(api.get('latency_ms'))} ms; statuses {api.get('statuses')}.",
        f"- Timeline first render, {_fmt(render.get('records'))} records: {_fmt(render.get('first_render_ms'))} ms "
        "from navigation start to the timeline drawn, records' fetch included (median of the loads"
        + (f"; error: {render['error']}" if render.get("error") else "")
        + ").",
    ]
    if render.get("draw_ms_median") is not None:
        live = render.get("live_append") or {}
        lines.append(
            f"  The page's own draw (records in hand → drawn): median {_fmt(render.get('draw_ms_median'))} ms, "
            f"max {_fmt(render.get('draw_ms_max'))} ms; live appends afterwards: update p95 "
            f"{_fmt(live.get('update_ms_p95'))} ms, frame p95 {_fmt(live.get('frame_ms_p95'))} ms."
        )
    logs = results.get("logs") or {}
    lines += [
        "",
        "## Errors in the logs",
        "",
        f'- "database is locked": {_fmt(s.get("database_locked_errors"))}; channel layer "over capacity": '
        f"{_fmt(s.get('channel_layer_over_capacity'))}; tracebacks: {_fmt(logs.get('tracebacks'))}; "
        f"failed jobs: {_fmt(s.get('failed_jobs'))}.",
        "",
        *(f"- phase `{name}` failed: {error}" for name, error in (results.get("errors") or {}).items()),
        "",
        "Reproduce: `make bench` (or `.venv/bin/python -m bench --orders N --clients M`, `--quick` for a smoke run).",
        "",
    ]
    return "\n".join(lines)

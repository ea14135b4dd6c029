"""How fast the run page draws a big run in headless Chromium: reusable by the tests and `make bench`.

    python -m bench.browser_render --base-url http://127.0.0.1:8000 --username admin --password …

creates a run of 5,000 event records in the configured database, opens its page in Chromium (Debian's
/usr/bin/chromium through Playwright), prints the figures as JSON, and deletes the run.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SERVICES = ["notifications", "sellers", "logistics"]
CHAINS = 4


def synthetic_run_create(*, records: int = 5000, seed: int = 7):
    """A finished orchestration run holding exactly `records` event records, written straight to the DB.

    Steps run in CHAINS parallel chains over the three step services; each step is a command, its
    queue wait and execution, and the reply to the coordinator (8 records), as the engine writes them.
    """
    import uuid

    from workflowviz.engine.models import EventRecord, Run, RunStatus, StepState, StepStatus

    rng = random.Random(seed)
    steps_count = max(1, (records - 3) // 8)
    steps = [
        {
            "id": f"step_{index:04d}",
            "action": f"{SERVICES[index % len(SERVICES)]}.synthetic",
            "service": SERVICES[index % len(SERVICES)],
            "after": [f"step_{index - CHAINS:04d}"] if index >= CHAINS else [],
            "policy": {"max_attempts": 1, "latency_ms": [0, 0]},
        }
        for index in range(steps_count)
    ]
    start = datetime.now(UTC) - timedelta(minutes=5)
    run = Run.objects.create(
        pattern="orchestration",
        design_slug="synthetic",
        graph={"steps": steps},
        status=RunStatus.SUCCEEDED,
    )
    rows = []
    states = []

    def add(at, service, kind, step_id="", message_id=None, message_type="", payload=None):
        rows.append(
            EventRecord(
                run=run,
                seq=len(rows) + 1,
                service=service,
                kind=kind,
                step_id=step_id,
                message_id=message_id,
                message_type=message_type,
                payload=payload or {},
                at=at,
            )
        )

    add(start, "orders", "run.started", payload={"pattern": "orchestration", "design": "synthetic", "version": 1})
    add(start, "orders", "coordinator.decided", payload={"after": "OrderPlaced"})
    chain_time = [start] * CHAINS
    for index, step in enumerate(steps):
        chain = index % CHAINS
        sent = chain_time[chain] + timedelta(milliseconds=rng.uniform(0.5, 3))
        started = sent + timedelta(milliseconds=rng.uniform(1, 25))
        finished = started + timedelta(milliseconds=rng.uniform(5, 60))
        replied = finished + timedelta(milliseconds=rng.uniform(1, 10))
        command, reply = uuid.uuid4(), uuid.uuid4()
        service, step_id = step["service"], step["id"]
        body = {"order_id": 1, "step": step_id}
        add(sent, "orders", "message.sent", step_id, command, "Do", {"kind": "command", "to": service, "body": body})
        add(sent, service, "step.queued", step_id)
        wait = (started - sent).total_seconds() * 1000
        add(started, service, "message.received", step_id, command, "Do", {"kind": "command", "queue_wait_ms": wait})
        add(started, service, "step.started", step_id, payload={"attempt": 1})
        result = {"order_id": 1, "shipment_id": index + 1}
        add(finished, service, "step.succeeded", step_id, payload={"event": "Done", "result": result, "ms": 1})
        add(
            finished, service, "message.sent", step_id, reply, "Done", {"kind": "reply", "to": "orders", "body": result}
        )
        add(replied, "orders", "message.received", step_id, reply, "Done", {"kind": "reply", "from": service})
        add(replied, "orders", "coordinator.decided", step_id, payload={"after": "Done"})
        chain_time[chain] = replied
        states.append(
            StepState(
                run=run,
                step_id=step_id,
                service=service,
                action=step["action"],
                status=StepStatus.SUCCEEDED,
                attempts=1,
                queued_at=sent,
                started_at=started,
                finished_at=finished,
            )
        )
    end = max(chain_time)
    while len(rows) < records - 1:
        add(end, "orders", "coordinator.decided", payload={"after": "padding"})
    add(end, "orders", "run.succeeded", payload={"elapsed_ms": (end - start).total_seconds() * 1000})
    EventRecord.objects.bulk_create(rows, batch_size=500)
    StepState.objects.bulk_create(states, batch_size=500)
    run.next_seq = len(rows) + 1
    run.finished_at = end
    run.save(update_fields=["next_seq", "finished_at"])
    return run


def browser_launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def login(page, base_url: str, username: str, password: str) -> None:
    """Log in through the login form, as a user would."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def timeline_first_render(page, base_url: str, run_id) -> dict:
    """Open the run page of `run_id` (logged-in page) and measure its timeline's first render.

    first_render_ms: from the API's records in hand to the timeline drawn (model + canvas);
    navigation_to_render_ms: from the navigation's start, fetching the records included.
    """
    page.goto(f"{base_url}/runs/{run_id}/")
    page.wait_for_function("document.getElementById('run-page').dataset.firstRenderMs !== undefined", timeout=30000)
    return page.evaluate(
        """() => {
            const root = document.getElementById('run-page');
            const nav = performance.getEntriesByType('navigation')[0];
            const rendered = performance.getEntriesByName('wfv:rendered')[0].startTime;
            return {
                records: Number(root.dataset.count),
                first_render_ms: Number(root.dataset.firstRenderMs),
                fetch_ms: window.wfv.view.store.fetchMs,
                navigation_to_render_ms: rendered - (nav ? nav.startTime : 0),
                draw_ms: window.wfv.view.timeline.lastDrawMs,
            };
        }"""
    )


def live_append_measure(page, *, batches: int = 100, per_batch: int = 4, interval_ms: int = 20) -> dict:
    """On an open run page, append `batches` live batches of records and time each update and frame.

    The records are made up (sequence numbers after the last one), as the websocket would send them.
    """
    return page.evaluate(
        """async ({batches, perBatch, intervalMs}) => {
            const view = window.wfv.view;
            const updates = [];
            const frames = [];
            let last = performance.now();
            let running = true;
            const tick = (now) => { frames.push(now - last); last = now; if (running) requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
            const base = view.store.events().at(-1);
            let seq = view.store.maxSeq;
            for (let batch = 0; batch < batches; batch += 1) {
                const events = [];
                for (let i = 0; i < perBatch; i += 1) {
                    seq += 1;
                    const at = new Date(Date.parse(base.at) + seq).toISOString();
                    events.push({run_id: view.runId, seq, service: 'orders', kind: 'coordinator.decided',
                                 step_id: '', message_id: null, message_type: '', payload: {}, at});
                }
                view.receive(events);
                await new Promise((resolve) => setTimeout(resolve, intervalMs));
                updates.push(view.lastUpdateMs);
            }
            running = false;
            const sorted = (xs) => xs.slice().sort((a, b) => a - b);
            const p = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
            return {
                records_after: view.store.count,
                update_ms_mean: updates.reduce((a, b) => a + b, 0) / updates.length,
                update_ms_p95: p(updates, 0.95),
                update_ms_max: Math.max(...updates),
                frame_ms_p95: p(frames.slice(1), 0.95),
                frames: frames.length,
            };
        }""",
        {"batches": batches, "perBatch": per_batch, "intervalMs": interval_ms},
    )


def render_bench(base_url: str, username: str, password: str, *, records: int = 5000, repeat: int = 3) -> dict:
    """Create a run of `records` records, measure its first render `repeat` times and live appends once."""
    from playwright.sync_api import sync_playwright

    run = synthetic_run_create(records=records)
    try:
        with sync_playwright() as playwright:
            browser = browser_launch(playwright)
            try:
                # Past the CSP: wait_for_function polls with eval, which the pages' policy refuses.
                page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
                login(page, base_url, username, password)
                renders = [timeline_first_render(page, base_url, run.id) for _ in range(repeat)]
                live = live_append_measure(page)
            finally:
                browser.close()
    finally:
        run.delete()
    first = [r["first_render_ms"] for r in renders]
    return {
        "records": renders[0]["records"],
        "first_render_ms_median": statistics.median(first),
        "first_render_ms_max": max(first),
        "navigation_to_render_ms_median": statistics.median(r["navigation_to_render_ms"] for r in renders),
        "renders": renders,
        "live_append": live,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args(argv)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflowviz.settings")
    django.setup()
    started = time.monotonic()
    figures = render_bench(args.base_url, args.username, args.password, records=args.records)
    figures["bench_seconds"] = round(time.monotonic() - started, 1)
    json.dump(figures, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Any design in the browser: a service declared without code, a design that decides between two ends, run
from the dashboard's "Start a run" form in both patterns, and its run pages (real system, Chromium).

Nothing on these pages may assume the shop: the lanes are the design's service (and, in choreography, the
bus and the engine), the header says the end the run reached, the design graph lights that end and shows
the other one skipped.
"""

import pytest

from tests.browser.conftest import BROWSER_TEST
from tests.browser.test_timeline import log_in_through_the_form
from tests.conftest import runs_wait_final
from tests.modelled.helpers import action, declare, design_save, event, outcome, step, unique
from workflowviz.engine.models import Run, RunStatus, StepState, StepStatus

pytestmark = BROWSER_TEST
SHOP_LANES = {"orders", "notifications", "sellers", "logistics", "rewards"}
START = "#run-form"


@pytest.fixture
def decision(transactional_db):
    """A declared service whose `check` says Ok when the amount is under 100, else High; a design with an
    end after each outcome. Names are unique: a declared service's records table outlives a test."""
    name = unique("xyz")
    prefix = name.capitalize()
    check = action(
        "check",
        outcome(f"{prefix}Ok", "ref", when="amount < 100"),
        outcome(f"{prefix}High", "ref"),
        inputs=["ref", "amount"],
        choice="rule",
        latency_ms=[50, 150],
    )
    declare(name, check, events=[event(f"{prefix}Requested", ref="string", amount="number")])
    slug = design_save(
        unique("xyz-flow-"),
        f"{prefix}Requested",
        step("check", f"{name}.check"),
        step("ok", "", f"check:{prefix}Ok", end="ok"),
        step("high", "", f"check:{prefix}High", end="high"),
    )
    return {"service": name, "slug": slug}


def design_choose(page, slug: str) -> None:
    page.wait_for_selector("#dashboard[data-designs]")
    page.select_option(f"{START} select[name=workflow]", slug)
    page.wait_for_selector(f'{START} input[name="input.amount"][type=number]')


def test_a_declared_design_started_from_the_dashboard_ends_high_in_both_patterns(web_url, admin_user, decision, page):
    log_in_through_the_form(page, web_url)
    service = decision["service"]
    # Its service has a card like any coded one, marked as declared.
    page.wait_for_selector(f'.health-card[data-service="{service}"][data-modelled="true"] .badge.declared')

    design_choose(page, decision["slug"])
    page.fill(f'{START} input[name="input.ref"]', "r-1")
    page.fill(f'{START} input[name="input.amount"]', "500")
    page.check(f"{START} input[name=pattern][value=both]")
    page.click(f"{START} button[type=submit]")
    page.wait_for_function("document.querySelectorAll('.watched').length === 2")
    started = dict(page.eval_on_selector_all(".watched", "ns => ns.map(n => [n.dataset.pattern, n.dataset.runId])"))
    assert sorted(started) == ["choreography", "orchestration"]

    runs = runs_wait_final(list(started.values()))
    assert {(run.pattern, run.status, run.result, run.order_id) for run in runs} == {
        ("orchestration", RunStatus.SUCCEEDED, "high", None),
        ("choreography", RunStatus.SUCCEEDED, "high", None),
    }
    # Each run, with the exact input the form sent (typed: the amount a number, not a text).
    assert all(run.input == {"ref": "r-1", "amount": 500} for run in runs)

    for pattern, run_id in started.items():
        page.goto(f"{web_url}/runs/{run_id}/")
        page.wait_for_selector("#run-page[data-settled=true][data-graph=ready]")
        root = page.eval_on_selector("#run-page", "n => ({...n.dataset})")
        assert (root["status"], root["result"]) == ("succeeded", "high")
        # The header: "succeeded · high", no order.
        assert page.inner_text("#run-status") == "succeeded"
        assert page.is_visible("#run-result") and page.inner_text("#run-result") == "· high"
        assert "order #" not in page.inner_text(".run-head")

        # The timeline's lanes: the design's service, then (choreography) the bus and the engine; no shop lane.
        lanes = page.evaluate("window.wfv.view.model.lanes.map(lane => lane.id)")
        expected = [service, "bus", "engine"] if pattern == "choreography" else [service]
        assert lanes == expected, (pattern, lanes)
        assert not SHOP_LANES & set(root["lanes"].split())
        assert page.evaluate("window.wfv.view.model.lanes[0].label") == service.capitalize()

        # The design graph: the end "high" lit, "ok" skipped (dashed, not by colour alone), the decision marked.
        graph = page.eval_on_selector("#design-graph", "n => ({...n.dataset})")
        assert sorted(graph["steps"].split()) == ["check:succeeded", "high:succeeded", "ok:skipped"]
        assert graph["decisions"] == "check" and sorted(graph["ends"].split()) == ["high", "ok"]
        page.click("#design-legend button[data-mode=status]")
        nodes = page.evaluate(
            """() => Object.fromEntries(['high', 'ok'].map(id => {
                const node = window.wfv.graph.cy.getElementById(id);
                return [id, {fill: node.data('fill'), label: node.data('label'), skipped: node.hasClass('skipped'),
                             border: node.style('border-style')}];
            }))"""
        )
        assert nodes["high"]["fill"] == "#23915a" and nodes["high"]["label"].startswith("✓ high")
        assert nodes["ok"]["skipped"] and nodes["ok"]["border"] == "dashed" and nodes["ok"]["label"].startswith("⊘")

        # The end reached is a marker on the lane of whoever noticed it; its details say the result. The
        # click is dispatched where the marker is drawn in the same task that finds it, so a late layout
        # shift (the legend, the graph) cannot move the timeline between finding and clicking.
        lane = page.evaluate(
            """() => {
                const timeline = window.wfv.view.timeline;
                const at = timeline.positionOf(h => h.type === 'marker' && h.item.kind === 'end.reached');
                const box = timeline.canvas.getBoundingClientRect();
                timeline.canvas.dispatchEvent(new MouseEvent('click', {
                    clientX: box.left + at.x, clientY: box.top + at.y, bubbles: true}));
                return timeline.hits.find(h => h.type === 'marker' && h.item.kind === 'end.reached').item.lane;
            }"""
        )
        assert lane == ("engine" if pattern == "choreography" else service)
        page.wait_for_selector("#details h3")
        assert page.inner_text("#details h3") == "End high reached"
        assert "high" in page.inner_text("#details .facts")

    assert set(
        StepState.objects.filter(run_id__in=started.values(), step_id="ok").values_list("status", flat=True)
    ) == {StepStatus.SKIPPED}


def test_the_start_form_shows_a_missing_field_next_to_it(web_url, admin_user, decision, page):
    log_in_through_the_form(page, web_url)
    design_choose(page, decision["slug"])
    page.fill(f'{START} input[name="input.ref"]', "r-2")  # the amount is left empty
    page.click(f"{START} button[type=submit]")

    slot = f'{START} .field-error[data-for="input.amount"]'
    page.wait_for_function(f"document.querySelector('{slot}').textContent !== ''")
    assert "required" in page.inner_text(slot)
    assert page.inner_text(f'{START} .field-error[data-for="input.ref"]') == ""
    assert page.locator(".watched").count() == 0
    assert not Run.objects.filter(design_slug=decision["slug"]).exists()

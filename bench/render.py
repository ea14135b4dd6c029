"""First render of a run page whose timeline holds 5,000 event records, in headless Chromium.

The measuring is `bench.browser_render` (shared with the browser tests): it writes a synthetic
finished run of N records, logs in through the login form, opens the run page three times and reads
the page's own marks. The headline figure is navigation start → timeline drawn (the records' fetch
included); the page's own draw time (records in hand → drawn) is reported beside it.
"""


def first_render(*, base_url: str, username: str, password: str, records: int, tries: int) -> dict:
    from bench.browser_render import render_bench

    figures = render_bench(base_url, username, password, records=records, repeat=tries)
    return {
        "records": figures.get("records"),
        "first_render_ms": round(figures["navigation_to_render_ms_median"], 1),
        "draw_ms_median": round(figures["first_render_ms_median"], 1),
        "draw_ms_max": round(figures["first_render_ms_max"], 1),
        "renders": [_rounded(r) for r in figures.get("renders") or []],
        "live_append": _rounded(figures.get("live_append") or {}),
    }


def _rounded(figures: dict) -> dict:
    return {key: round(value, 1) if isinstance(value, float) else value for key, value in figures.items()}

"""`make bench` end to end with tiny numbers: it runs, reports every key figure, and stops what it started.

No timed assertion: the figures depend on the machine. Forking workers, scaling and the browser are
left to `make bench` itself (slow to start, and the browser is covered by its own tests).
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.main import KEY_FIGURES
from workflowviz.processes import port_answers

pytestmark = [pytest.mark.system]
BASE_DIR = Path(__file__).resolve().parents[2]
PHASES = "raw,workflow,ws,api"


def _value(text: str):
    return None if text == "None" else float(text)


def _processes_using(folder: str) -> list[int]:
    """Processes whose environment names the bench's temporary folder."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if folder.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def test_quick_bench_reports_every_key_figure_and_stops_everything(tmp_path):
    command = [sys.executable, "-m", "bench", "--quick", "--orders", "3", "--clients", "2", "--only", PHASES]
    command += ["--out", str(tmp_path)]
    finished = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True, timeout=240)
    assert finished.returncode == 0, finished.stderr[-3000:]

    lines = finished.stdout.strip().splitlines()
    assert [line.split(": ", 1)[0] for line in lines[: len(KEY_FIGURES)]] == KEY_FIGURES
    figures = {name: _value(value) for name, value in (line.split(": ", 1) for line in lines)}
    for name in ["steps_per_s_ratio_vs_raw_rq", "ws_p95_ratio_vs_raw", "lost_events", "raw_rq_jobs_per_s"]:
        assert figures[name] is not None and math.isfinite(figures[name]) and figures[name] >= 0, name
    for name in ["steps_per_s_orchestration", "steps_per_s_choreography", "api_orders_per_s", "ws_p95_ms"]:
        assert figures[name] > 0, name
    assert figures["database_locked_errors"] >= 0 and figures["channel_layer_over_capacity"] >= 0

    results = json.loads((tmp_path / "latest.json").read_text())
    assert results["summary"]["lost_events"] == figures["lost_events"]
    for pattern in ("orchestration", "choreography"):
        assert results["workflow"][pattern]["statuses"] == {"succeeded": 3}
    assert results["api"]["statuses"] == {"201": results["api"]["requests"]}
    assert "## Targets (issue 7)" in (tmp_path / "latest.md").read_text()

    # Everything it started is gone: its folder, its redis-server, every child process.
    folder, port = re.search(r"temporary folder (\S+); redis-server on 127.0.0.1:(\d+)", finished.stderr).groups()
    assert not Path(folder).exists()
    assert not port_answers("127.0.0.1", int(port))
    assert _processes_using(folder) == []

"""schemathesis fuzzes every operation of /api/openapi.json against the real server: no 5xx (declaring
services is fuzzed apart: see below)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workflowviz.api.tokens import token_issue

pytestmark = [pytest.mark.system]


def test_no_operation_answers_5xx(web_url, demo, admin_user, tmp_path):
    token = token_issue(user=admin_user)
    cli = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    result = subprocess.run(
        [
            cli, "run", f"{web_url}/api/openapi.json",
            "--checks", "not_a_server_error",
            "--max-examples", "6",  # per operation and phase; hypothesis tests go deeper per field
            "--seed", "1",
            "--workers", "1",
            # Declaring services (each declaration makes a table and a worker process) is fuzzed with
            # hypothesis in tests/modelled/test_declarations_fuzz.py and tests/api/test_services_api.py.
            "--exclude-path-regex", "^/api/services",
            "--request-timeout", "20",
            "-H", f"Authorization: Bearer {token}",
            "--report", "junit", "--report-dir", str(tmp_path),
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    output = result.stdout + result.stderr
    (tmp_path / "schemathesis.txt").write_text(output)
    failures = [line for line in output.splitlines() if line.startswith(("_", "1. ", "    1.", "- Server error"))]
    assert result.returncode == 0, "\n".join(failures)[:6000] + "\n..." + output[-1500:]
    assert "passed" in output.lower()

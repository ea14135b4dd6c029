"""Loaded with `-p tests.plugin_redis`, before Django reads its settings.

Starts a redis-server of the tests' own on a free port (never one the tests did not start) and gives
the test session its own var/ folder, so nothing touches a developer's data.
"""

import atexit
import os
import tempfile
from pathlib import Path

from workflowviz.processes import free_port, redis_start

_var_dir = Path(tempfile.mkdtemp(prefix="workflowviz-tests-"))
_port = free_port()
_redis = {"process": redis_start(_port, _var_dir / "redis")}


def _redis_stop():
    _redis["process"].terminate()
    _redis["process"].wait(10)


def redis_stop() -> None:
    """Stop the tests' redis-server (it keeps nothing on disk, so it comes back empty)."""
    _redis_stop()


def redis_start_again() -> None:
    _redis["process"] = redis_start(_port, _var_dir / "redis")


atexit.register(_redis_stop)

os.environ["REDIS_URL"] = f"redis://127.0.0.1:{_port}/0"
os.environ["WORKFLOWVIZ_VAR_DIR"] = str(_var_dir)
# Resend quickly in tests: recovery is what several tests wait for.
os.environ.setdefault("RECONCILE_GRACE_SECONDS", "1")
os.environ.setdefault("RECONCILE_STARTED_AFTER", "5")
os.environ.setdefault("RECONCILE_INTERVAL", "0.5")
# The pages the browser tests open (daphne inherits this) give their internals to window.wfv.
os.environ.setdefault("WORKFLOWVIZ_TEST_HOOKS", "1")

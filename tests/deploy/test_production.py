"""Production settings and the Procfile, checked the way an operator would use them."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def production_env(**extra):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return {**env, "DJANGO_ENV": "production", **extra}


def test_check_deploy_is_silent_in_production():
    env = production_env(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="shop.example.com")
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_its_secret():
    result = manage("check", env=production_env(DJANGO_ALLOWED_HOSTS="shop.example.com"))
    assert result.returncode != 0
    assert "needs DJANGO_SECRET_KEY" in result.stderr


def development_env(**extra):
    """The environment `make run` gives its processes when the operator sets no DJANGO_ variable."""
    import os

    return {**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **extra}


def test_development_settings_are_flagged_by_check_deploy():
    # The development defaults are not production settings, and the deploy check says so.
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=development_env())
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the development SECRET_KEY


@pytest.mark.parametrize(
    "switch, debug", [({}, "False"), ({"DJANGO_DEBUG": "1"}, "True")], ids=["make run", "switched on"]
)
def test_make_run_serves_with_debug_off_unless_django_debug_is_1(switch, debug):
    # The settings exactly as `run_system` and daphne load them (DJANGO_SETTINGS_MODULE as manage.py sets it).
    env = development_env(DJANGO_SETTINGS_MODULE="workflowviz.settings", **switch)
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [debug]


def test_procfile_runs_every_service_queue_and_the_reconciler():
    lines = [line for line in (BASE_DIR / "Procfile").read_text().splitlines() if line and not line.startswith("#")]
    processes = dict(line.split(": ", 1) for line in lines)
    assert processes["web"].startswith("daphne ")
    for queue in settings.SERVICE_APPS:
        assert processes[f"worker_{queue}"].endswith(f"run_worker {queue}")
    assert "run_workers --declared" in processes["workers_declared"]  # services declared in the browser
    assert "run_reconciler" in processes["reconciler"]

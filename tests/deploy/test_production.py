"""Production settings and the Procfile, checked the way an operator would use them."""

import secrets
import subprocess
import sys
from pathlib import Path

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


def test_development_settings_are_flagged_by_check_deploy():
    # The development defaults are not production settings, and the deploy check says so.
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


def test_procfile_runs_every_service_queue_and_the_reconciler():
    lines = [line for line in (BASE_DIR / "Procfile").read_text().splitlines() if line and not line.startswith("#")]
    processes = dict(line.split(": ", 1) for line in lines)
    assert processes["web"].startswith("daphne ")
    for queue in settings.SERVICE_APPS:
        assert processes[f"worker_{queue}"].endswith(f"run_worker {queue}")
    assert "run_workers --declared" in processes["workers_declared"]  # services declared in the browser
    assert "run_reconciler" in processes["reconciler"]

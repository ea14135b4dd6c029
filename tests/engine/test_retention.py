"""Retention (`engine/retention.py`): `prune_runs` and the reconciler's hourly prune delete old finished runs
with everything that belongs to them, and nothing else."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.engine.factories import message_make, run_make
from workflowviz.engine.models import EventRecord, JoinState, OutboxMessage, Run, RunStatus, StepState
from workflowviz.engine.retention import HourlyRetention, batch_size_next


def run_aged(status: str, days: float) -> Run:
    """A run of `status` started `days` ago, with a record, a step state, a join state and a message."""
    run = run_make(status=status)
    Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=days))
    EventRecord.objects.create(run=run, seq=1, service="orders", kind="run.started", at=timezone.now())
    JoinState.objects.create(run=run, step_id="prepare", service="sellers")
    message_make(run)
    return run


def left() -> set:
    return set(Run.objects.values_list("pk", flat=True))


@pytest.fixture
def history(db):
    return {
        "old_ok": run_aged(RunStatus.SUCCEEDED, 10),
        "old_failed": run_aged(RunStatus.FAILED, 9),
        "old_compensated": run_aged(RunStatus.COMPENSATED, 8),
        "old_running": run_aged(RunStatus.RUNNING, 30),
        "old_compensating": run_aged(RunStatus.COMPENSATING, 30),
        "new_ok": run_aged(RunStatus.SUCCEEDED, 6),
    }


def test_prune_runs_deletes_the_old_finished_runs_and_all_their_rows(history, capsys):
    call_command("prune_runs", "--older-than", "7d")
    gone = {history[name].pk for name in ("old_ok", "old_failed", "old_compensated")}
    assert left() == {run.pk for run in history.values()} - gone
    for model in (EventRecord, StepState, JoinState, OutboxMessage):
        assert not model.objects.filter(run_id__in=gone).exists(), model.__name__
        assert set(model.objects.values_list("run_id", flat=True)) == left(), model.__name__
    out = capsys.readouterr().out
    assert "pruned: 3 runs and 3 event records deleted" in out


def test_keep_failed_keeps_the_runs_that_did_not_succeed(history):
    call_command("prune_runs", "--older-than", "7d", "--keep-failed")
    assert history["old_ok"].pk not in left()
    assert {history["old_failed"].pk, history["old_compensated"].pk} <= left()


def test_a_shorter_period_in_hours_and_small_batches(history):
    call_command("prune_runs", "--older-than", "140h", "--batch", "1", "--pause", "0")
    assert left() == {history["old_running"].pk, history["old_compensating"].pk}


@pytest.mark.parametrize("bad", ["7", "7x", "-1d", "0d", "d", "1.5h", "7 days", ""])
def test_a_bad_period_is_refused(bad, history):
    with pytest.raises(CommandError, match="--older-than"):
        call_command("prune_runs", "--older-than", bad)
    assert len(left()) == len(history)


def test_the_reconciler_prunes_once_an_hour_one_batch_per_turn(db, settings):
    settings.RUN_RETENTION = "7d"
    old = [run_aged(RunStatus.SUCCEEDED, 8) for _ in range(3)]
    clock = {"now": 1000.0}
    retention = HourlyRetention(clock=lambda: clock["now"], batch_size=2)
    assert retention.tick() == 2  # the hour's prune starts: one batch
    assert retention.tick() == 1  # the next turn goes on, and it is done
    late = run_aged(RunStatus.SUCCEEDED, 8)
    clock["now"] += 3599
    assert retention.tick() == 0 and late.pk in left()  # not an hour yet
    clock["now"] += 2
    assert retention.tick() == 1 and late.pk not in left()
    assert not Run.objects.filter(pk__in=[run.pk for run in old]).exists()


def test_no_retention_setting_keeps_everything(db, settings):
    settings.RUN_RETENTION = ""
    run = run_aged(RunStatus.SUCCEEDED, 400)
    assert HourlyRetention().tick() == 0
    assert run.pk in left()


def test_the_reconcilers_loop_applies_the_setting(transactional_db, settings):
    settings.RUN_RETENTION = "7d"
    settings.RUN_RETENTION_KEEP_FAILED = True
    old_ok, old_failed = run_aged(RunStatus.SUCCEEDED, 8), run_aged(RunStatus.FAILED, 8)
    OutboxMessage.objects.update(processed_at=timezone.now())  # nothing for the reconciler to send
    call_command("run_reconciler", "--once")
    assert old_ok.pk not in left() and old_failed.pk in left()


def test_a_batch_that_held_the_database_too_long_makes_the_next_one_smaller_and_a_quick_one_larger():
    # 500 runs in 0.7 s (SQLite's write lock held that long): the next batch takes what fits in 50 ms.
    assert batch_size_next(500, 0.7, most=500) == 35
    assert batch_size_next(35, 0.01, most=500) == 175
    assert batch_size_next(400, 0.001, most=500) == 500  # never more than asked for
    assert batch_size_next(3, 5.0, most=500) == 1  # never nothing

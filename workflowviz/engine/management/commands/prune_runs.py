from django.core.management.base import BaseCommand, CommandError

from workflowviz.engine.retention import BATCH_RUNS, PAUSE_SECONDS, BadDuration, duration_parse, runs_prune


class Command(BaseCommand):
    help = (
        "Delete the finished runs started before a cut-off, with their event records, step states, join states "
        "and outbox messages, in small batches (one short transaction each) so workers are never held up. "
        "Running runs are never deleted; the services' business records (orders, emails, shipments…) stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than", required=True, help="Delete runs started longer ago than this: 30m, 12h, 7d, 2w."
        )
        parser.add_argument(
            "--keep-failed", action="store_true", help="Keep the runs that did not succeed (failed, compensated)."
        )
        parser.add_argument("--batch", type=int, default=BATCH_RUNS, help=f"Runs per transaction ({BATCH_RUNS}).")
        parser.add_argument(
            "--pause", type=float, default=PAUSE_SECONDS, help=f"Seconds between batches ({PAUSE_SECONDS})."
        )
        parser.add_argument("--limit", type=int, default=None, help="Delete at most this many runs.")

    def handle(self, *args, older_than, keep_failed, batch, pause, limit, **options):
        try:
            period = duration_parse(older_than)
        except BadDuration as bad:
            raise CommandError(f"--older-than: {bad}") from None
        if not 1 <= batch <= 10_000:
            raise CommandError("--batch: must be from 1 to 10000 runs.")
        if not 0 <= pause <= 60:
            raise CommandError("--pause: must be from 0 to 60 seconds.")
        if limit is not None and limit < 1:
            raise CommandError("--limit: must be at least 1.")
        verbose = options.get("verbosity", 1) >= 2

        def progress(pruned):
            if verbose:
                self.stdout.write(f"  {pruned.runs} runs so far")

        pruned = runs_prune(period, keep_failed=keep_failed, batch_size=batch, pause=pause, limit=limit,
                            progress=progress)  # fmt: skip
        self.stdout.write(f"pruned: {pruned.summary()}")

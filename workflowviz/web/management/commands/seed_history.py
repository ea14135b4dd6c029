import signal

from django.core.management.base import BaseCommand, CommandError

from workflowviz.web.history import BATCH_RUNS, history_seed


class Command(BaseCommand):
    help = (
        "Fill the database fast with realistic finished runs of every built-in design in both patterns "
        "(copies of real runs made first in this process: plain, retried, compensated, delivered twice), "
        "started over the last days; bulk inserts on SQLite, COPY on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, required=True, help="How many runs to add.")
        parser.add_argument("--days", type=float, default=7.0, help="Spread their starts over this many days (7).")
        parser.add_argument("--batch", type=int, default=BATCH_RUNS, help=f"Runs per transaction ({BATCH_RUNS}).")
        parser.add_argument(
            "--designs", default="", help="Only these built-in designs, comma-separated (all by default)."
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for the same history twice.")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="PostgreSQL: keep the run tables' indexes up to date while copying (by default, from 50,000 runs "
            "on, they are dropped first and built again at the end; nothing else should use the database then).",
        )

    def handle(self, *args, runs, days, batch, seed, keep_indexes, designs, **options):
        from workflowviz.designer.builtins import BUILTIN_DESIGNS

        chosen = [slug.strip() for slug in designs.split(",") if slug.strip()]
        unknown = sorted(set(chosen) - set(BUILTIN_DESIGNS))
        if unknown:
            raise CommandError(
                f"--designs: not built-in: {', '.join(unknown)} (built-in: {', '.join(BUILTIN_DESIGNS)})."
            )
        if not 1 <= runs <= 100_000_000:
            raise CommandError("--runs: must be from 1 to 100000000.")
        if not 0 < days <= 3650:
            raise CommandError("--days: must be above 0 and at most 3650.")
        if not 1 <= batch <= 100_000:
            raise CommandError("--batch: must be from 1 to 100000.")
        verbose = options.get("verbosity", 1) >= 1
        # Stopped early (Ctrl-C, SIGTERM, or started in the background where SIGINT is ignored): the batches
        # written stay, and dropped indexes are built again on the way out.
        before = {
            number: signal.signal(number, signal.default_int_handler) for number in (signal.SIGINT, signal.SIGTERM)
        }

        def progress(seeded):
            if verbose and (seeded.runs % (batch * 25) == 0 or seeded.runs == runs):
                self.stdout.write(
                    f"  {seeded.runs} runs, {seeded.records} records, {seeded.runs_per_second:.0f} runs/s", ending="\n"
                )
                self.stdout.flush()

        try:
            seeded = history_seed(
                runs,
                days=days,
                seed=seed,
                batch_runs=batch,
                rebuild_indexes=False if keep_indexes else None,
                designs=chosen or None,
                progress=progress,
            )
        finally:
            for number, handler in before.items():
                signal.signal(number, handler)
        statuses = ", ".join(f"{n} {status}" for status, n in sorted(seeded.by_status.items()))
        self.stdout.write(
            f"seeded: {seeded.runs} runs ({statuses}), {seeded.records} event records, from {seeded.templates} "
            f"template runs made in {seeded.templates_seconds:.1f}s, in {seeded.seconds:.1f}s in all "
            f"({seeded.runs_per_second:.0f} runs/s copied)"
        )

import time

from django.core.management.base import BaseCommand

from workflowviz.metrics.models import Rollup
from workflowviz.metrics.rollups import rollups_rebuild


class Command(BaseCommand):
    help = (
        "Count every ended run into the metrics' rollups again, from its records (run, step states, event "
        "records). The engine keeps the rollups as runs end; this is for runs written otherwise (seeded "
        "history, data from before the rollups) or to check them."
    )

    def handle(self, *args, **options):
        began = time.monotonic()
        runs = rollups_rebuild(progress=lambda done: self.stdout.write(f"rollups_rebuild: {done} runs counted"))
        seconds = time.monotonic() - began
        self.stdout.write(
            f"rollups_rebuild: {runs} ended runs counted into {Rollup.objects.count()} counters in {seconds:.1f}s"
        )

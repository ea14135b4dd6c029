"""A run's full record as one JSON file: what `GET /api/runs/{run_id}/export` sends and `/runs/open/` reads.

The file is the run page's API answer (run_head_json, the same event record JSON) with a format marker in
front, so the browser feeds it to the same store, timeline, graph and replay. It is written in parts: the
records go out in batches, never held as one list of model instances.
"""

import json
from collections.abc import Iterator

from django.utils import timezone

from .models import Run
from .selectors import run_head_json, run_records

EXPORT_FORMAT = "workflowviz.run-export"
EXPORT_FORMAT_VERSION = 1
EXPORT_MAX_BYTES = 50 * 1024 * 1024  # what /runs/open/ accepts; a bigger file is refused unread
RECORDS_PER_PART = 1000


def run_export_filename(run: Run) -> str:
    return f"run-{run.id}.json"


def run_export_parts(run: Run) -> Iterator[str]:
    """The export file of `run` as parts of JSON text; joined, they are one JSON object.

    The records are those up to the run's last sequence number when the head was read, so the file is
    consistent (records 1..last_seq, none missing) even while the run is still writing more."""
    head = {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        **run_head_json(run),
    }
    yield json.dumps(head)[:-1] + ', "events": ['
    batch: list[str] = []
    first = True
    for record in run_records(run, up_to=head["last_seq"]):
        batch.append(json.dumps(record))
        if len(batch) == RECORDS_PER_PART:
            yield ("" if first else ", ") + ", ".join(batch)
            batch, first = [], False
    if batch:
        yield ("" if first else ", ") + ", ".join(batch)
    yield "]}"

"""Queue depth, jobs in flight and failed jobs per service over the window, from the queue samples."""

from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Max, Min, Value
from django.db.models.functions import Cast

from .models import QueueSample
from .windows import Window, epoch, from_epoch

MEASURES = ("queued", "in_flight", "failed", "workers")


def _bucket(step: int):
    """The sample's bucket number, computed by the database: a day holds 200,000 samples.

    bigint / bigint is integer (floor, for positive numbers) division on SQLite and PostgreSQL alike;
    the cast keeps PostgreSQL from taking the step for a numeric.
    """
    return ExpressionWrapper(F("second") / Cast(Value(step), BigIntegerField()), output_field=BigIntegerField())


def queue_series(*, window: Window, services: list[str]) -> dict:
    """Per service and bucket: the highest queue depth, in-flight and failed counts seen, and the fewest
    workers (peaks are what a chart of a few hundred points must not hide). None where no sample was taken."""
    step = window.queue_step
    starts = window.bucket_starts(step)
    rows = (
        QueueSample.objects.filter(second__gte=int(epoch(window.start)), second__lte=int(epoch(window.end)))
        .annotate(bucket=_bucket(step))
        .values("service", "bucket")
        .annotate(
            queued=Max("queued"),
            in_flight=Max("in_flight"),
            failed=Max("failed"),
            workers=Min("workers"),
            n=Count("id"),
        )
        .order_by()
    )
    first = starts[0] // step
    names = list(services)
    columns: dict[str, dict[str, list]] = {}
    samples = 0
    for row in rows:
        service = row["service"]
        if service not in columns:
            columns[service] = {measure: [None] * len(starts) for measure in MEASURES}
            if service not in names:
                names.append(service)
        index = int(row["bucket"]) - first
        if 0 <= index < len(starts):
            for measure in MEASURES:
                columns[service][measure][index] = row[measure]
            samples += row["n"]
    empty = {measure: [None] * len(starts) for measure in MEASURES}
    return {
        "bucket_seconds": step,
        "times": [from_epoch(start).isoformat() for start in starts],
        "samples": samples,
        "series": [{"service": name, **columns.get(name, empty)} for name in names],
    }

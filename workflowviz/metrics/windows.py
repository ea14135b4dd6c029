"""The time window the metrics look at, and the buckets its charts are drawn in."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# The windows the page offers; the API accepts any whole number of seconds from MIN to MAX.
WINDOW_CHOICES = {300: "5 min", 900: "15 min", 3600: "1 h", 86400: "24 h"}
DEFAULT_WINDOW = 900
MIN_WINDOW = 60
MAX_WINDOW = 86400  # queue samples are kept for 24 h, so a longer window would show nothing more

# Round bucket sizes, so that bucket edges fall on easy times (…:00, …:30) and stay put between refreshes.
ROUND_SECONDS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800)
THROUGHPUT_BUCKETS = 40  # at most about this many bars or points per throughput line
QUEUE_POINTS = 240  # at most about this many points per queue line
MIN_QUEUE_BUCKET = 5  # samples come about every 2 s; a bucket must hold at least one


def round_step(seconds: float) -> int:
    """The smallest round bucket size (1 s, 2 s, 5 s, … 3 h) of at least `seconds`."""
    return next((step for step in ROUND_SECONDS if step >= seconds), ROUND_SECONDS[-1])


def window_label(seconds: int) -> str:
    if seconds in WINDOW_CHOICES:
        return WINDOW_CHOICES[seconds]
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def epoch(moment: datetime) -> float:
    return moment.timestamp()


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


@dataclass(frozen=True)
class Window:
    """The last `seconds` seconds up to `end`."""

    end: datetime
    seconds: int

    @property
    def start(self) -> datetime:
        return self.end - timedelta(seconds=self.seconds)

    @property
    def throughput_step(self) -> int:
        return round_step(self.seconds / THROUGHPUT_BUCKETS)

    @property
    def queue_step(self) -> int:
        return max(MIN_QUEUE_BUCKET, round_step(self.seconds / QUEUE_POINTS))

    def bucket_starts(self, step: int) -> list[int]:
        """Epoch seconds of the buckets of `step` seconds that cover the window (the first may start before it)."""
        first = int(epoch(self.start)) // step * step
        last = int(epoch(self.end)) // step * step
        return list(range(first, last + 1, step))

    def to_json(self) -> dict:
        return {
            "seconds": self.seconds,
            "label": window_label(self.seconds),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

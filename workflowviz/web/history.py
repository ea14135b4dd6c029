"""A long history of finished runs, fast: `manage.py seed_history --runs N`.

First a few real runs are made in this process, the engine doing every step as the workers would
(every built-in design, both patterns, and for each: a plain run, a run whose first step fails and is
retried, a run whose last step fails for good and is compensated, a run whose every message is
delivered twice). Their rows — run, event records, step states, join states, outbox messages — are the
templates. Then each seeded run copies one template with a new run id, new message ids, a new order id
and buyer email, and its times moved to a start spread over the last days (and stretched, so runs
last between a fraction of a second and a few seconds). Rows are written in large batches:
`executemany` on SQLite, `COPY … FROM STDIN` on PostgreSQL.

The seeded runs of the last 25 hours are counted into the metrics' rollups (what the engine does as a
run ends). The seeded runs have no orders, emails or shipments of their own: only the runs' own rows are copied
(their order ids start above 10^9, so they never meet a real order's). The relay and the broadcaster
are switched off while the templates run: nothing is sent to Redis.
"""

import json
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, models, transaction
from django.utils import timezone

from orders.models import Product
from orders.services import order_place
from workflowviz.designer.builtins import BUILTIN_DESIGNS
from workflowviz.designer.services import ensure_builtin_designs
from workflowviz.engine.delivery import deliver
from workflowviz.engine.hooks import hooks
from workflowviz.engine.models import FINAL_RUN_STATUSES, EventRecord, JoinState, OutboxMessage, Run, StepState
from workflowviz.engine.runs import run_start
from workflowviz.metrics.rollups import rollups_add

from .demo import demo_seed

ORDER_BASE = 10**9
FAST = {"latency_ms": [0, 0], "backoff_seconds": 0.0}
TEMPLATE_EMAIL = "template.buyer@example.com"
# How often each kind of template is picked: mostly plain successes, some retried, failed or duplicated.
SCENARIO_WEIGHTS = {"plain": 80, "retried": 8, "duplicates": 5, "failed": 7}
# Payload fields holding a duration in milliseconds: stretched with the run's times.
MS_KEYS = {"elapsed_ms", "ms", "queue_wait_ms"}
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
TOKEN = re.compile(r'"@@([A-Z])([^@"]*)@@"')
BATCH_RUNS = 2000
# Seeded runs that started this recently are counted into the metrics' rollups (the metrics page's longest
# window is 24 hours; older rollups are never read).
ROLLUP_HOURS = 25
# From this many runs on PostgreSQL, the run tables' secondary indexes are dropped and built again at the end.
REBUILD_INDEXES_FROM = 50_000


# --- Templates: real runs made in this process --------------------------------------------------------
def _inputs(slug: str, trigger: str, n: int) -> dict | None:
    """A trigger input for a built-in design that is not started by an order, or None if unknown."""
    if trigger == "TripRequested":
        car = "van" if n % 3 == 2 else "compact"
        return {"trip_id": f"trip-{n}", "traveller_email": TEMPLATE_EMAIL, "destination": "Lisbon", "nights": 3,
                "car_class": car}  # fmt: skip
    if trigger == "PaymentSubmitted":
        amount, age = [(80, 400), (2500, 400), (80, 1)][n % 3]
        return {"payment_id": f"pay-{n}", "amount": amount, "country": "GB", "card_age_days": age}
    if trigger == "LoginRequested":
        return {"login_id": str(uuid.uuid4()), "email": TEMPLATE_EMAIL}
    return None


def _scenarios(design: dict) -> list[tuple[str, dict, bool]]:
    actions = [step["id"] for step in design["steps"] if step.get("action")]
    first, last = actions[0], actions[-1]
    return [
        ("plain", {"*": FAST}, False),
        ("retried", {"*": FAST, first: {**FAST, "failure_probability": 0.5, "max_attempts": 5}}, False),
        ("failed", {"*": FAST, last: {**FAST, "failure_probability": 1.0, "max_attempts": 2}}, False),
        ("duplicates", {"*": FAST}, True),
    ]


def _drain(run_ids: list, *, twice: bool, timeout: float = 15.0) -> None:
    """Deliver the runs' due messages in this process until none is left (or `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = OutboxMessage.objects.filter(run_id__in=run_ids, processed_at__isnull=True)
        due = list(
            pending.filter(available_at__lte=timezone.now())
            .order_by("available_at", "created_at")
            .values_list("pk", flat=True)
        )
        for message_id in due:
            deliver(str(message_id))
            if twice:
                deliver(str(message_id))
        if not due:
            if not pending.exists():
                return
            time.sleep(0.05)


def templates_make(*, designs: list[str] | None = None) -> list[tuple[str, Run]]:
    """Real finished runs of every built-in design (or of `designs`) in both patterns and every scenario:
    (scenario, run)."""
    demo_seed()
    ensure_builtin_designs()
    sku = Product.objects.order_by("-stock").values_list("sku", flat=True).first()
    saved = list(hooks.after_commit)
    hooks.after_commit.clear()  # nothing to Redis, nothing broadcast
    made = []
    try:
        n = 0
        for slug, design in BUILTIN_DESIGNS.items():
            if designs and slug not in designs:
                continue
            trigger = design.get("trigger") or "OrderPlaced"
            for pattern in ("orchestration", "choreography"):
                for scenario, overrides, twice in _scenarios(design):
                    n += 1
                    if trigger == "OrderPlaced":
                        order = order_place(sku=sku, quantity=1, customer_email=TEMPLATE_EMAIL, pattern=pattern,
                                            design=slug, policy_overrides=overrides)  # fmt: skip
                        run_id = order.run_id
                    else:
                        data = _inputs(slug, trigger, n)
                        if data is None:
                            continue
                        run_id = run_start(workflow=slug, pattern=pattern, data=data,
                                           policy_overrides=overrides).id  # fmt: skip
                    _drain([run_id], twice=twice)
                    made.append((scenario, run_id))
    finally:
        hooks.after_commit[:] = saved
    runs = Run.objects.in_bulk([run_id for _, run_id in made])
    return [(scenario, runs[run_id]) for scenario, run_id in made if runs[run_id].status in FINAL_RUN_STATUSES]


# --- Turning a template's rows into rows of a new run ---------------------------------------------------
@dataclass
class Clone:
    """What changes from a template to one seeded run."""

    run_id: uuid.UUID
    message_ids: list[uuid.UUID]
    order_id: int | None
    email: str
    start: datetime  # naive UTC
    stretch: float
    run_hex: str = ""

    def __post_init__(self):
        self.run_hex = self.run_id.hex


def _utc_naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None)


class Template:
    """One real run's rows, as cells that are either fixed or filled in per clone."""

    MODELS = (Run, StepState, JoinState, OutboxMessage, EventRecord)

    def __init__(self, run: Run, scenario: str, postgres: bool):
        self.scenario, self.postgres = scenario, postgres
        self.run_id = str(run.id)
        self.start = run.created_at
        self.order_id = run.order_id
        messages = list(OutboxMessage.objects.filter(run=run).order_by("created_at", "pk"))
        self.message_index = {str(message.id): i for i, message in enumerate(messages)}
        self.message_index.update({message.id.hex: i for i, message in enumerate(messages)})
        self.messages = len(messages)
        self.rows: dict[type, list[list]] = {
            Run: [self._cells(Run, run)],
            StepState: [self._cells(StepState, row) for row in StepState.objects.filter(run=run).order_by("id")],
            JoinState: [self._cells(JoinState, row) for row in JoinState.objects.filter(run=run).order_by("id")],
            OutboxMessage: [self._cells(OutboxMessage, row) for row in messages],
            EventRecord: [self._cells(EventRecord, row) for row in EventRecord.objects.filter(run=run).order_by("seq")],
        }
        self.records = len(self.rows[EventRecord])
        self.status = run.status
        self.plans = {model: [row_plan(cells) for cells in rows] for model, rows in self.rows.items()}

    @staticmethod
    def columns(model) -> list[models.Field]:
        return [f for f in model._meta.concrete_fields if not (isinstance(f, models.AutoField | models.BigAutoField))]

    def _cells(self, model, row) -> list:
        cells = []
        for f in self.columns(model):
            value = getattr(row, f.attname)
            if f.attname == "run_id" or (model is Run and f.primary_key):
                cells.append(("R", None))
            elif model is OutboxMessage and f.primary_key:
                cells.append(("M", self.message_index[str(value)]))
            elif isinstance(f, models.UUIDField) and value is not None and str(value) in self.message_index:
                cells.append(("M", self.message_index[str(value)]))
            elif model is Run and f.attname == "duration_ms" and value is not None:
                cells.append(("D", value))  # stretched with the run's times
            elif isinstance(f, models.DateTimeField):
                cells.append(("T", None if value is None else (value - self.start).total_seconds()))
            elif isinstance(f, models.JSONField):
                cells.append(self._json(value))
            elif value is not None and value == self.order_id and "order" in f.attname:
                cells.append(("O", None))
            elif value == TEMPLATE_EMAIL:
                cells.append(("E", None))
            else:
                cells.append(("C", self._fixed(f, value)))
        return cells

    def _fixed(self, f, value):
        if value is None:
            return None
        if isinstance(value, uuid.UUID):
            return value.hex
        if isinstance(value, bool):
            return ("t" if value else "f") if self.postgres else int(value)
        return value

    def _tokenise(self, value, key=None):
        if isinstance(value, dict):
            return {k: self._tokenise(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._tokenise(v) for v in value]
        if isinstance(value, str):
            if value == self.run_id:
                return "@@R@@"
            if value in self.message_index:
                return f"@@M{self.message_index[value]}@@"
            if value == TEMPLATE_EMAIL:
                return "@@E@@"
            if ISO.match(value):
                try:
                    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
                except ValueError:
                    return value
                if at.tzinfo is not None:
                    return f"@@T{(at - self.start).total_seconds()!r}@@"
            return value
        if isinstance(value, bool) or value is None:
            return value
        if key == "order_id" and value == self.order_id:
            return "@@O@@"
        if key in MS_KEYS and isinstance(value, int | float):
            return f"@@S{value!r}@@"
        return value

    def _json(self, value):
        text = json.dumps(self._tokenise(value))
        parts = TOKEN.split(text)
        if len(parts) == 1:
            return ("C", text)
        # [literal, kind, arg, literal, kind, arg, …, literal]
        return ("J", parts)


def _render_json(parts: list, clone: Clone, postgres: bool) -> str:
    out = [parts[0]]
    for i in range(1, len(parts), 3):
        kind, arg = parts[i], parts[i + 1]
        if kind == "R":
            out.append(f'"{clone.run_id}"')
        elif kind == "M":
            out.append(f'"{clone.message_ids[int(arg)]}"')
        elif kind == "E":
            out.append(f'"{clone.email}"')
        elif kind == "O":
            out.append(str(clone.order_id) if clone.order_id is not None else "null")
        elif kind == "T":
            at = clone.start + timedelta(seconds=float(arg) * clone.stretch)
            out.append(f'"{at.isoformat()}+00:00"')
        elif kind == "S":
            number = float(arg) * clone.stretch
            out.append(str(round(number)) if "." not in arg else str(round(number, 3)))
        out.append(parts[i + 2])
    return "".join(out)


def row_plan(cells: list) -> tuple[list, list]:
    """A row's fixed values (dynamic ones None) and its dynamic cells as (index, kind, arg)."""
    fixed = [arg if kind == "C" else None for kind, arg in cells]
    dynamic = [(i, kind, arg) for i, (kind, arg) in enumerate(cells) if kind != "C"]
    return fixed, dynamic


def row_values(plan: tuple[list, list], clone: Clone, postgres: bool) -> list:
    """One row's column values for a clone: Python values for SQLite, text for PostgreSQL's COPY."""
    fixed, dynamic = plan
    values = fixed.copy()
    for i, kind, arg in dynamic:
        if kind == "R":
            values[i] = clone.run_hex
        elif kind == "M":
            values[i] = clone.message_ids[arg].hex
        elif kind == "T":
            if arg is not None:
                at = (clone.start + timedelta(seconds=arg * clone.stretch)).isoformat(sep=" ")
                values[i] = at + "+00:00" if postgres else at
        elif kind == "J":
            values[i] = _render_json(arg, clone, postgres)
        elif kind == "O":
            values[i] = clone.order_id
        elif kind == "D":
            values[i] = round(arg * clone.stretch)
        elif kind == "E":
            values[i] = clone.email
    return values


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


# --- Seeding ---------------------------------------------------------------------------------------------
@dataclass
class Seeded:
    runs: int = 0
    records: int = 0
    seconds: float = 0.0
    templates: int = 0
    templates_seconds: float = 0.0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def runs_per_second(self) -> float:
        """Seeded runs per second, the template runs made first left out."""
        copying = self.seconds - self.templates_seconds
        return self.runs / copying if copying > 0 else 0.0


def history_seed(
    runs: int,
    *,
    days: float = 7.0,
    seed: int | None = None,
    batch_runs: int = BATCH_RUNS,
    rebuild_indexes: bool | None = None,
    designs: list[str] | None = None,
    progress=None,
) -> Seeded:
    """Add `runs` finished runs started over the last `days` days (plus the few real template runs).

    `rebuild_indexes` (PostgreSQL; by default from REBUILD_INDEXES_FROM runs on): drop the run tables'
    secondary indexes first and build them again at the end. Nothing else should use the database then."""
    rng = random.Random(seed)
    started = time.monotonic()
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            # A seed that dies half-way is simply seeded again: no need to wait for each commit's flush.
            cursor.execute("SET synchronous_commit = off")
    templates = [Template(run, scenario, postgres) for scenario, run in templates_make(designs=designs)]
    if not templates:
        raise ValueError(f"no finished template run of {designs or 'the built-in designs'}")
    templates_seconds = time.monotonic() - started
    weights = [SCENARIO_WEIGHTS.get(template.scenario, 1) for template in templates]
    now = _utc_naive(timezone.now())
    span = days * 86400
    order_base = max(ORDER_BASE, (Run.objects.aggregate(m=models.Max("order_id"))["m"] or 0)) + 1
    buyers = max(10, runs // 20)  # about 20 runs per buyer
    seeded = Seeded(templates=len(templates), templates_seconds=templates_seconds)
    if rebuild_indexes is None:
        rebuild_indexes = runs >= REBUILD_INDEXES_FROM
    rebuild = _indexes_drop() if postgres and rebuild_indexes else []
    try:
        _copy_all(runs, templates, weights, rng, now, span, order_base, buyers, batch_runs, seeded, postgres, progress)
    finally:
        if rebuild:
            _indexes_create(rebuild)
    seeded.seconds = time.monotonic() - started
    return seeded


def _copy_all(runs, templates, weights, rng, now, span, order_base, buyers, batch_runs, seeded, postgres, progress):
    started = time.monotonic() - seeded.templates_seconds
    recent_from = now - timedelta(hours=ROLLUP_HOURS)
    done = 0
    while done < runs:
        count = min(batch_runs, runs - done)
        rows: dict[type, list] = {model: [] for model in Template.MODELS}
        recent = []
        for i in range(count):
            template = rng.choices(templates, weights)[0]
            clone = Clone(
                run_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                message_ids=[uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(template.messages)],
                order_id=order_base + done + i if template.order_id is not None else None,
                email=f"buyer{rng.randrange(buyers)}@example.com",
                start=now - timedelta(seconds=60 + rng.random() * span),
                stretch=rng.uniform(3, 20),
            )
            if clone.start >= recent_from:
                recent.append(clone.run_id)
            for model in Template.MODELS:
                rows[model].extend(row_values(plan, clone, postgres) for plan in template.plans[model])
            seeded.records += template.records
            seeded.by_status[template.status] = seeded.by_status.get(template.status, 0) + 1
        _write(rows, postgres)
        if recent:
            rollups_add(recent)
        done += count
        seeded.runs = done
        seeded.seconds = time.monotonic() - started
        if progress:
            progress(seeded)


def _indexes_drop() -> list[str]:
    """PostgreSQL, many runs: drop the secondary indexes and unique constraints of the run tables (building
    them once at the end, sorted, is several times cheaper than keeping them up to date row by row);
    the statements that make them again."""
    tables = [model._meta.db_table for model in Template.MODELS]
    again, drop = [], []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        for table, name, definition in cursor.fetchall():
            drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            again.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        constraint_names = {statement.split('"')[1] for statement in drop}
        cursor.execute(
            "SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i JOIN pg_index x "
            "ON x.indexrelid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass "
            "WHERE i.tablename = ANY(%s) AND NOT x.indisprimary",
            [tables],
        )
        for _table, name, definition in cursor.fetchall():
            if name not in constraint_names:
                drop.append(f'DROP INDEX "{name}"')
                again.append(definition)
        for statement in drop:
            cursor.execute(statement)
    return again


def _indexes_create(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        # The template runs updated rows of these tables: an index built over their dead versions would be
        # unusable (pg_index.indcheckxmin) until every transaction older than it ended. VACUUM removes them,
        # unless a transaction older than the seed, in any database of the server, still runs.
        for model in (Run, StepState, JoinState, OutboxMessage):
            cursor.execute(f"VACUUM {model._meta.db_table}")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in statements:
            cursor.execute(statement)


def _write(rows: dict[type, list], postgres: bool) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SAVEPOINT seed_replica")
            try:
                # Skips the foreign key triggers for these rows (they are consistent by construction);
                # only a superuser may, so without the right it is simply not done.
                cursor.execute("SET LOCAL session_replication_role = replica")
                cursor.execute("RELEASE SAVEPOINT seed_replica")
            except Exception:  # noqa: BLE001
                cursor.execute("ROLLBACK TO SAVEPOINT seed_replica")
        for model in Template.MODELS:
            if not rows[model]:
                continue
            table = model._meta.db_table
            names = ", ".join(connection.ops.quote_name(f.column) for f in Template.columns(model))
            if postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    chunk = []
                    for values in rows[model]:
                        chunk.append("\t".join(map(_copy_text, values)))
                        if len(chunk) >= 5000:
                            copy.write("\n".join(chunk) + "\n")
                            chunk = []
                    if chunk:
                        copy.write("\n".join(chunk) + "\n")
            else:
                marks = ", ".join(["%s"] * len(Template.columns(model)))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows[model])

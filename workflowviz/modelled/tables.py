"""Each declared service keeps its records in a table of its own, `modelled_records_<service>`.

The table is made when the service is declared (and, should it be missing, before the first record),
with the same columns for every service; a model class per service, kept out of Django's app registry,
reads and writes it. A deleted service's table stays, with its records.
"""

from django.apps.registry import Apps
from django.db import connection, models

_apps = Apps()
_models: dict[str, type[models.Model]] = {}
_ready: set[tuple[str, str]] = set()  # (database name, table) known to exist in this process


def table_name(service: str) -> str:
    return f"modelled_records_{service}"


def records_model(service: str) -> type[models.Model]:
    """The model of a declared service's records table (one class per service and process)."""
    model = _models.get(service)
    if model is None:
        meta = type(
            "Meta", (), {"db_table": table_name(service), "managed": False, "app_label": "modelled", "apps": _apps}
        )
        attrs = {
            "__module__": __name__,
            "Meta": meta,
            "run_id": models.CharField(max_length=36, db_index=True),
            "step_id": models.CharField(max_length=80),
            "visit": models.PositiveIntegerField(default=1),
            "action": models.CharField(max_length=80),
            "outcome": models.CharField(max_length=80),
            "idempotency_key": models.CharField(max_length=250, unique=True),
            "input": models.JSONField(default=dict),
            "output": models.JSONField(default=dict),
            "created_at": models.DateTimeField(auto_now_add=True),
            "__str__": lambda self: f"{self.action} → {self.outcome} ({self.run_id[:8]})",
        }
        model = _models[service] = type(f"Records_{service}", (models.Model,), attrs)
    return model


def records_table_ensure(service: str) -> type[models.Model]:
    """Make the service's table if it does not exist yet; its model."""
    model = records_model(service)
    key = (connection.settings_dict["NAME"], model._meta.db_table)
    if key in _ready:
        return model
    if model._meta.db_table not in connection.introspection.table_names():
        editor = connection.schema_editor(collect_sql=True, atomic=False)
        sql, params = editor.table_sql(model)
        statements = [sql.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1)]
        statements += [str(statement) for statement in editor._model_indexes_sql(model)]
        with connection.cursor() as cursor:
            cursor.execute(statements[0], params)
            for statement in statements[1:]:
                cursor.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    _ready.add(key)
    return model


def records_forget() -> None:
    """Forget which tables exist (a test database was flushed or rolled back)."""
    _ready.clear()

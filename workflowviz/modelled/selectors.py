"""Reads of the declared services' records for the pages and the API."""

from django.db import connection

from .models import DeclaredService
from .tables import records_model


def declared_business_state(refs: list) -> dict[str, dict]:
    """What each declared service's records say of each run: "<service>.<step>" → the step's last outcome.

    One query per declared service that takes part in the page's runs (deleted ones too: their tables stay).
    """
    wanted = {service for ref in refs for service in ref.services}
    names = sorted(DeclaredService.objects.filter(name__in=wanted).values_list("name", flat=True))
    if not names:
        return {}
    tables = set(connection.introspection.table_names())
    found: dict[str, dict] = {}
    for name in names:
        model = records_model(name)
        run_ids = [ref.run_id for ref in refs if name in ref.services]
        if model._meta.db_table not in tables or not run_ids:
            continue
        rows = model.objects.filter(run_id__in=run_ids).order_by("id").values_list("run_id", "step_id", "outcome")
        for run_id, step_id, outcome in rows:  # later visits of a step overwrite earlier ones
            found.setdefault(run_id, {})[f"{name}.{step_id}"] = outcome
    return found

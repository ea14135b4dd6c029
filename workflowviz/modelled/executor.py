"""The one generic handler of every declared action.

Given an action's definition (as the run froze it) and a call, the service:
1. keeps one effect per idempotency key: a second call with the same key answers what the first did;
2. picks an outcome: by weights, or by the first rule (`when`) that holds on its inputs and its own
   records (`count("Outcome")`, `records`); the pick is seeded by the inputs, the step and the visit,
   so the same input makes the same decisions in both patterns;
3. computes the outcome's fields (an expression, the input of the same name, or an id derived from
   the call) and writes its record in its own table, in the transaction of the step.
"""

import hashlib
import json
import random

from django.db import DatabaseError, transaction
from django.db.models import Count

from workflowviz.engine.registry import Action, ActionCall, Outcome

from .expressions import expression_eval
from .tables import records_forget, records_table_ensure

WEIGHTED = "weighted"
RULE = "rule"


class NoOutcome(Exception):
    """No rule held and no outcome is the default: the action fails (and is retried by its policy)."""


def _seed(action_key: str, call: ActionCall, inputs: dict) -> int:
    text = json.dumps([action_key, call.step_id, call.visit, inputs], sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def idempotency_key(definition: dict, action_key: str, call: ActionCall, inputs: dict) -> str:
    fields = (definition.get("idempotency") or {}).get("key") or []
    if fields:
        values = json.dumps([inputs.get(name) for name in fields], default=str)
        return f"{action_key}:{hashlib.sha256(values.encode()).hexdigest()[:40]}"
    return f"{call.run_id}:{call.step_id}:{call.visit}"


class Counts:
    """This service's records by outcome, read once per call and only if a rule asks."""

    def __init__(self, service: str):
        self.service = service
        self._by_outcome: dict[str, int] | None = None

    def by_outcome(self) -> dict[str, int]:
        if self._by_outcome is None:
            model = records_table_ensure(self.service)
            rows = model.objects.values("outcome").annotate(n=Count("id")).values_list("outcome", "n")
            self._by_outcome = dict(rows)
        return self._by_outcome

    def count(self, outcome: str) -> int:
        return self.by_outcome().get(outcome, 0)

    @property
    def records(self) -> int:
        return sum(self.by_outcome().values())


def _values(definition: dict, call: ActionCall, inputs: dict, counts: Counts) -> dict:
    values = {**inputs, "visit": call.visit, "attempt": call.attempt}
    if any("records" in (o.get("when") or "") for o in definition["outcomes"]):
        values["records"] = counts.records
    return values


def outcome_pick(definition: dict, values: dict, counts: Counts, seed: int) -> dict:
    outcomes = definition["outcomes"]
    if definition.get("choice", WEIGHTED) == RULE:
        for outcome in outcomes:
            when = outcome.get("when")
            if not when or expression_eval(when, values, count=counts.count):
                return outcome
        raise NoOutcome("no rule held, and no outcome is the default (an outcome without a rule)")
    weights = [float(outcome.get("weight", 1)) for outcome in outcomes]
    return random.Random(seed).choices(outcomes, weights=weights)[0]


def _derived_id(name: str, seed: int) -> str:
    prefix = "".join(part[:1] for part in name.split("_")[:-1]).upper() or "ID"
    return f"{prefix}-{seed % 36**8:08X}"[:24]


def outcome_fields(outcome: dict, values: dict, counts: Counts, seed: int) -> dict:
    output = {}
    for spec in outcome.get("fields", []):
        name = spec["name"]
        if spec.get("value"):
            output[name] = expression_eval(spec["value"], values, count=counts.count)
        elif name in values and name not in ("visit", "attempt", "records"):
            output[name] = values[name]
        else:
            output[name] = _derived_id(name, seed)
    return output


def _record_write(service: str, row: dict):
    model = records_table_ensure(service)
    try:
        with transaction.atomic():  # a savepoint: a table dropped meanwhile is made again below
            return model.objects.create(**row)
    except DatabaseError:
        records_forget()
        return records_table_ensure(service).objects.create(**row)


def execute(service: str, name: str, definition: dict, call: ActionCall) -> tuple[str, dict]:
    """Run a declared action once: (outcome event, output fields)."""
    action_key = f"{service}.{name}"
    inputs = {field: call.data[field] for field in definition.get("inputs", []) if field in call.data}
    missing = [field for field in definition.get("inputs", []) if field not in call.data]
    if missing:
        raise KeyError(f"missing input {', '.join(missing)}")
    key = idempotency_key(definition, action_key, call, inputs)
    existing = records_table_ensure(service).objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing.outcome, existing.output
    seed = _seed(action_key, call, inputs)
    counts = Counts(service)
    values = _values(definition, call, inputs, counts)
    outcome = outcome_pick(definition, values, counts, seed)
    output = outcome_fields(outcome, values, counts, seed)
    _record_write(
        service,
        {
            "run_id": call.run_id,
            "step_id": call.step_id,
            "visit": call.visit,
            "action": name,
            "outcome": outcome["event"],
            "idempotency_key": key,
            "input": inputs,
            "output": output,
        },
    )
    return outcome["event"], output


def action_of(service: str, name: str, definition: dict) -> Action:
    """A declared action as the engine's registry describes actions."""
    return Action(
        service=service,
        name=name,
        inputs=tuple(definition.get("inputs", [])),
        outcomes=tuple(
            Outcome(outcome["event"], tuple(spec["name"] for spec in outcome.get("fields", [])))
            for outcome in definition["outcomes"]
        ),
        execute=lambda call: execute(service, name, definition, call),
        description=definition.get("description", ""),
        compensation=f"{service}.{definition['compensation']}" if definition.get("compensation") else "",
        modelled=True,
        command_name="".join(part.capitalize() for part in name.split("_")),
        policy_defaults={
            key: definition[key]
            for key in ("latency_ms", "latency_distribution", "failure_probability")
            if key in definition
        },
        declaration={"service": service, "name": name, **definition},
    )

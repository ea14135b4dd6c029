"""Policy overrides for a run or a burst: switch on failures, latency, tighter timeouts."""

from .design import POLICY_LIMITS

# key → (kind, low, high)
OVERRIDABLE = POLICY_LIMITS
ALL_STEPS = "*"


def _value_problem(key: str, value) -> str:
    kind, low, high = OVERRIDABLE[key]
    if kind is list:
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and low <= v <= high for v in value)
            and value[0] <= value[1]
        )
        return "" if ok else f"must be [low, high] whole milliseconds, {low} ≤ low ≤ high ≤ {high}"
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and not isinstance(value, int)):
        return f"must be a {'whole ' if kind is int else ''}number from {low} to {high}"
    return "" if low <= value <= high else f"must be from {low} to {high}"


def overrides_validate(overrides, step_ids: list[str]) -> dict[str, str]:
    """Problems by path ("*.failure_probability", "assign_partner.latency_ms"); empty when valid."""
    if not isinstance(overrides, dict):
        return {"policy": 'must be an object: {"*" or a step id: {setting: value}}'}
    problems = {}
    for target, settings in overrides.items():
        if target != ALL_STEPS and target not in step_ids:
            problems[str(target)[:80]] = f"not a step of this workflow (steps: {', '.join(step_ids)})"
            continue
        if not isinstance(settings, dict):
            problems[target] = "must be an object of settings"
            continue
        for key, value in settings.items():
            if key not in OVERRIDABLE:
                problems[f"{target}.{str(key)[:40]}"] = f"unknown setting (allowed: {', '.join(OVERRIDABLE)})"
            elif problem := _value_problem(key, value):
                problems[f"{target}.{key}"] = problem
    return problems

"""Small statistics helpers (the benchmark, the metrics page and the compare page share them)."""


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def percentiles(values: list[float], qs=(50, 95, 99)) -> dict:
    """{"n", "p50", "p95", "p99", "max"} in the values' unit, rounded to 0.1."""
    result = {"n": len(values)}
    for q in qs:
        value = percentile(values, q)
        result[f"p{q}"] = None if value is None else round(value, 1)
    result["max"] = round(max(values), 1) if values else None
    return result


def ratio(numerator, denominator, digits: int = 2):
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, digits)

"""Figures as the compare page writes them."""

PATTERNS = ("orchestration", "choreography")
SERVICE_LABELS = {"orders": "Orders", "notifications": "Notifications", "sellers": "Sellers", "logistics": "Logistics"}


def label(service: str) -> str:
    return SERVICE_LABELS.get(service) or service[:1].upper() + service[1:]


SERVICE_ORDER = ["orders", "notifications", "sellers", "logistics", "rewards"]


def _order(service: str) -> tuple:
    return (SERVICE_ORDER.index(service) if service in SERVICE_ORDER else len(SERVICE_ORDER), service)


def labels(services) -> str:
    """Services by name, in the order the timeline's lanes have them."""
    return listing([label(service) for service in sorted(services, key=_order)])


def listing(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def ms_text(ms) -> str:
    if ms is None:
        return "–"
    if abs(ms) < 1000:
        return f"{ms:.0f} ms" if abs(ms) >= 10 else f"{ms:.1f} ms"
    if abs(ms) < 60_000:
        return f"{ms / 1000:.2f} s" if abs(ms) < 10_000 else f"{ms / 1000:.1f} s"
    return f"{int(ms // 60_000)} min {round(ms % 60_000 / 1000)} s"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def fault_text(fault: dict) -> str:
    parts = []
    if fault.get("down"):
        parts.append(f"{label(fault['service'])} off")
    if fault.get("deliver_twice"):
        parts.append(f"{label(fault['service'])}: next {fault['deliver_twice']} delivered twice")
    return "; ".join(parts)

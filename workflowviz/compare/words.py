"""Figures as the compare page writes them, in the words of the design compared."""

from dataclasses import dataclass

from workflowviz.engine.registry import service_get, service_names

PATTERNS = ("orchestration", "choreography")


@dataclass(frozen=True)
class Words:
    """Who coordinates the design compared, and what one run of it is called ("order" in the shop)."""

    coordinator: str = "Orders"
    unit: str = "order"

    @property
    def units(self) -> str:
        return f"{self.unit}s"


def words_for(*, trigger: str, coordinator: str) -> Words:
    return Words(coordinator=label(coordinator), unit="order" if trigger == "OrderPlaced" else "run")


def label(service: str) -> str:
    info = service_get(service)
    return info.label if info else service[:1].upper() + service[1:]


def _order(service: str) -> tuple:
    order = service_names()
    return (order.index(service) if service in order else len(order), service)


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

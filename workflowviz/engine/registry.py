"""The one registry of services, the actions they offer and the events they publish.

Coded services (the shop's apps) register theirs in `AppConfig.ready()`. Declared services (made in the
browser, no code) come from sources plugged in at start-up (`registry_source_set`), so the engine does
not know where they are kept. Queues, workers, fault switches, lanes and the browser all read this.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from workflowviz.contracts import Message


@dataclass(frozen=True)
class Outcome:
    """One way an action can end: the event its service publishes (or replies) and that event's fields."""

    event: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ActionCall:
    """What an action's executor gets: the input data, and where in which run it runs."""

    data: dict
    run_id: str
    step_id: str
    service: str
    visit: int = 1
    attempt: int = 1


# An executor turns a call into (outcome event name, output fields).
Executor = Callable[[ActionCall], tuple[str, dict]]


@dataclass(frozen=True)
class Action:
    service: str
    name: str
    inputs: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    execute: Executor
    description: str = ""
    # The key of the action (of the same service) that undoes this one in a saga, or "" if none.
    compensation: str = ""
    modelled: bool = False
    # Input fields that may be absent (taken as their default by the action).
    optional_inputs: tuple[str, ...] = ()
    command_name: str = ""  # what a command asking for it is called ("PrepareShipment")
    # Policy settings the action brings (a declared action's latency and failure probability).
    policy_defaults: dict = field(default_factory=dict, compare=False)
    # A declared action's definition, which a run freezes in its copy of the design.
    declaration: dict | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return f"{self.service}.{self.name}"

    def outcome(self, event: str) -> Outcome | None:
        return next((outcome for outcome in self.outcomes if outcome.event == event), None)

    def command_payload(self, data: dict) -> dict:
        """The fields of `data` this action takes (a required one that is missing stays missing: the
        executor says so)."""
        names = [*self.inputs, *self.optional_inputs]
        return {name: data[name] for name in names if name in data}

    @property
    def decides(self) -> bool:
        """An action with more than one outcome is a decision: its service picks the next branch."""
        return len(self.outcomes) > 1


@dataclass(frozen=True)
class EventInfo:
    """An event somebody publishes: a trigger that starts runs, or an action's outcome."""

    name: str
    fields: tuple[str, ...]
    service: str
    types: dict = field(default_factory=dict, compare=False)  # field → "string", "integer", "number", "boolean"…


@dataclass(frozen=True)
class ServiceInfo:
    name: str
    label: str
    colour: str
    modelled: bool = False
    description: str = ""
    records_url: str = ""  # the admin page of the service's own records ("/admin/orders/order/")


class DuplicateAction(Exception):
    pass


class UnknownAction(KeyError):
    pass


_services: dict[str, ServiceInfo] = {}
_actions: dict[str, Action] = {}
_triggers: dict[str, EventInfo] = {}


@dataclass
class _Sources:
    """Where declared services, actions and events come from (set by the bootstrap)."""

    services: Callable[[], list[ServiceInfo]] = list
    actions: Callable[[], list[Action]] = list
    events: Callable[[], list[EventInfo]] = list
    # (key, frozen definition) → Action: a declared action as a run copied it.
    from_declaration: Callable[[str, dict], Action] | None = None


_sources = _Sources()


def registry_source_set(
    *,
    services: Callable[[], list[ServiceInfo]],
    actions: Callable[[], list[Action]],
    events: Callable[[], list[EventInfo]],
    from_declaration: Callable[[str, dict], Action],
) -> None:
    _sources.services, _sources.actions, _sources.events = services, actions, events
    _sources.from_declaration = from_declaration


def declared_action(key: str, declaration: dict) -> Action:
    """A declared action from the definition a run froze (editing the service later changes nothing)."""
    if _sources.from_declaration is None:
        raise UnknownAction(key)
    return _sources.from_declaration(key, declaration)


def service_register(*, name: str, label: str, colour: str, records_url: str = "", description: str = "") -> None:
    _services[name] = ServiceInfo(
        name=name, label=label, colour=colour, records_url=records_url, description=description
    )


def trigger_register(*, contract: type[Message], service: str) -> None:
    """A coded event that starts runs (OrderPlaced, published by Orders when an order is placed)."""
    _triggers[contract.name()] = EventInfo(
        contract.name(), tuple(contract.field_names()), service, contract_types(contract)
    )


def contract_types(contract: type[Message]) -> dict:
    names = {int: "integer", str: "string", float: "number", bool: "boolean"}
    types = {}
    for name, annotation in contract.__annotations__.items():
        types[name] = names.get(annotation, "array" if getattr(annotation, "__origin__", None) is list else "any")
    return types


def _coded_executor(command: type[Message], handler: Callable[[Message], Message]) -> Executor:
    def execute(call: ActionCall) -> tuple[str, dict]:
        event = handler(command.from_data(call.data))
        return event.name(), event.to_data()

    return execute


def action_register(
    *,
    service: str,
    name: str,
    command: type[Message],
    handler: Callable[[Message], Message],
    event: type[Message] | None = None,
    outcomes: tuple[type[Message], ...] = (),
    description: str = "",
    compensation: str = "",
) -> Action:
    """Register a coded action: its command contract, its outcome event(s) and the handler that does it."""
    events = (event,) if event is not None else tuple(outcomes)
    if not events:
        raise ValueError(f"{service}.{name} needs an event or outcomes")
    action = Action(
        service=service,
        name=name,
        inputs=tuple(command.required_field_names()),
        optional_inputs=tuple(sorted(set(command.field_names()) - set(command.required_field_names()))),
        outcomes=tuple(Outcome(each.name(), tuple(each.field_names())) for each in events),
        execute=_coded_executor(command, handler),
        command_name=command.name(),
        description=description,
        compensation=compensation,
    )
    existing = _actions.get(action.key)
    if existing is not None and (existing.inputs, existing.outcomes) != (action.inputs, action.outcomes):
        raise DuplicateAction(f"{action.key} is registered twice")
    _actions[action.key] = action
    for each in events:
        _outcome_types[each.name()] = contract_types(each)
    _input_types[action.key] = contract_types(command)
    return action


_outcome_types: dict[str, dict] = {}
_input_types: dict[str, dict] = {}


def field_types(action: Action) -> dict:
    """Input field → type name, for coded actions from their contract's annotations."""
    return _input_types.get(action.key, {})


def action_get(key: str) -> Action:
    """A coded or declared action by "<service>.<name>"; raises UnknownAction."""
    action = _actions.get(key)
    if action is not None:
        return action
    for declared in _sources.actions():
        if declared.key == key:
            return declared
    raise UnknownAction(key)


def actions_all() -> list[Action]:
    merged = {action.key: action for action in _sources.actions()}
    merged.update(_actions)
    return sorted(merged.values(), key=lambda action: action.key)


def services_all() -> list[ServiceInfo]:
    """Coded services in the order their apps are installed, then declared ones by name."""
    declared = [service for service in _sources.services() if service.name not in _services]
    return [*_services.values(), *sorted(declared, key=lambda service: service.name)]


def service_names() -> list[str]:
    return [service.name for service in services_all()]


def service_get(name: str) -> ServiceInfo | None:
    return _services.get(name) or next((s for s in _sources.services() if s.name == name), None)


def coded_service_names() -> list[str]:
    return list(_services)


def coded_catalogue() -> tuple[list[Action], list[EventInfo]]:
    """The coded actions and the events they and the coded triggers publish: what code alone declares."""
    events = {
        outcome.event: EventInfo(outcome.event, outcome.fields, action.service, _outcome_types.get(outcome.event, {}))
        for action in _actions.values()
        for outcome in action.outcomes
    }
    events.update(_triggers)
    return sorted(_actions.values(), key=lambda a: a.key), list(events.values())


def events_all() -> list[EventInfo]:
    """Every event that can start a run: coded triggers, declared services' events, and every outcome."""
    events: dict[str, EventInfo] = {}
    for action in actions_all():
        for outcome in action.outcomes:
            types = _outcome_types.get(outcome.event, {})
            events.setdefault(outcome.event, EventInfo(outcome.event, outcome.fields, action.service, types))
    for event in _sources.events():
        events[event.name] = event
    events.update(_triggers)
    return sorted(events.values(), key=lambda event: event.name)


def triggers_all() -> list[EventInfo]:
    """The events offered to start a run: coded triggers, and every event of a declared service (its own
    events and its actions' outcomes). Any other event may still start one (`events_all`)."""
    declared = {service.name for service in _sources.services()}
    return [event for event in events_all() if event.name in _triggers or event.service in declared]


def event_get(name: str) -> EventInfo | None:
    return next((event for event in events_all() if event.name == name), None)

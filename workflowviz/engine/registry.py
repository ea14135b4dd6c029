"""The actions each service offers. Service apps register theirs in `AppConfig.ready()`."""

from collections.abc import Callable
from dataclasses import dataclass

from workflowviz.contracts import Message


@dataclass(frozen=True)
class Action:
    service: str
    name: str
    command: type[Message]
    event: type[Message]
    handler: Callable[[Message], Message]
    description: str = ""
    # The key of the action (of the same service) that undoes this one in a saga, or "" if none.
    compensation: str = ""

    @property
    def key(self) -> str:
        return f"{self.service}.{self.name}"


_actions: dict[str, Action] = {}


class DuplicateAction(Exception):
    pass


def action_register(
    *,
    service: str,
    name: str,
    command: type[Message],
    event: type[Message],
    handler: Callable[[Message], Message],
    description: str = "",
    compensation: str = "",
) -> Action:
    action = Action(
        service=service,
        name=name,
        command=command,
        event=event,
        handler=handler,
        description=description,
        compensation=compensation,
    )
    existing = _actions.get(action.key)
    if existing is not None and existing.handler is not handler:
        raise DuplicateAction(f"{action.key} is registered twice")
    _actions[action.key] = action
    return action


def action_get(key: str) -> Action:
    return _actions[key]


def actions_all() -> list[Action]:
    return sorted(_actions.values(), key=lambda action: action.key)

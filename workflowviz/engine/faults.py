"""Fault switches, kept in Redis so that every process sees them: a service down, deliveries doubled.

A service that is down stops consuming its queue; its queue keeps accepting messages. "Deliver twice"
makes the relay enqueue each of the next N messages to a service two times.
"""

import time

from redis import Redis

from .registry import service_names

FAULTS_KEY = "workflowviz:faults"
CACHE_SECONDS = 0.25

_cache: dict = {"at": 0.0, "faults": {}}


def _down_field(service: str) -> str:
    return f"down:{service}"


def _twice_field(service: str) -> str:
    return f"twice:{service}"


def faults_read(connection: Redis) -> dict[str, int]:
    raw = connection.hgetall(FAULTS_KEY)
    return {key.decode(): int(value) for key, value in raw.items()}


def faults_cached(connection: Redis) -> dict[str, int]:
    """The switches, read at most every CACHE_SECONDS: cheap enough for every dequeue and enqueue."""
    now = time.monotonic()
    if now - _cache["at"] > CACHE_SECONDS:
        _cache["faults"] = faults_read(connection)
        _cache["at"] = now
    return _cache["faults"]


def service_down_set(connection: Redis, *, service: str, down: bool) -> None:
    if down:
        connection.hset(FAULTS_KEY, _down_field(service), 1)
    else:
        connection.hdel(FAULTS_KEY, _down_field(service))


def service_is_down(faults: dict[str, int], service: str) -> bool:
    return faults.get(_down_field(service), 0) > 0


def deliver_twice_set(connection: Redis, *, service: str, count: int) -> None:
    if count > 0:
        connection.hset(FAULTS_KEY, _twice_field(service), count)
    else:
        connection.hdel(FAULTS_KEY, _twice_field(service))


def deliver_twice_take(connection: Redis, service: str, wanted: int) -> int:
    """How many of `wanted` messages to `service` must be delivered twice (and use them up)."""
    field = _twice_field(service)
    if faults_cached(connection).get(field, 0) <= 0:
        return 0
    left = connection.hincrby(FAULTS_KEY, field, -wanted)
    taken = min(wanted, wanted + left) if left < 0 else wanted
    if left <= 0:
        connection.hdel(FAULTS_KEY, field)
    _cache["at"] = 0.0
    return max(0, taken)


def faults_summary(connection: Redis) -> list[dict]:
    faults = faults_read(connection)
    return [
        {
            "service": service,
            "down": service_is_down(faults, service),
            "deliver_twice": faults.get(_twice_field(service), 0),
        }
        for service in service_names()
    ]

"""Simulated work around an action: how long it takes and how often it fails, from the step's policy.

The participant sleeps `work_seconds` outside any transaction (so no lock is held meanwhile), and runs
the action through `with_injected_failure`, which fails an attempt with the policy's probability.
"""

import random

from .design import Policy
from .registry import ActionCall, Executor

UNIFORM = "uniform"
NORMAL = "normal"
EXPONENTIAL = "exponential"
LATENCY_DISTRIBUTIONS = (UNIFORM, NORMAL, EXPONENTIAL)


class InjectedFailure(Exception):
    """A failure switched on by the step's policy (failure probability)."""


def work_seconds(policy: Policy, rng: random.Random | None = None) -> float:
    """A simulated working time within the policy's [low, high] milliseconds, drawn by its distribution:
    uniform; normal (centred, six standard deviations wide, clipped); exponential (a long tail from low)."""
    rng = rng or random
    low, high = policy.latency_ms
    if high <= 0:
        return 0.0
    if policy.latency_distribution == NORMAL:
        value = rng.gauss((low + high) / 2, (high - low) / 6 or 1)
    elif policy.latency_distribution == EXPONENTIAL:
        value = low + rng.expovariate(4 / ((high - low) or 1))
    else:
        value = rng.uniform(low, high)
    return min(max(value, low), high) / 1000


def with_injected_failure(execute: Executor, policy: Policy) -> Executor:
    if policy.failure_probability <= 0:
        return execute

    def simulated(call: ActionCall) -> tuple[str, dict]:
        if random.random() < policy.failure_probability:
            raise InjectedFailure(f"injected failure (probability {policy.failure_probability})")
        return execute(call)

    return simulated

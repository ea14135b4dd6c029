import pytest


@pytest.fixture(autouse=True)
def _workers_paused(workers_paused):
    """These tests drive the engine in-process (see `workers_paused`)."""
    yield

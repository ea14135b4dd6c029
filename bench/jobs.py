"""The raw RQ baseline's job: it does nothing."""


def noop(*args) -> None:
    return None

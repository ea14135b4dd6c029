"""Small checks of untrusted values, shared by every layer that reads input."""


def is_whole(value, low: int, high: int) -> bool:
    """A whole number (not a bool) from low to high."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def digits(text: str, *, max_digits: int = 9) -> bool:
    """ASCII digits only: str.isdigit() also accepts "²" (which int() refuses) and other scripts' digits."""
    return text.isascii() and text.isdigit() and 1 <= len(text) <= max_digits

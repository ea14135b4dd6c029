"""The password hasher of the test process (tests/conftest.py puts it first)."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 hasher with 1,000 iterations instead of 1,000,000 (0.28 s per user on a loaded 2-core
    machine). Its hashes carry the same algorithm name and their own iteration count, so daphne and the
    workers (Django's default hashers) check them unchanged; a wrong password there still costs the full
    1,000,000 iterations (Django pads the time of an outdated hash), so the throttling tests meet the real cost.
    """

    iterations = 1000

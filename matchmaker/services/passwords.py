"""Password hashing with argon2id; old or weaker hashes are upgraded at the next login."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app

# A valid hash of a random password: verifying against it when the e-mail is unknown costs the
# same time as a real check, so response time does not reveal which e-mails have accounts.
_DUMMY_PASSWORD = "not-a-real-password-0f3c"


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one should be upgraded)."""
    hasher = _hasher()
    try:
        hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    return True, hasher.hash(password) if hasher.check_needs_rehash(stored_hash) else None


def burn_time(password: str) -> None:
    """Spend one hash's worth of time for an unknown account (no user enumeration by timing)."""
    _hasher().hash(password or _DUMMY_PASSWORD)


def same_token(expected: str, given: str) -> bool:
    """Constant-time comparison of session tokens."""
    import secrets

    return secrets.compare_digest(expected.encode(), given.encode())

"""Domain errors raised by services; views turn them into a message or a 403/404/409."""


class DomainError(Exception):
    """A rule of the pool refused the action; ``str(error)`` is a message for the user."""

    status = 400


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """The action does not fit the object's current state (e.g. submitting a published posting)."""

    status = 409


class TooMany(DomainError):
    """A budget is spent (e.g. interests sent today): try again in ``retry_after`` seconds."""

    status = 429

    def __init__(self, message: str, retry_after: float = 60):
        super().__init__(message)
        self.retry_after = max(1, int(retry_after + 0.999))

    @property
    def headers(self) -> dict[str, str]:
        """``Retry-After`` for the answer (the rate limiter keeps the later of its own and this)."""
        return {"Retry-After": str(self.retry_after)}

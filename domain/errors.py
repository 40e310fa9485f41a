"""Expected failures, with a stable code. The API maps them to its one typed error shape."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager


class ErrorCode(enum.Enum):
    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    CONFLICT = "CONFLICT"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    RATE_LIMITED = "RATE_LIMITED"
    TWO_FACTOR_REQUIRED = "TWO_FACTOR_REQUIRED"
    UNAVAILABLE = "UNAVAILABLE"


class DomainError(Exception):
    def __init__(self, code: ErrorCode, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


@contextmanager
def within(part: str) -> Iterator[None]:
    """Errors raised for one part of a larger input name their field under that part: "student.lastName"."""
    try:
        yield
    except DomainError as e:
        if e.field:
            e.field = f"{part}.{e.field}"
        raise


def not_found(what: str = "record", field: str | None = "id") -> DomainError:
    # The same answer for unknown, forbidden and other-organization ids.
    return DomainError(ErrorCode.NOT_FOUND, f"No such {what}.", field)


def invalid(message: str, field: str | None) -> DomainError:
    return DomainError(ErrorCode.VALIDATION, message, field)


def conflict(what: str, current_version: int) -> DomainError:
    return DomainError(
        ErrorCode.CONFLICT,
        f"This {what} was changed by someone else (now at version {current_version}). Reload and try again.",
        "version",
    )


def require(actor, resource: str, action: str) -> None:
    if not actor.can(resource, action):
        raise DomainError(ErrorCode.FORBIDDEN, f"You do not have permission to {action} {resource} records.")

"""Running domain calls from resolvers: expected failures become the one typed error shape."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.orm.exc import StaleDataError

from api.errors import QueryError, UserError
from domain.errors import DomainError, ErrorCode

T = TypeVar("T")


async def attempt(call: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """For mutations: (result, []) or (None, [error]); a failure has changed nothing."""
    try:
        return await call(), []
    except DomainError as e:
        return None, [UserError.of(e)]
    except StaleDataError:
        # two saves of the same version at once: the version check passed for both, the database let one win
        return None, [UserError.of(DomainError(
            ErrorCode.CONFLICT, "This record was changed by someone else at the same time. Reload and try again.",
            "version"))]


async def query(call: Callable[[], Awaitable[T]]) -> T:
    """For queries: an expected failure becomes a GraphQL error with its code in extensions."""
    try:
        return await call()
    except DomainError as e:
        raise QueryError(e) from None


def given(inp: Any, mapping: dict[str, str]) -> dict[str, Any]:
    """The input fields the client actually sent (UNSET ones are left out), renamed to domain keys."""
    return {dom: getattr(inp, attr) for attr, dom in mapping.items()
            if getattr(inp, attr, strawberry.UNSET) is not strawberry.UNSET}


async def fetch(call: Callable[[], Awaitable[T | None]]) -> T | None:
    """For single-record queries: unknown, malformed, forbidden and foreign ids all read as null."""
    try:
        return await call()
    except DomainError as e:
        if e.code in (ErrorCode.NOT_FOUND, ErrorCode.VALIDATION):
            return None
        raise QueryError(e) from None


def signed_in(ctx):
    """The actor, for synchronous resolvers; anonymous callers get UNAUTHENTICATED."""
    try:
        return ctx.actor
    except DomainError as e:
        raise QueryError(e) from None

"""The one error shape: every mutation payload carries `errors: [UserError!]!` with a stable code."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from domain.errors import DomainError
from domain.errors import ErrorCode as DomainErrorCode

ErrorCode = strawberry.enum(DomainErrorCode, name="ErrorCode",
                            description="Stable codes for expected failures.")


@strawberry.type(description="An expected failure: nothing was changed.")
class UserError:
    code: ErrorCode
    message: str
    field: str | None = strawberry.field(description="The input field at fault (camelCase path), if any.")

    @classmethod
    def of(cls, e: DomainError) -> "UserError":
        return cls(code=e.code, message=e.message, field=e.field)


class QueryError(GraphQLError):
    """An expected failure of a query field (e.g. FORBIDDEN): passes masking, code in extensions."""

    def __init__(self, e: DomainError):
        super().__init__(e.message, extensions={"code": e.code.value, "field": e.field})

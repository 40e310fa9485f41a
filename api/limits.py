"""Limits on what one GraphQL request may ask for: depth, aliases, tokens and cost.

Depth, aliases and tokens are strawberry's own extensions; the cost limit is small and ours (no maintained
Python package does it): every field costs 1, and a connection (a field with a `first` argument) multiplies
the cost of what is selected under it by its page size (`first`, or the default page size when omitted).
Every refusal is a GraphQL error with a stable code in `extensions.code` and changes nothing:

    QUERY_TOO_DEEP, TOO_MANY_ALIASES, TOO_MANY_TOKENS, QUERY_TOO_COSTLY

Before any of that, a request body over MAX_BODY_BYTES is refused with HTTP 413 and PAYLOAD_TOO_LARGE
(`BodySizeLimit`), whether it announces its length or streams it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from graphql import (
    FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, GraphQLInterfaceType, GraphQLObjectType,
    GraphQLSchema, GraphQLSyntaxError, InlineFragmentNode, IntValueNode, OperationDefinitionNode, SelectionSetNode,
    ValidationRule, VariableNode, get_named_type, get_operation_ast,
)
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as _aliases_rule
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.extensions.query_depth_limiter import create_validator as _depth_rule

from domain.paging import DEFAULT_PAGE, MAX_PAGE

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000
MAX_COST = 15000
# The largest request body: an import file (at most 20 MB decoded, domain.imports.service.MAX_API_BYTES) sent as
# base64 in JSON is ~26.7 MB; nothing else comes close.
MAX_BODY_BYTES = 28 * 1024 * 1024


class _TooLarge(Exception):
    pass


class BodySizeLimit:
    """ASGI middleware: refuses a request body larger than `limit` before the app has done anything with it
    (an announced Content-Length at once, a streamed body as soon as it passes the limit), so no request can
    make a worker buffer an arbitrary amount of memory."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await self._refuse(send)
        seen, started = 0, False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracked_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await self.app(scope, counted_receive, tracked_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send) -> None:
        body = orjson.dumps({"errors": [{
            "message": f"The request is larger than {self.limit // (1024 * 1024)} MB.",
            "extensions": {"code": "PAYLOAD_TOO_LARGE", "limit": self.limit}}]})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class _Tagging:
    """A validation context whose reported errors carry a code (the rule itself is the library's)."""

    def __init__(self, context, code: str, limit: int):
        self._context, self._code, self._limit = context, code, limit

    def report_error(self, error: GraphQLError) -> None:
        error.extensions = {**(error.extensions or {}), "code": self._code, "limit": self._limit}
        self._context.report_error(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _tagged(rule: type[ValidationRule], code: str, limit: int) -> type[ValidationRule]:
    class Tagged(rule):  # type: ignore[valid-type, misc]
        def __init__(self, context):
            super().__init__(_Tagging(context, code, limit))
    Tagged.__name__ = f"{rule.__name__}_{code}"
    return Tagged


def _skip_introspection(ignore: IgnoreContext) -> bool:
    # GraphiQL's own schema query nests `ofType` deeply; production turns introspection off altogether.
    return ignore.field_name.startswith("__")


# Built once, so that the validation cache sees the same rules on every request.
DEPTH_RULE = _tagged(_depth_rule(MAX_DEPTH, _skip_introspection, None), "QUERY_TOO_DEEP", MAX_DEPTH)
ALIASES_RULE = _tagged(_aliases_rule(MAX_ALIASES), "TOO_MANY_ALIASES", MAX_ALIASES)


def tag_token_error(error: GraphQLError) -> None:
    """Gives the parser's 'too many tokens' error its code (the parser stops before any rule or extension could;
    called from the schema's process_errors, which sees every error)."""
    if isinstance(error, GraphQLSyntaxError) and "tokens. Parsing aborted" in error.message:
        error.extensions = {**(error.extensions or {}), "code": "TOO_MANY_TOKENS", "limit": MAX_TOKENS}


# ---------------------------------------------------------------- cost


def _page_of(field: FieldNode, variables: dict[str, Any]) -> int:
    for arg in field.arguments or ():
        if arg.name.value != "first":
            continue
        if isinstance(arg.value, IntValueNode):
            value = int(arg.value.value)
        elif isinstance(arg.value, VariableNode):
            value = variables.get(arg.value.name.value)
        else:
            value = None
        # Out-of-range sizes are refused by the list itself (VALIDATION on `first`); count them as the maximum.
        return DEFAULT_PAGE if value is None else max(1, min(int(value), MAX_PAGE))
    return DEFAULT_PAGE


class _Cost:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict):
        self.schema, self.fragments, self.variables = schema, fragments, variables or {}
        self.memo: dict[tuple[str, str], int] = {}

    def selection_set(self, sel: SelectionSetNode | None, parent, seen: frozenset[str] = frozenset()) -> int:
        if sel is None:
            return 0
        total = 0
        for node in sel.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, parent, seen)
            elif isinstance(node, InlineFragmentNode):
                cond = node.type_condition and self.schema.get_type(node.type_condition.name.value)
                total += self.selection_set(node.selection_set, cond or parent, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                frag = self.fragments.get(name)
                if frag is None or name in seen:
                    continue
                cond = self.schema.get_type(frag.type_condition.name.value) or parent
                key = (name, getattr(cond, "name", ""))
                if key not in self.memo:
                    self.memo[key] = self.selection_set(frag.selection_set, cond, seen | {name})
                total += self.memo[key]
        return total

    def field(self, node: FieldNode, parent, seen: frozenset[str]) -> int:
        definition = None
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            definition = parent.fields.get(node.name.value)
        child_type = get_named_type(definition.type) if definition else None
        factor = _page_of(node, self.variables) if definition and "first" in definition.args else 1
        return 1 + factor * self.selection_set(node.selection_set, child_type, seen)


def operation_cost(schema: GraphQLSchema, document, operation_name: str | None, variables: dict | None) -> int:
    operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    if operation is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    root = schema.get_root_type(operation.operation)
    return _Cost(schema, fragments, variables or {}).selection_set(operation.selection_set, root)


class CostLimiter(SchemaExtension):
    """Refuses, before anything runs, an operation whose cost (with the request's variables) is over MAX_COST."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        cost = operation_cost(ec.schema._schema, ec.graphql_document, ec.operation_name, ec.variables)
        if cost > MAX_COST:
            raise GraphQLError(
                f"This query would cost {cost} (limit {MAX_COST}): every connection multiplies what is selected "
                f"under it by its page size. Ask for smaller pages or fewer nested lists.",
                extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": MAX_COST})
        yield


def limit_extensions() -> list:
    """The schema extensions (factories: one instance per request) that enforce the limits."""
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules([DEPTH_RULE, ALIASES_RULE]),
        CostLimiter,
    ]

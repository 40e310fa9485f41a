"""GraphQL execution with a short path for plain attribute fields.

A page of 50 cases is ~1,300 fields, and most of them are scalars or enums read straight off the object the parent
resolver built (`CaseType.of` fills every attribute): strawberry's "basic" fields, with no resolver, no arguments
and no field extension (permissions are declared with extensions, so a guarded field is never basic). For those,
graphql-core's generic path builds a resolve-info tuple and a response path, calls strawberry's wrapper, tests the
result for awaitability twice and walks the non-null/list/leaf checks: ~5 µs of overhead per field on this machine.
`AdvocaseExecutor` reads the attribute and coerces it with the very leaf type graphql-core would use, raising the
same errors through the same `handle_field_error` (null in a non-null field, a value the scalar cannot serialize).
Every other field (resolvers, objects, lists, arguments, middleware) goes through graphql-core unchanged.

`streamline_resolvers` does the same for synchronous resolvers that take only `self` and `info` (the relations
of a page row: `Case.family`, `Case.assignees`, ...): strawberry's generic resolver converts the (absent)
arguments, folds the (absent) field extensions and calls through four wrappers; the streamlined resolver builds
the same `Info` and calls the method. graphql-core completes the result as before.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLSchema, Undefined, is_leaf_type
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_NOT_PLAIN = object()
# kept on each object type: field name -> (attribute, leaf type, non-null, field type) or _NOT_PLAIN
_PLANS = "_advocase_plans"


def _plan(executor: StrawberryGraphQLCoreExecutionContext, parent_type: GraphQLObjectType, name: str) -> Any:
    field_def = executor.schema.get_field(parent_type, name)
    if field_def is None or field_def.args or not getattr(field_def.resolve, "_is_default", False):
        return _NOT_PLAIN
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (not isinstance(field, StrawberryField) or not field.is_basic_field or field.default_resolver is not getattr
            or type(field).get_result is not StrawberryField.get_result or not field.python_name):
        return _NOT_PLAIN
    return_type = field_def.type
    non_null = isinstance(return_type, GraphQLNonNull)
    leaf = return_type.of_type if non_null else return_type
    if not is_leaf_type(leaf):
        return _NOT_PLAIN
    return field.python_name, leaf, non_null, return_type


class AdvocaseExecutor(StrawberryGraphQLCoreExecutionContext):
    def execute_fields(self, parent_type, source_value, path, grouped_field_set, position_context):
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        plans = parent_type.__dict__.get(_PLANS)
        if plans is None:
            plans = {}
            setattr(parent_type, _PLANS, plans)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                name = field_details_list[0].node.name.value
                plan = plans.get(name)
                if plan is None:
                    plan = plans[name] = _plan(self, parent_type, name)
                if plan is not _NOT_PLAIN:
                    attribute, leaf, non_null, return_type = plan
                    try:
                        value = getattr(source_value, attribute)
                        if isinstance(value, Exception):
                            raise value
                        if value is None or value is Undefined:
                            if non_null:
                                raise TypeError(f"Cannot return null for non-nullable field {parent_type.name}.{name}.")
                            results[response_name] = None
                        else:
                            results[response_name] = self.complete_leaf_value(leaf, value)
                    except Exception as raw_error:
                        self.handle_field_error(raw_error, return_type, field_details_list,
                                                Path(path, response_name, parent_type.name))
                        results[response_name] = None
                    continue
                result = self.execute_field(parent_type, source_value, field_details_list,
                                            Path(path, response_name, parent_type.name), position_context)
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                results[awaitable_fields[0]] = await results[awaitable_fields[0]]
            else:
                awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()


def streamline_resolvers(schema: GraphQLSchema, info_class: type) -> None:
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field_def in graphql_type.fields.values():
            field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            resolver = getattr(field, "base_resolver", None)
            if (resolver is None or field.is_async or field.extensions or field.arguments or field_def.args
                    or type(field).get_result is not StrawberryField.get_result or resolver.self_parameter is None
                    or resolver.info_parameter is None or resolver.root_parameter or resolver.parent_parameter
                    or len(resolver.signature.parameters) != 2):
                continue
            field_def.resolve = _method_resolver(field, resolver.wrapped_func, resolver.info_parameter.name,
                                                 info_class)


def _method_resolver(field: StrawberryField, method, info_name: str, info_class: type):
    def resolve(source: Any, info: Any) -> Any:
        return method(source, **{info_name: info_class(_raw_info=info, _field=field)})
    return resolve

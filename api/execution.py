"""GraphQL execution with a short path for plain attribute fields.

A page of 50 cases is ~1,300 fields, and most of them are scalars or enums read straight off the object the parent
resolver built (`CaseType.of` fills every attribute): strawberry's "basic" fields, with no resolver, no arguments
and no field extension (permissions are declared with extensions, so a guarded field is never basic). For those,
graphql-core's generic path builds a resolve-info tuple and a response path, calls strawberry's wrapper, tests the
result for awaitability twice and walks the non-null/list/leaf checks: ~5 µs of overhead per field on this machine.
`AdvocaseExecutor` reads the attribute and coerces it with the very leaf type graphql-core would use, raising the
same errors through the same `handle_field_error` (null in a non-null field, a value the scalar cannot serialize).
Objects and lists of objects read from an attribute or returned by a streamlined method (a page's edges, each
edge's node, a case's family, student, school and assignees) are completed the same way: null and type checks,
then the object's fields, without graphql-core's generic dispatch (`execute_field` -> `complete_value` twice ->
`complete_object_value` -> ... per object). A method that answers an awaitable, or a list that is not a plain
list of values, goes back to graphql-core. Every other field (resolvers, arguments, abstract types, middleware)
goes through graphql-core unchanged.

`streamline_resolvers` does the same for synchronous resolvers that take only `self`, or `self` and `info` (the
relations of a page row: `Case.family`, `Case.assignees`, ...; an edge's cursor): strawberry's generic resolver
converts the (absent) arguments, folds the (absent) field extensions and calls through four wrappers; the
streamlined resolver builds the same `Info` (if the method takes one) and calls the method. graphql-core completes the result as before.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from graphql import GraphQLField, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLOutputType, GraphQLSchema, \
    Undefined, is_leaf_type
from graphql.execution.executor import invalid_return_type_error, to_nodes
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_NOT_PLAIN = object()
# kept on each object type: field name -> _Leaf, _Objects or _NOT_PLAIN
_PLANS = "_advocase_plans"


class _Leaf(NamedTuple):
    """A scalar or enum attribute."""
    attribute: str
    leaf: GraphQLOutputType
    non_null: bool
    return_type: GraphQLOutputType


class _Objects(NamedTuple):
    """An object, or a list of objects, read from an attribute or from a streamlined method resolver."""
    attribute: str | None  # None: call field_def.resolve (a streamlined method; it may answer an awaitable)
    field_def: GraphQLField
    return_type: GraphQLOutputType
    non_null: bool
    in_list: bool
    item_type: GraphQLOutputType
    item_non_null: bool
    object_type: GraphQLObjectType


def _plan(executor: StrawberryGraphQLCoreExecutionContext, parent_type: GraphQLObjectType, name: str) -> Any:
    field_def = executor.schema.get_field(parent_type, name)
    if field_def is None or field_def.args:
        return _NOT_PLAIN
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if getattr(field_def.resolve, "_is_default", False):
        if (not isinstance(field, StrawberryField) or not field.is_basic_field or field.default_resolver is not getattr
                or type(field).get_result is not StrawberryField.get_result or not field.python_name):
            return _NOT_PLAIN
        attribute = field.python_name
    elif getattr(field_def.resolve, "_advocase_streamlined", False):
        attribute = None
    else:
        return _NOT_PLAIN
    return_type = field_def.type
    non_null = isinstance(return_type, GraphQLNonNull)
    inner = return_type.of_type if non_null else return_type
    if attribute is not None and is_leaf_type(inner):
        return _Leaf(attribute, inner, non_null, return_type)
    in_list = isinstance(inner, GraphQLList)
    item_type = inner.of_type if in_list else inner
    item_non_null = isinstance(item_type, GraphQLNonNull)
    object_type = item_type.of_type if item_non_null else item_type
    if not isinstance(object_type, GraphQLObjectType) or not _plain_type_check(object_type):
        return _NOT_PLAIN
    return _Objects(attribute, field_def, return_type, non_null, in_list, item_type, item_non_null, object_type)


def _plain_type_check(object_type: GraphQLObjectType) -> bool:
    """No `is_type_of`, or strawberry's own (an isinstance test that does not read its info argument)."""
    check = object_type.is_type_of
    return check is None or check.__qualname__.endswith("_get_is_type_of.<locals>.is_type_of")


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
                if type(plan) is _Objects:
                    result = self._execute_objects(plan, parent_type, source_value, field_details_list,
                                                   Path(path, response_name, parent_type.name), position_context)
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
                    continue
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

    def _execute_objects(self, plan: _Objects, parent_type, source, field_details_list, path, position_context):
        """execute_field for an object or a list of objects, completed without the generic dispatch: the same
        answers and errors (null checks, type checks, awaitables), fewer calls per object."""
        info = None
        try:
            if plan.attribute is not None:
                value = getattr(source, plan.attribute)
            else:
                info = self.build_resolve_info(plan.field_def, to_nodes(field_details_list), parent_type, path)
                value = plan.field_def.resolve(source, info)
                if self.is_awaitable(value):
                    return self.complete_awaitable_value(plan.return_type, field_details_list, info, path, value,
                                                         position_context)
            if isinstance(value, Exception):
                raise value
            if value is None or value is Undefined:
                if plan.non_null:
                    raise TypeError(self._null_message(parent_type, field_details_list))
                return None
            if not plan.in_list:
                completed = self._complete_object(plan.object_type, field_details_list, path, value, position_context)
            elif type(value) is list and not any(map(self.is_awaitable, value)):
                completed = self._complete_objects(plan, parent_type, field_details_list, path, value,
                                                   position_context)
            else:  # anything else a list field may answer: graphql-core's own completion
                if info is None:
                    info = self.build_resolve_info(plan.field_def, to_nodes(field_details_list), parent_type, path)
                completed = self.complete_value(plan.return_type, field_details_list, info, path, value,
                                                position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, plan.return_type, field_details_list, path)
            return None
        if self.is_awaitable(completed):
            return self._settle(completed, plan.return_type, field_details_list, path)
        return completed

    @staticmethod
    def _null_message(parent_type, field_details_list) -> str:
        return (f"Cannot return null for non-nullable field {parent_type.name}."
                f"{field_details_list[0].node.name.value}.")

    async def _settle(self, completed, return_type, field_details_list, path):
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    def _complete_object(self, object_type, field_details_list, path, value, position_context):
        check = object_type.is_type_of
        if check is not None and not check(value, None):
            raise invalid_return_type_error(object_type, value, field_details_list)
        return self.collect_and_execute_subfields(object_type, field_details_list, path, value, position_context)

    def _complete_objects(self, plan: _Objects, parent_type, field_details_list, path, items, position_context):
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        for index, item in enumerate(items):
            item_path = path.add_key(index, None)
            try:
                if isinstance(item, Exception):
                    raise item
                if item is None or item is Undefined:
                    if plan.item_non_null:
                        raise TypeError(self._null_message(parent_type, field_details_list))
                    completed.append(None)
                    continue
                done = self._complete_object(plan.object_type, field_details_list, item_path, item,
                                             position_context)
            except Exception as raw_error:
                self.handle_field_error(raw_error, plan.item_type, field_details_list, item_path)
                completed.append(None)
                continue
            if self.is_awaitable(done):
                done = self._settle(done, plan.item_type, field_details_list, item_path)
                awaitable_indices.append(index)
            completed.append(done)
        if not awaitable_indices:
            return completed

        async def get_completed() -> list[Any]:
            awaited = await gather_with_cancel(*(completed[i] for i in awaitable_indices))
            for i, item in zip(awaitable_indices, awaited, strict=True):
                completed[i] = item
            return completed
        return get_completed()


def streamline_resolvers(schema: GraphQLSchema, info_class: type) -> None:
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field_def in graphql_type.fields.values():
            field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            resolver = getattr(field, "base_resolver", None)
            if (resolver is None or field.is_async or field.extensions or field.arguments or field_def.args
                    or type(field).get_result is not StrawberryField.get_result or resolver.self_parameter is None
                    or resolver.root_parameter or resolver.parent_parameter
                    or len(resolver.signature.parameters) != (1 if resolver.info_parameter is None else 2)):
                continue
            field_def.resolve = _method_resolver(field, resolver.wrapped_func, resolver.info_parameter, info_class)


def _method_resolver(field: StrawberryField, method, info_parameter, info_class: type):
    if info_parameter is None:
        def resolve(source: Any, info: Any) -> Any:
            return method(source)
    else:
        info_name = info_parameter.name

        def resolve(source: Any, info: Any) -> Any:
            return method(source, **{info_name: info_class(_raw_info=info, _field=field)})
    resolve._advocase_streamlined = True
    return resolve

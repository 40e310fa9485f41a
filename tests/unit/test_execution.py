"""The short execution paths (api/execution.py) answer exactly what graphql-core and strawberry answer: same data,
same errors at the same paths, same null propagation, for plain attribute fields and streamlined method fields."""

from __future__ import annotations

import enum

import pytest
import strawberry
from strawberry.types import Info

from api.execution import AdvocaseExecutor, streamline_resolvers


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Child(Named):  # an interface gives it strawberry's is_type_of check
    age: int | None


@strawberry.type
class Row:
    title: str
    note: str | None
    count: int
    colour: Colour
    maybe_colour: Colour | None
    child: Child | None
    children: list[Child]
    strict_children: list[Child] | None = None
    loose_children: list[Child | None] | None = None
    wrong_child: Child | None = None

    @strawberry.field
    def shout(self, info: Info) -> str:
        return f"{self.title.upper()} for {info.context['who']}"

    @strawberry.field
    def first_child(self, info: Info) -> Child | None:
        return self.children[0] if self.children else None

    @strawberry.field
    def broken(self, info: Info) -> str | None:
        raise ValueError("resolver failed")

    @strawberry.field
    def later_child(self, info: Info) -> Child | None:
        """Synchronous, but answers an awaitable when the child is not at hand (like Case.family)."""
        if self.children:
            return self.children[0]
        return self._later()

    async def _later(self) -> Child:
        return Child(name="later", age=None)

    @strawberry.field
    def strict_child(self, info: Info) -> Child:
        return self.child


class Exploding:
    """Reading `title` raises, like a property that fails."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(f"cannot read {name}")


def rows():
    ok = Row(title="a", note=None, count=1, colour=Colour.RED, maybe_colour=None, child=Child(name="c", age=None),
             children=[Child(name="d", age=3)])
    null_title = Row(title=None, note="n", count=2, colour=Colour.BLUE, maybe_colour=Colour.RED, child=None,
                     children=[])
    bad_count = Row(title="b", note=None, count="not a number", colour=Colour.RED, maybe_colour="purple",
                    child=None, children=[Child(name=None, age=1)])
    holes = Row(title="h", note=None, count=3, colour=Colour.RED, maybe_colour=None, child=Child(name="e", age=2),
                children=[Child(name="f", age=1), Child(name="g", age=None)],
                strict_children=[Child(name="i", age=1), None], loose_children=[None, Child(name="j", age=4)],
                wrong_child="not a child")
    lonely = Row(title="l", note=None, count=4, colour=Colour.BLUE, maybe_colour=None, child=None, children=[])
    return [ok, null_title, bad_count, Exploding(), holes, lonely]


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row | None]:
        return rows()

    @strawberry.field
    def strict_rows(self) -> list[Row]:
        return rows()[:2]


def schemas():
    plain = strawberry.Schema(query=Query)
    fast = strawberry.Schema(query=Query, execution_context_class=AdvocaseExecutor)
    streamline_resolvers(fast._schema, fast.config.info_class)
    return plain, fast


DOCUMENTS = [
    "{ rows { title note count colour maybeColour } }",
    "{ rows { title shout firstChild { name age } child { name age } children { name age } } }",
    "{ rows { note broken } }",
    "{ strictRows { title } }",
    "{ rows { t: title t2: title ... on Row { count colour } } }",
    "query($x: Boolean!) { rows { title @include(if: $x) note @skip(if: $x) } }",
    "{ rows { title strictChildren { name } looseChildren { name age } } }",
    "{ rows { wrongChild { name } } }",
    "{ rows { title strictChild { name } } }",
    "{ strictRows { children { name } strictChild { age } } }",
    "{ rows { children { ... on Child { name } n2: name } child { age } } }",
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_same_answer_as_graphql_core(document):
    plain, fast = schemas()
    context = {"who": "us"}
    expected = plain.execute_sync(document, context_value=context, variable_values={"x": True})
    got = fast.execute_sync(document, context_value=context, variable_values={"x": True})
    assert got.data == expected.data
    assert [(e.message, e.path) for e in got.errors or []] == [(e.message, e.path) for e in expected.errors or []]
    assert expected.errors or "broken" not in document  # the documents do exercise the error paths


@pytest.mark.parametrize("document", [
    "{ rows { title laterChild { name age } } }",
    "{ strictRows { laterChild { name } child { name } } }",
])
async def test_same_answer_when_a_resolver_answers_later(document):
    plain, fast = schemas()
    expected = await plain.execute(document, context_value={"who": "us"})
    got = await fast.execute(document, context_value={"who": "us"})
    assert got.data == expected.data
    assert [(e.message, e.path) for e in got.errors or []] == [(e.message, e.path) for e in expected.errors or []]
    assert any(r and (r.get("laterChild") or {}).get("name") == "later" for r in got.data.get("rows") or
               got.data.get("strictRows"))


def test_errors_and_null_propagation_are_reported():
    _, fast = schemas()
    result = fast.execute_sync("{ rows { title count maybeColour } }", context_value={"who": "us"})
    assert result.data["rows"][0] == {"title": "a", "count": 1, "maybeColour": None}
    assert result.data["rows"][1] is None  # null title in a non-null field nulls the row
    assert result.data["rows"][2] is None  # so does a count that is not an Int
    assert result.data["rows"][3] is None  # and an attribute that raises
    messages = {tuple(e.path): e.message for e in result.errors}
    assert messages[("rows", 1, "title")] == "Cannot return null for non-nullable field Row.title."
    assert "Int cannot represent non-integer value" in messages[("rows", 2, "count")]
    assert messages[("rows", 3, "title")] == "cannot read title"


def test_object_fields_report_their_errors_where_graphql_core_does():
    _, fast = schemas()
    result = fast.execute_sync("{ rows { strictChildren { name } wrongChild { name } strictChild { name } } }",
                               context_value={"who": "us"})
    messages = {tuple(e.path): e.message for e in result.errors}
    assert messages[("rows", 4, "strictChildren", 1)] == "Cannot return null for non-nullable field Row.strictChildren."
    assert messages[("rows", 4, "wrongChild")] == "Expected value of type 'Child' but got: 'not a child'."
    assert messages[("rows", 1, "strictChild")] == "Cannot return null for non-nullable field Row.strictChild."
    assert result.data["rows"][4]["strictChildren"] is None and result.data["rows"][1] is None


def test_method_fields_get_strawberry_info():
    _, fast = schemas()
    result = fast.execute_sync("{ rows { shout } }", context_value={"who": "the family"})
    assert result.data["rows"][0] == {"shout": "A for the family"}


def test_the_application_schema_uses_both():
    from api.schema import schema
    case = schema._schema.type_map["Case"]
    assert schema.execution_context_class is AdvocaseExecutor
    assert case.fields["family"].resolve.__qualname__.startswith("_method_resolver")
    # guarded or asynchronous fields keep strawberry's own resolvers
    assert not case.fields["timeline"].resolve.__qualname__.startswith("_method_resolver")

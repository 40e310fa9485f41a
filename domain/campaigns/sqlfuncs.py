"""Dialect-aware SQL expressions for aggregates: the same GROUP BY on SQLite and PostgreSQL.

SQLAlchemy compiles each construct per dialect (SQLite stores dates as 'YYYY-MM-DD' text and JSON as
text; PostgreSQL has real dates and `json`).
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

# A school year starts on September 1 (the 2025-26 school year is 2025).
SCHOOL_YEAR_START_MONTH = 9


class year_month(FunctionElement):
    """'YYYY-MM' of a date column."""

    type = String()
    inherit_cache = True
    name = "year_month"


@compiles(year_month, "sqlite")
def _ym_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(year_month, "postgresql")
def _ym_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


class school_year(FunctionElement):
    """The calendar year a date's school year starts in (September 1 onwards), as an integer."""

    type = Integer()
    inherit_cache = True
    name = "school_year"


@compiles(school_year, "sqlite")
def _sy_sqlite(element, compiler, **kw):
    x = compiler.process(element.clauses, **kw)
    return (f"(CAST(strftime('%Y', {x}) AS INTEGER) - "
            f"(CASE WHEN CAST(strftime('%m', {x}) AS INTEGER) < {SCHOOL_YEAR_START_MONTH} THEN 1 ELSE 0 END))")


@compiles(school_year, "postgresql")
def _sy_pg(element, compiler, **kw):
    x = compiler.process(element.clauses, **kw)
    return (f"(CAST(EXTRACT(YEAR FROM {x}) AS INTEGER) - "
            f"(CASE WHEN EXTRACT(MONTH FROM {x}) < {SCHOOL_YEAR_START_MONTH} THEN 1 ELSE 0 END))")


class single_json_value(FunctionElement):
    """A JSON list of strings as one group value: NULL when absent or empty, its one element, or
    'TWO_OR_MORE' (so that every row falls in exactly one group and groups add up to the total)."""

    type = String()
    inherit_cache = True
    name = "single_json_value"


@compiles(single_json_value, "sqlite")
def _sj_sqlite(element, compiler, **kw):
    x = compiler.process(element.clauses, **kw)
    return (f"(CASE WHEN {x} IS NULL OR json_type({x}) <> 'array' OR json_array_length({x}) = 0 THEN NULL "
            f"WHEN json_array_length({x}) > 1 THEN 'TWO_OR_MORE' ELSE json_extract({x}, '$[0]') END)")


@compiles(single_json_value, "postgresql")
def _sj_pg(element, compiler, **kw):
    x = compiler.process(element.clauses, **kw)
    return (f"(CASE WHEN {x} IS NULL OR json_typeof({x}) <> 'array' THEN NULL "
            f"WHEN json_array_length({x}) = 0 THEN NULL "
            f"WHEN json_array_length({x}) > 1 THEN 'TWO_OR_MORE' ELSE ({x} ->> 0) END)")

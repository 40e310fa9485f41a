"""Keyset pagination shared by every list: stable, and as fast on page 1000 as on page 1."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import Select, and_, or_

from domain.errors import invalid

T = TypeVar("T")
MAX_PAGE = 100
DEFAULT_PAGE = 25


@dataclass
class Page(Generic[T]):
    items: list[T]
    keys: list[tuple]  # each item's position in the order; its cursor is encoded only when asked for (cursor())
    has_next: bool
    total: int | None = None
    related: dict = field(default_factory=dict)  # rows read with the page, by item id (see cases.list_cases)

    @property
    def end_cursor(self) -> str | None:
        return encode_cursor(self.keys[-1]) if self.keys else None


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 1 or first > MAX_PAGE:
        raise invalid(f"first must be between 1 and {MAX_PAGE}.", "first")
    return first


def _enc(v: Any):
    if isinstance(v, (datetime, date)):
        return {"d": v.isoformat(), "t": "dt" if isinstance(v, datetime) else "d"}
    if isinstance(v, uuid.UUID):
        return {"u": str(v)}
    return v


def _dec(v: Any):
    if isinstance(v, dict):
        if "u" in v:
            return uuid.UUID(v["u"])
        if v.get("t") == "dt":
            return datetime.fromisoformat(v["d"])
        return date.fromisoformat(v["d"])
    return v


def encode_cursor(values: tuple) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([_enc(v) for v in values])).decode()


def decode_cursor(cursor: str, arity: int) -> tuple:
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(raw, list) or len(raw) != arity:
            raise ValueError
        return tuple(_dec(v) for v in raw)
    except Exception:
        raise invalid("The cursor is not valid for this list.", "after") from None


def keyset(stmt: Select, columns: list, descending: bool, first: int | None, after: str | None) -> tuple[Select, int]:
    """Order `stmt` by `columns` (all one direction, last one unique) and start after the cursor.

    Returns the statement (limit = size + 1 to learn whether there is a next page) and the size.
    """
    size = page_size(first)
    if after:
        values = decode_cursor(after, len(columns))
        # Expanded row comparison (works on every backend and uses the leading index column).
        clauses = []
        for i, col in enumerate(columns):
            eqs = [columns[j] == values[j] for j in range(i)]
            clauses.append(and_(*eqs, (col < values[i]) if descending else (col > values[i])))
        stmt = stmt.where(or_(*clauses))
    order = [c.desc() for c in columns] if descending else [c.asc() for c in columns]
    return stmt.order_by(*order).limit(size + 1), size


def make_page(rows: list, key, size: int, total: int | None = None) -> Page:
    has_next = len(rows) > size
    rows = rows[:size]
    return Page(items=rows, keys=[key(r) for r in rows], has_next=has_next, total=total)

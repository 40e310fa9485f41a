"""Relay plumbing: opaque global ids, the Node interface, connections with first/after."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Callable, Generic, TypeVar

import strawberry

from domain.errors import invalid, not_found
from domain.paging import Page, encode_cursor

T = TypeVar("T")


def to_global_id(type_name: str, obj_id: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{obj_id}".encode()).decode().rstrip("="))


def from_global_id(gid: str, field: str = "id") -> tuple[str, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode()
        type_name, _, raw_id = raw.partition(":")
        return type_name, uuid.UUID(raw_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("Not a valid id.", field) from None


def decode(gid: str, type_name: str, field: str = "id") -> uuid.UUID:
    """The uuid behind a global id of `type_name`; a wrong type is answered like an unknown id."""
    got_type, obj_id = from_global_id(gid, field)
    if got_type != type_name:
        raise not_found(type_name.lower(), field)
    return obj_id


def decode_opt(gid: str | None, type_name: str, field: str) -> uuid.UUID | None:
    return None if gid is None else decode(gid, type_name, field)


def decode_list(gids: list[str] | None, type_name: str, field: str) -> list[uuid.UUID] | None:
    return None if gids is None else [decode(g, type_name, field) for g in gids]


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def _edge_cursor(self) -> str:
    # encoded only for the edges it is asked of (lists are mostly paged with pageInfo.endCursor alone)
    return encode_cursor(self.key)


@strawberry.type
class Edge(Generic[T]):
    key: strawberry.Private[tuple]
    cursor: str = strawberry.field(resolver=_edge_cursor)
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int | None = strawberry.field(
        default=None, description="How many records match in all (null unless asked for).")

    @classmethod
    def of(cls, page: Page, convert: Callable) -> "Connection":
        edges = [Edge(key=k, node=convert(item)) for item, k in zip(page.items, page.keys)]
        return cls(edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
                   total_count=page.total)

"""Small input checks shared by services; each raises a VALIDATION error naming the field."""

from __future__ import annotations

import functools
import re
import uuid
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import invalid

PHONE_RE = re.compile(r"^\+?[0-9 ()\-.]{7,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def text(value: str | None, field: str, *, required: bool = False, max_len: int = 200) -> str | None:
    if value is None:
        if required:
            raise invalid("This field is required.", field)
        return None
    value = value.strip()
    if "\x00" in value:
        raise invalid("Text cannot contain NUL characters.", field)
    if required and not value:
        raise invalid("This field is required.", field)
    if len(value) > max_len:
        raise invalid(f"At most {max_len} characters.", field)
    return value or None


def phone(value: str | None, field: str = "phone") -> str | None:
    value = text(value, field, max_len=40)
    if value and not PHONE_RE.match(value):
        raise invalid("Enter a phone number with digits, spaces, dashes or a leading +.", field)
    return value


def email(value: str | None, field: str = "email") -> str | None:
    value = text(value, field, max_len=254)
    if value and not EMAIL_RE.match(value):
        raise invalid("Enter a valid email address.", field)
    return value.lower() if value else None


def one_of(value: str | None, allowed, field: str) -> str | None:
    if value is not None and value not in allowed:
        raise invalid(f"Not a known value: {value!r}.", field)
    return value


def not_future(value: date | None, field: str, today: date) -> date | None:
    if value is not None and value > today:
        raise invalid("This date cannot be in the future.", field)
    return value


async def in_org(session: AsyncSession, model, obj_id: uuid.UUID | None, org_id: uuid.UUID, field: str):
    """The row of `model` with this id in the organization, or a VALIDATION error on `field`."""
    if obj_id is None:
        return None
    row = await session.scalar(_in_org_statement(model), {"id": obj_id, "org": org_id})
    if row is None:
        raise invalid("No such record in your organization.", field)
    return row


@functools.cache
def _in_org_statement(model):
    # built once per model: every mutation that names related records runs it (building it cost more than running
    # its compiled form)
    return select(model).where(model.id == bindparam("id"), model.organization_id == bindparam("org"))

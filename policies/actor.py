"""The actor a request acts as, and the record scope that follows from their grants."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CaseScope:
    """Which cases an actor may see: all of the organization's, or their chapters' plus assigned."""

    organization_id: uuid.UUID
    everything: bool
    chapter_ids: frozenset[uuid.UUID]
    user_id: uuid.UUID


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    organization_id: uuid.UUID
    roles: frozenset[str]
    chapter_ids: frozenset[uuid.UUID]
    permissions: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    session_id: uuid.UUID | None = None
    request_id: str | None = None
    rotation_due: bool = False  # the member's roles changed since this session began: give it a new id
    time_zone: str | None = None  # the organization's own (IANA name); None: the deployment's

    def can(self, resource: str, action: str) -> bool:
        return (resource, action) in self.permissions

    def case_scope(self) -> CaseScope:
        return CaseScope(
            organization_id=self.organization_id,
            everything=self.can("case", "read_all"),
            chapter_ids=self.chapter_ids,
            user_id=self.user_id,
        )

"""Per-request GraphQL context: who is asking, the database, and per-request DataLoaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from domain.cases import service as cases
from domain.config import Settings
from domain.db import Database, RequestReads
from domain.directory import service as directory
from domain.directory.models import District, DistrictContact, School
from domain.errors import DomainError, ErrorCode
from domain.escalations import milestones
from domain.escalations import service as escalations
from domain.identity import service as identity
from domain.people import service as people
from policies import Actor


def _loader(fn, org_id: uuid.UUID, default=None) -> DataLoader:
    async def load(keys: list[uuid.UUID]) -> list[Any]:
        found = await fn(org_id, list(keys))
        return [found.get(k, default) for k in keys]
    return DataLoader(load_fn=load)


class Loaders:
    """One set per request; the batches share the request's read transaction (RequestReads) in the tenant."""

    def __init__(self, db: Database, org_id: uuid.UUID):
        self.family = _loader(lambda o, ids: people.families_by_ids(db, o, ids), org_id)
        self.student = _loader(lambda o, ids: people.students_by_ids(db, o, ids), org_id)
        self.students_of_family = _loader(lambda o, ids: people.students_by_family(db, o, ids), org_id, [])
        self.consents_of_family = _loader(lambda o, ids: people.consents_by_family(db, o, ids), org_id, [])
        self.school = _loader(lambda o, ids: directory.by_ids(db, School, o, ids), org_id)
        self.district = _loader(lambda o, ids: directory.by_ids(db, District, o, ids), org_id)
        self.contact = _loader(lambda o, ids: directory.by_ids(db, DistrictContact, o, ids), org_id)
        self.schools_of_district = _loader(lambda o, ids: directory.schools_by_district(db, o, ids), org_id, [])
        self.contacts_of_district = _loader(lambda o, ids: directory.contacts_by_district(db, o, ids), org_id, [])
        self.closures_of_district = _loader(lambda o, ids: directory.closures_by_district(db, o, ids), org_id, [])
        self.user = _loader(lambda o, ids: identity.users_by_ids(db, o, ids), org_id)
        self.chapter = _loader(lambda o, ids: identity.chapters_by_ids(db, o, ids), org_id)
        self.assignees = _loader(lambda o, ids: cases.assignees_by_case(db, o, ids), org_id, [])
        # under records already reached through the caller's scope (escalations, deadlines):
        self.case = _loader(lambda o, ids: cases.cases_by_ids(db, o, ids), org_id)
        self.escalation = _loader(lambda o, ids: escalations.escalations_by_ids(db, o, ids), org_id)
        self.escalations_of_case = _loader(lambda o, ids: escalations.escalations_by_case(db, o, ids), org_id, [])
        self.escalation_mail = _loader(lambda o, ids: escalations.mail_by_escalation(db, o, ids), org_id, [])
        self.deadlines_of_case = _loader(lambda o, ids: milestones.deadlines_by_case(db, o, ids), org_id, [])


@dataclass
class Context:
    request: Request
    response: Response
    db: Database
    settings: Settings
    request_id: str
    actor_or_none: Actor | None
    extras: dict = field(default_factory=dict)

    @property
    def actor(self) -> Actor:
        if self.actor_or_none is None:
            raise DomainError(ErrorCode.UNAUTHENTICATED, "Sign in first.")
        return self.actor_or_none

    @cached_property
    def reads(self) -> RequestReads:
        """The request's shared read transaction for DataLoader batches (ended by AdvocaseGraphQL when the
        request is answered)."""
        return RequestReads(self.db)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.reads, self.actor.organization_id)  # type: ignore[arg-type]  # a Database for reads

    @property
    def today(self) -> date:
        """The date in the organization's time zone (else the deployment's)."""
        actor = self.actor_or_none
        return self.settings.today(actor.time_zone if actor else None)


Info = StrawberryInfo[Context, None]

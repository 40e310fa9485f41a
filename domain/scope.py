"""Record scope as SQL: what an actor may see, always inside their organization."""

from __future__ import annotations

from sqlalchemy import exists, false, or_, select

from domain.cases.models import Case, CaseAssignee
from domain.people.models import Family
from policies import CaseScope


def _case_reach(scope: CaseScope):
    """Cases of the actor's chapters, opened by them or assigned to them."""
    return or_(
        Case.chapter_id.in_(scope.chapter_ids) if scope.chapter_ids else false(),
        Case.created_by_id == scope.user_id,
        # organization first: (organization_id, user_id, case_id) is an index-only lookup in the tenant
        exists().where(CaseAssignee.organization_id == scope.organization_id, CaseAssignee.case_id == Case.id,
                       CaseAssignee.user_id == scope.user_id),
    )


def visible_cases(scope: CaseScope):
    tenant = Case.organization_id == scope.organization_id
    return tenant if scope.everything else tenant & _case_reach(scope)


def visible_families(scope: CaseScope):
    tenant = Family.organization_id == scope.organization_id
    if scope.everything:
        return tenant
    reach_via_case = exists(select(Case.id).where(
        Case.family_id == Family.id, Case.organization_id == scope.organization_id, _case_reach(scope)))
    return tenant & or_(
        Family.chapter_id.in_(scope.chapter_ids) if scope.chapter_ids else false(),
        Family.created_by_id == scope.user_id,
        reach_via_case,
    )

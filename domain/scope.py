"""Record scope as SQL: what an actor may see, always inside their organization."""

from __future__ import annotations

from sqlalchemy import exists, false, or_, select

from domain.cases.models import Case, CaseAssignee
from domain.people.models import Family
from policies import CaseScope


def _case_reach(scope: CaseScope, *, assignments_per_row: bool = False):
    """Cases of the actor's chapters, opened by them or assigned to them."""
    # organization first: (organization_id, user_id, case_id) is an index-only lookup in the tenant
    assigned = (select(CaseAssignee.case_id)
                .where(CaseAssignee.organization_id == scope.organization_id, CaseAssignee.case_id == Case.id,
                       CaseAssignee.user_id == scope.user_id))
    if assignments_per_row:
        # OFFSET 0 keeps PostgreSQL from planning the test as a hash of ALL the actor's assignments, built before
        # the first row (2-3 ms for an advocate with 8,000 over the years); per row, it is one index probe, made
        # only for the rows the chapter test refused.
        assigned = assigned.offset(0)
    return or_(
        Case.chapter_id.in_(scope.chapter_ids) if scope.chapter_ids else false(),
        Case.created_by_id == scope.user_id,
        assigned.exists(),
    )


def visible_cases(scope: CaseScope, *, chapters_admit_most: bool = False):
    """The actor's cases. `chapters_admit_most`: for a page read in order, when the actor's chapters hold most
    of what the page walks through (see `_case_reach`); a count or a walk through other chapters keeps the hash."""
    tenant = Case.organization_id == scope.organization_id
    if scope.everything:
        return tenant
    return tenant & _case_reach(scope, assignments_per_row=chapters_admit_most and bool(scope.chapter_ids))


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

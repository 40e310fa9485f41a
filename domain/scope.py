"""Record scope as SQL: what an actor may see, always inside their organization."""

from __future__ import annotations

from sqlalchemy import false, or_, select

from domain.cases.models import Case, CaseAssignee
from domain.people.models import Family
from policies import CaseScope


def _case_reach(scope: CaseScope, *, per_row: bool = False):
    """Cases of the actor's chapters, opened by them or assigned to them."""
    # organization first: (organization_id, user_id, case_id) is an index-only lookup in the tenant
    assigned = (select(CaseAssignee.case_id)
                .where(CaseAssignee.organization_id == scope.organization_id, CaseAssignee.case_id == Case.id,
                       CaseAssignee.user_id == scope.user_id))
    return or_(
        Case.chapter_id.in_(scope.chapter_ids) if scope.chapter_ids else false(),
        Case.created_by_id == scope.user_id,
        _fenced(assigned, per_row).exists(),
    )


def _fenced(subquery, per_row: bool):
    # OFFSET 0 keeps PostgreSQL from planning an EXISTS under OR as a hash of everything the subquery could match
    # (all the actor's assignments, all the cases they reach), built before the first row: 2-3 ms for an advocate
    # with 8,000 assignments over the years, 50 ms for the families page at 1M cases. Per row it is an index
    # probe, made only for the rows the chapter test refused.
    return subquery.offset(0) if per_row else subquery


def _per_row(scope: CaseScope, chapters_admit_most: bool) -> bool:
    return chapters_admit_most and bool(scope.chapter_ids)


def visible_cases(scope: CaseScope, *, chapters_admit_most: bool = False):
    """The actor's cases. `chapters_admit_most`: for a page read in order, when the actor's chapters hold most
    of what the page walks through, each other row is tested on its own (see `_fenced`); a count, an export or
    a walk through other chapters keeps the hash."""
    tenant = Case.organization_id == scope.organization_id
    if scope.everything:
        return tenant
    return tenant & _case_reach(scope, per_row=_per_row(scope, chapters_admit_most))


def visible_families(scope: CaseScope, *, chapters_admit_most: bool = False):
    """The actor's families: of their chapters, registered by them, or with a case they may see."""
    tenant = Family.organization_id == scope.organization_id
    if scope.everything:
        return tenant
    per_row = _per_row(scope, chapters_admit_most)
    reach_via_case = _fenced(select(Case.id).where(
        Case.family_id == Family.id, Case.organization_id == scope.organization_id,
        _case_reach(scope, per_row=per_row)), per_row).exists()
    return tenant & or_(
        Family.chapter_id.in_(scope.chapter_ids) if scope.chapter_ids else false(),
        Family.created_by_id == scope.user_id,
        reach_via_case,
    )

"""The case status workflow: a pure state machine."""

from __future__ import annotations

import enum


class CaseStatus(enum.Enum):
    INTAKE = "INTAKE"
    OPEN = "OPEN"
    ESCALATED = "ESCALATED"
    ON_HOLD = "ON_HOLD"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class CaseOutcome(enum.Enum):
    REMEDY_ACHIEVED = "REMEDY_ACHIEVED"
    PARTIAL_REMEDY = "PARTIAL_REMEDY"
    NO_REMEDY = "NO_REMEDY"
    FAMILY_WITHDREW = "FAMILY_WITHDREW"
    REFERRED_OUT = "REFERRED_OUT"
    NO_ACTION_NEEDED = "NO_ACTION_NEEDED"


S = CaseStatus
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.INTAKE: frozenset({S.OPEN, S.ON_HOLD, S.CLOSED}),
    S.OPEN: frozenset({S.ESCALATED, S.ON_HOLD, S.RESOLVED}),
    S.ESCALATED: frozenset({S.OPEN, S.ON_HOLD, S.RESOLVED}),
    S.ON_HOLD: frozenset({S.OPEN, S.CLOSED}),
    S.RESOLVED: frozenset({S.CLOSED, S.OPEN}),   # RESOLVED -> OPEN is a reopen
    S.CLOSED: frozenset({S.OPEN}),               # reopen
}

ACTIVE = frozenset({S.INTAKE, S.OPEN, S.ESCALATED, S.ON_HOLD})
FINISHED = frozenset({S.RESOLVED, S.CLOSED})


class TransitionError(Exception):
    def __init__(self, message: str, field: str | None = "to"):
        super().__init__(message)
        self.field = field


def allowed_transitions(current: CaseStatus) -> list[CaseStatus]:
    return list(_ALLOWED[current])


# in the order the statuses are declared; every case in a list shows them
_ALLOWED = {status: tuple(s for s in CaseStatus if s in TRANSITIONS[status]) for status in CaseStatus}


def check_transition(current: CaseStatus, to: CaseStatus, outcome: CaseOutcome | None) -> None:
    """Raise TransitionError unless `current -> to` is allowed with this outcome."""
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in allowed_transitions(current))
        raise TransitionError(f"A case cannot go from {current.value} to {to.value}; allowed: {allowed}.")
    if to is S.RESOLVED and outcome is None:
        raise TransitionError("An outcome is required to resolve a case.", field="outcome")
    if to is not S.RESOLVED and outcome is not None:
        raise TransitionError("An outcome can only be given when resolving a case.", field="outcome")


def is_reopen(current: CaseStatus, to: CaseStatus) -> bool:
    return current in FINISHED and to is S.OPEN

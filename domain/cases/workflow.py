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


# A case becomes ESCALATED only when an escalation is sent (domain.escalations): the contact, the letter and the
# answer's due date are then on record. A status change by hand never moves it there.
BY_ESCALATION_ONLY = frozenset({S.ESCALATED})


def allowed_transitions(current: CaseStatus) -> list[CaseStatus]:
    """The statuses a case may be moved to by hand (transitionCase)."""
    return list(_ALLOWED[current])


# in the order the statuses are declared; every case in a list shows them
_ALLOWED = {status: tuple(s for s in CaseStatus if s in TRANSITIONS[status] and s not in BY_ESCALATION_ONLY)
            for status in CaseStatus}


def check_transition(current: CaseStatus, to: CaseStatus, outcome: CaseOutcome | None, *,
                     by_hand: bool = True) -> None:
    """Raise TransitionError unless `current -> to` is allowed with this outcome (`by_hand`: as a status change,
    not as the effect of an escalation sent)."""
    if to not in TRANSITIONS[current]:
        allowed = ", ".join(s.value for s in allowed_transitions(current))
        raise TransitionError(f"A case cannot go from {current.value} to {to.value}; allowed: {allowed}.")
    if by_hand and to in BY_ESCALATION_ONLY:
        raise TransitionError("A case is escalated by sending an escalation to a district contact (Escalate this "
                              "case), which records the letter and the date an answer is due.")
    if to is S.RESOLVED and outcome is None:
        raise TransitionError("An outcome is required to resolve a case.", field="outcome")
    if to is not S.RESOLVED and outcome is not None:
        raise TransitionError("An outcome can only be given when resolving a case.", field="outcome")


def is_reopen(current: CaseStatus, to: CaseStatus) -> bool:
    return current in FINISHED and to is S.OPEN

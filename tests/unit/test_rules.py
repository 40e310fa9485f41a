"""Pure domain rules, no database."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from domain.cases import taxonomy
from domain.cases.workflow import (
    CaseOutcome, CaseStatus as S, TransitionError, allowed_transitions, check_transition, is_reopen,
)
from domain.config import DEFAULT_SECRET, Settings
from domain.errors import DomainError
from domain.paging import decode_cursor, encode_cursor
from domain.people.rules import consent_active


def test_happy_path_through_the_workflow():
    path = [S.INTAKE, S.OPEN, S.ESCALATED, S.RESOLVED, S.CLOSED, S.OPEN]
    for a, b in zip(path, path[1:]):
        check_transition(a, b, CaseOutcome.REMEDY_ACHIEVED if b is S.RESOLVED else None, by_hand=b is not S.ESCALATED)
    assert is_reopen(S.CLOSED, S.OPEN) and is_reopen(S.RESOLVED, S.OPEN) and not is_reopen(S.ON_HOLD, S.OPEN)


def test_a_case_is_escalated_only_by_an_escalation_sent():
    with pytest.raises(TransitionError) as e:
        check_transition(S.OPEN, S.ESCALATED, None)
    assert "sending an escalation" in str(e.value) and e.value.field == "to"
    check_transition(S.OPEN, S.ESCALATED, None, by_hand=False)
    assert allowed_transitions(S.OPEN) == [S.ON_HOLD, S.RESOLVED]
    assert S.ESCALATED not in {s for status in S for s in allowed_transitions(status)}


@pytest.mark.parametrize("a,b", [(S.INTAKE, S.RESOLVED), (S.INTAKE, S.ESCALATED), (S.CLOSED, S.RESOLVED),
                                 (S.ON_HOLD, S.ESCALATED), (S.OPEN, S.OPEN), (S.CLOSED, S.CLOSED)])
def test_invalid_transitions_are_refused(a, b):
    with pytest.raises(TransitionError) as e:
        check_transition(a, b, CaseOutcome.REMEDY_ACHIEVED if b is S.RESOLVED else None)
    assert a.value in str(e.value) and e.value.field == "to"


def test_outcome_only_and_always_when_resolving():
    with pytest.raises(TransitionError) as e:
        check_transition(S.OPEN, S.RESOLVED, None)
    assert e.value.field == "outcome"
    with pytest.raises(TransitionError):
        check_transition(S.OPEN, S.ON_HOLD, CaseOutcome.NO_REMEDY)


def test_every_status_has_a_way_out():
    for status in S:
        assert allowed_transitions(status), status


def test_taxonomy_covers_the_required_issues():
    required = {
        "DISCIPLINE": {"IN_SCHOOL_SUSPENSION", "OUT_OF_SCHOOL_SUSPENSION", "EXPULSION", "EMERGENCY_REMOVAL",
                       "RESTRAINT_SECLUSION", "POLICE_REFERRAL_ARREST"},
        "SPECIAL_EDUCATION": {"EVALUATION_REQUEST_DELAY", "ELIGIBILITY", "IEP_DEVELOPMENT",
                              "IEP_SERVICES_NOT_DELIVERED", "PLACEMENT", "PLAN_504"},
        "LANGUAGE_ACCESS": {"NO_INTERPRETER", "DOCUMENTS_NOT_TRANSLATED", "ENGLISH_LEARNER_SERVICES"},
    }
    for cat, subs in required.items():
        assert subs <= set(taxonomy.TAXONOMY[cat][1]), cat
    assert {"BULLYING_HARASSMENT", "ENROLLMENT", "TRANSPORTATION", "SAFETY", "ATTENDANCE", "OTHER"} <= set(
        taxonomy.CATEGORIES)
    assert len(set(taxonomy.SUBCATEGORIES)) == len(taxonomy.SUBCATEGORIES)  # codes are unique
    assert taxonomy.belongs("DISCIPLINE", "EXPULSION") and not taxonomy.belongs("DISCIPLINE", "PLAN_504")


def test_consent_is_active_between_signing_and_expiry_until_revoked():
    d = date(2026, 3, 1)
    assert consent_active(signed_on=d, expires_on=None, revoked=False, today=date(2030, 1, 1))
    assert consent_active(signed_on=d, expires_on=date(2026, 6, 1), revoked=False, today=date(2026, 6, 1))
    assert not consent_active(signed_on=d, expires_on=date(2026, 6, 1), revoked=False, today=date(2026, 6, 2))
    assert not consent_active(signed_on=d, expires_on=None, revoked=True, today=date(2026, 4, 1))
    assert not consent_active(signed_on=d, expires_on=None, revoked=False, today=date(2026, 2, 28))


def test_cursor_round_trip_and_garbage():
    values = (date(2026, 1, 2), datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc), 3, "x", uuid.uuid4())
    assert decode_cursor(encode_cursor(values), 5) == values
    for bad in ("garbage", encode_cursor((1, 2)), ""):
        with pytest.raises(DomainError) as e:
            decode_cursor(bad, 3)
        assert e.value.field == "after"


def test_production_refuses_a_default_or_short_secret():
    with pytest.raises(ValueError):
        Settings.from_env({"ADVOCASE_ENV": "production"}).validate()
    with pytest.raises(ValueError):
        Settings.from_env({"ADVOCASE_ENV": "production", "ADVOCASE_SECRET_KEY": "short"}).validate()
    Settings.from_env({"ADVOCASE_ENV": "production", "ADVOCASE_SECRET_KEY": "x" * 40}).validate()
    assert Settings.from_env({}).secret_key == DEFAULT_SECRET and not Settings.from_env({}).production
    assert Settings.from_env({"ADVOCASE_ENV": "production", "ADVOCASE_SECRET_KEY": "x" * 40}).demo_on_first_start is False


def test_the_digest_hour_is_an_hour_of_the_organizations_clock():
    assert Settings.from_env({}).digest_hour == 7
    assert Settings.from_env({"ADVOCASE_DIGEST_HOUR": "0"}).digest_hour == 0
    with pytest.raises(ValueError, match="0 to 23"):
        Settings.from_env({"ADVOCASE_DIGEST_HOUR": "24"}).validate()
    with pytest.raises(ValueError, match="ADVOCASE_DIGEST_HOUR_UTC was replaced by ADVOCASE_DIGEST_HOUR"):
        Settings.from_env({"ADVOCASE_DIGEST_HOUR_UTC": "12"})

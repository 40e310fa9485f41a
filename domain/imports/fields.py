"""The fields an import fills, and how one cell becomes a value. Pure: no database.

A mapping says which column of the file feeds which field (`{"family_name": "Household", ...}`); without
one, a column whose header is a field's name feeds that field (`Family Name` and `family_name` both work).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from domain.cases import taxonomy
from domain.cases.models import CasePriority
from domain.cases.workflow import CaseOutcome, CaseStatus
from domain.people.models import EnglishLearnerStatus, SpecialEducationStatus
from domain.people.rules import CONTACT_CHANNELS, LANGUAGES


@dataclass(frozen=True)
class Field:
    name: str
    entity: str  # family, student, case
    description: str


FIELDS: tuple[Field, ...] = (
    Field("family_external_id", "family", "The family's id in your spreadsheet; re-imports update that family"),
    Field("family_name", "family", "Household name, e.g. 'Rivera family' (required for a new family)"),
    Field("family_chapter", "family", "Chapter name"),
    Field("family_phone", "family", "Phone"),
    Field("family_email", "family", "Email"),
    Field("family_language", "family", "Preferred language: a code (es) or its English name (Spanish)"),
    Field("family_interpreter_needed", "family", "yes/no"),
    Field("family_address_area", "family", "Neighbourhood or area"),
    Field("family_contact_channels", "family", "';'-separated: PHONE; SMS; WHATSAPP; EMAIL; IN_PERSON; MAIL"),
    Field("guardian_name", "family", "A guardian's name"),
    Field("guardian_relationship", "family", "e.g. mother"),
    Field("guardian_phone", "family", "The guardian's phone"),
    Field("student_external_id", "student", "The student's id in your spreadsheet"),
    Field("student_first_name", "student", "First name (required for a new student)"),
    Field("student_last_name", "student", "Last name (required for a new student)"),
    Field("student_school", "student", "School name (add student_district when two districts have one)"),
    Field("student_district", "student", "District of the student's school"),
    Field("student_grade", "student", "PK, K, 1 ... 12"),
    Field("student_special_education", "student", "NONE, EVALUATION_REQUESTED, IEP, PLAN_504 (or 504), UNKNOWN"),
    Field("student_english_learner", "student", "NOT_EL, EL, FORMER_EL, UNKNOWN"),
    Field("case_external_id", "case", "The case's id in your spreadsheet"),
    Field("case_category", "case", "Category code or label (optional when the subcategory is given)"),
    Field("case_subcategory", "case", "Subcategory code or label (required for a new case)"),
    Field("case_title", "case", "Short title without names (required for a new case)"),
    Field("case_narrative", "case", "What happened"),
    Field("case_priority", "case", "LOW, NORMAL, HIGH, URGENT"),
    Field("case_status", "case", "Status of a new case: INTAKE (default), OPEN, ESCALATED, ON_HOLD, RESOLVED, "
                                 "CLOSED"),
    Field("case_outcome", "case", "Outcome (required with RESOLVED)"),
    Field("case_opened_on", "case", "Date opened (default: today)"),
    Field("case_incident_on", "case", "Date of the incident"),
    Field("case_next_action_due_on", "case", "Date the next action is due"),
    Field("case_closed_on", "case", "Date resolved or closed (for a RESOLVED or CLOSED case; default: opened)"),
    Field("case_school", "case", "School name (default: the student's school)"),
    Field("case_district", "case", "District name (default: the school's district)"),
    Field("case_tags", "case", "';'-separated tags"),
    Field("case_assignees", "case", "';'-separated emails of active members"),
)
BY_NAME = {f.name: f for f in FIELDS}
IDENTIFIERS = ("family_external_id", "family_name")  # a mapping needs one of them


class CellError(ValueError):
    pass


_BOOL = {"yes": True, "y": True, "true": True, "1": True, "x": True, "sí": True, "si": True,
         "no": False, "n": False, "false": False, "0": False}
_LANG_NAMES = {name.casefold(): code for code, name in LANGUAGES.items()}
_CATEGORY_LABELS = {label.casefold(): code for code, (label, _) in taxonomy.TAXONOMY.items()}
_SUB_LABELS = {label.casefold(): code for _, (_, subs) in taxonomy.TAXONOMY.items() for code, label in subs.items()}
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d")


def text(v) -> str:
    if isinstance(v, datetime):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return " ".join(str(v).split()) if "\n" not in str(v) else str(v).strip()


def as_date(v) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(v.strip())
    except ValueError:
        pass
    for fmt in _DATE_FORMATS[1:]:
        try:
            return datetime.strptime(v.strip(), fmt).date()
        except ValueError:
            pass
    raise CellError(f"{v!r} is not a date (use 2026-09-14 or 9/14/2026)")


def as_bool(v: str) -> bool:
    try:
        return _BOOL[v.strip().casefold()]
    except KeyError:
        raise CellError(f"{v!r} is not yes or no") from None


def _code(v: str) -> str:
    return re.sub(r"[\s\-]+", "_", v.strip().upper())


def as_enum(v: str, enum_cls, aliases: dict[str, str] | None = None) -> str:
    code = _code(v)
    code = (aliases or {}).get(code, code)
    if code not in enum_cls.__members__:
        raise CellError(f"{v!r} is not one of {', '.join(enum_cls.__members__)}")
    return code


def as_language(v: str) -> str:
    low = v.strip().casefold()
    if low in LANGUAGES:
        return low
    if low in _LANG_NAMES:
        return _LANG_NAMES[low]
    raise CellError(f"{v!r} is not a known language (codes: {', '.join(LANGUAGES)})")


def as_category(v: str) -> str:
    code = _code(v)
    if code in taxonomy.TAXONOMY:
        return code
    if v.strip().casefold() in _CATEGORY_LABELS:
        return _CATEGORY_LABELS[v.strip().casefold()]
    raise CellError(f"{v!r} is not a case category ({', '.join(taxonomy.CATEGORIES)})")


def as_subcategory(v: str) -> str:
    code = _code(v)
    if code in taxonomy.CATEGORY_OF:
        return code
    if v.strip().casefold() in _SUB_LABELS:
        return _SUB_LABELS[v.strip().casefold()]
    raise CellError(f"{v!r} is not a case subcategory (see caseTaxonomy)")


def as_list(v: str) -> list[str]:
    return [p.strip() for p in v.split(";") if p.strip()]


def as_channels(v: str) -> list[str]:
    out = [_code(p) for p in as_list(v)]
    unknown = [p for p in out if p not in CONTACT_CHANNELS]
    if unknown:
        raise CellError(f"unknown channel {', '.join(unknown)} ({', '.join(CONTACT_CHANNELS)})")
    return list(dict.fromkeys(out))


SPECIAL_EDUCATION_ALIASES = {"504": "PLAN_504", "504_PLAN": "PLAN_504"}

# field -> how a non-empty cell becomes the value the domain rules check
CONVERT = {
    "family_language": as_language,
    "family_interpreter_needed": as_bool,
    "family_contact_channels": as_channels,
    "student_special_education": lambda v: as_enum(v, SpecialEducationStatus, SPECIAL_EDUCATION_ALIASES),
    "student_english_learner": lambda v: as_enum(v, EnglishLearnerStatus),
    "student_grade": lambda v: _code(v),
    "case_category": as_category,
    "case_subcategory": as_subcategory,
    "case_priority": lambda v: as_enum(v, CasePriority),
    "case_status": lambda v: as_enum(v, CaseStatus),
    "case_outcome": lambda v: as_enum(v, CaseOutcome),
    "case_opened_on": as_date,
    "case_incident_on": as_date,
    "case_next_action_due_on": as_date,
    "case_closed_on": as_date,
    "case_tags": as_list,
    "case_assignees": lambda v: [a.lower() for a in as_list(v)],
}

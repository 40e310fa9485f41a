"""Parsing and checking a directory CSV. Pure: no database; the service matches and applies the rows.

The header names the columns, in any order (case and spaces do not matter); only `district` is required:

    district,school,school_level,contact_name,title,office,email,phone,issue_areas,ladder_level[,state]

Each row is about one district (matched by name, case-insensitively) and, optionally:

- a school of that district (`school`, with an optional `school_level` such as `K-5` or `9-12`);
- a contact (`contact_name` and the other contact columns): of the district office, or of the school when the
  row names one. `ladder_level` (the rung of the organization's escalation ladder, e.g. 1 School, 2 District
  office) is required for a contact; `issue_areas` is a `;`-separated list of case categories
  (`SPECIAL_EDUCATION; LANGUAGE_ACCESS`, labels such as `Special education` work too); empty means all.

So a row with only `district` (and `state`) lists a district, a row with `district,school` a school, and a row
with a contact name a contact. `state` (two letters) is needed only when the row creates a district; one row
per district is enough, and the importer may be given a default.

Contacts are matched within their district by email, else by name (case-insensitively), so importing the
same file again changes nothing. A column the header leaves out is left as it is on existing records; a
column that is present but empty clears the field.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from domain.cases import taxonomy
from domain.tabular import header_name, key  # noqa: F401  (key: used by the directory service)
from domain.validate import EMAIL_RE

COLUMNS = ("district", "state", "school", "school_level", "contact_name", "title", "office", "email", "phone",
           "issue_areas", "ladder_level")
CONTACT_COLUMNS = ("contact_name", "title", "office", "email", "phone", "issue_areas", "ladder_level")
MAX_BYTES = 2_000_000
MAX_ROWS = 10_000
STATE_RE = re.compile(r"^[A-Za-z]{2}$")
LIMITS = {"district": 200, "school": 200, "school_level": 20, "contact_name": 200, "title": 200, "office": 200,
          "email": 254, "phone": 40}
_LABELS = {label.lower(): code for code, (label, _) in taxonomy.TAXONOMY.items()}


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ContactRow:
    name: str
    # Only the columns present in the header; a present but empty cell is None (or [] for issue areas).
    fields: dict = field(default_factory=dict)
    ladder_level: int | None = None

    @property
    def email(self) -> str | None:
        return self.fields.get("email")


@dataclass
class DirectoryRow:
    line: int
    district: str
    state: str | None = None
    school: str | None = None
    school_level: str | None = None
    contact: ContactRow | None = None

    @property
    def district_key(self) -> str:
        return key(self.district)

    @property
    def school_key(self) -> tuple[str, str] | None:
        return (self.district_key, key(self.school)) if self.school else None

    @property
    def contact_key(self) -> tuple[str, str, str] | None:
        if self.contact is None:
            return None
        c = self.contact
        return (self.district_key, "email", c.email) if c.email else (self.district_key, "name", key(c.name))


@dataclass
class ParsedDirectory:
    rows: list[DirectoryRow]
    errors: list[RowError]
    columns: tuple[str, ...] = ()


_header_name = header_name  # shared with the record import (domain/tabular.py)


def issue_areas(raw: str) -> tuple[list[str], list[str]]:
    """(category codes in taxonomy order, unknown entries) from `A; B; C`."""
    codes, unknown = set(), []
    for part in raw.split(";"):
        part = " ".join(part.split())
        if not part:
            continue
        code = re.sub(r"[\s\-]+", "_", part.upper())
        code = code if code in taxonomy.TAXONOMY else _LABELS.get(part.lower())
        if code is None:
            unknown.append(part)
        else:
            codes.add(code)
    return [c for c in taxonomy.CATEGORIES if c in codes], unknown


def _row(line: int, cells: dict[str, str], present: set[str]) -> tuple[DirectoryRow | None, list[str]]:
    problems: list[str] = []
    for col, limit in LIMITS.items():
        if len(cells.get(col, "")) > limit:
            problems.append(f"{col} is longer than {limit} characters")
    if any("\x00" in v for v in cells.values()):
        problems.append("contains a NUL character")
    district = cells.get("district", "")
    if not district:
        problems.append("district is required")
    state = cells.get("state") or None
    if state and not STATE_RE.match(state):
        problems.append(f"state must be two letters, not {state!r}")
    school = cells.get("school") or None
    school_level = cells.get("school_level") or None
    if school_level and not school:
        problems.append("school_level needs a school")
    contact = None
    filled = [c for c in CONTACT_COLUMNS if cells.get(c)]
    if filled:
        name = cells.get("contact_name", "")
        if not name:
            problems.append(f"contact_name is required when {', '.join(filled)} is filled")
        fields: dict = {}
        for col in ("title", "office", "phone"):
            if col in present:
                fields[col] = cells.get(col) or None
        if "email" in present:
            email = cells.get("email") or None
            if email and not EMAIL_RE.match(email):
                problems.append(f"email {email!r} is not a valid email address")
            fields["email"] = email.lower() if email else None
        if "issue_areas" in present:
            codes, unknown = issue_areas(cells.get("issue_areas", ""))
            if unknown:
                problems.append(f"unknown issue area {', '.join(repr(u) for u in unknown)} (known: "
                                f"{', '.join(taxonomy.CATEGORIES)})")
            fields["issue_areas"] = codes
        level = None
        raw_level = cells.get("ladder_level", "")
        if not raw_level:
            problems.append("ladder_level is required for a contact")
        elif not raw_level.isdigit() or int(raw_level) < 1:
            problems.append(f"ladder_level must be a whole number from 1, not {raw_level!r}")
        else:
            level = int(raw_level)
        contact = ContactRow(name=name, fields=fields, ladder_level=level)
    if problems:
        return None, problems
    return DirectoryRow(line=line, district=district, state=state.upper() if state else None, school=school,
                        school_level=school_level, contact=contact), []


def parse_directory_csv(text: str) -> ParsedDirectory:
    """Every row checked on its own and against the others; errors carry the line the record starts on."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return ParsedDirectory([], [RowError(1, f"the file is larger than {MAX_BYTES // 1_000_000} MB; split it")])
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return ParsedDirectory([], [RowError(1, "the file is empty; the first line must name the columns")])
    except csv.Error as e:
        return ParsedDirectory([], [RowError(1, f"not valid CSV ({e})")])
    names = [_header_name(h) for h in header]
    unknown = [h.strip() for h, n in zip(header, names) if n not in COLUMNS]
    dupes = sorted({n for n in names if names.count(n) > 1 and n in COLUMNS})
    header_problems = []
    if unknown:
        header_problems.append(f"unknown column {', '.join(repr(u) for u in unknown)} (known: {', '.join(COLUMNS)})")
    if dupes:
        header_problems.append(f"column {', '.join(dupes)} appears more than once")
    if "district" not in names:
        header_problems.append("the district column is required")
    if header_problems:
        return ParsedDirectory([], [RowError(1, "; ".join(header_problems))])
    present = set(names)

    rows: list[DirectoryRow] = []
    errors: list[RowError] = []
    seen_contacts: dict[tuple, int] = {}
    seen_levels: dict[tuple, tuple[str, int]] = {}
    seen_states: dict[str, tuple[str, int]] = {}
    end = reader.line_num
    count = 0
    while True:
        line = end + 1
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            errors.append(RowError(line, f"not valid CSV ({e})"))
            break
        end = reader.line_num
        if not any(c.strip() for c in raw):
            continue  # blank lines are allowed
        count += 1
        if count > MAX_ROWS:
            errors.append(RowError(line, f"more than {MAX_ROWS} rows; split the file"))
            break
        if len(raw) > len(names):
            errors.append(RowError(line, f"{len(raw)} cells but the header names {len(names)} columns"))
            continue
        cells = {n: " ".join(c.split()) for n, c in zip(names, raw)}
        row, problems = _row(line, cells, present)
        if row is not None:
            problems = _against_earlier(row, seen_contacts, seen_levels, seen_states)
        if problems:
            errors.append(RowError(line, "; ".join(problems)))
        else:
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(end or 1, "no rows under the header"))
    return ParsedDirectory(rows, errors, tuple(names))


def _against_earlier(row: DirectoryRow, contacts: dict, levels: dict, states: dict) -> list[str]:
    """Rows of one file must not contradict each other (a later row would silently win)."""
    problems = []
    if row.state:
        prev = states.setdefault(row.district_key, (row.state, row.line))
        if prev[0] != row.state:
            problems.append(f"state {row.state} differs from {prev[0]} on line {prev[1]} for {row.district}")
    if row.school_key and row.school_level:
        prev = levels.setdefault(row.school_key, (row.school_level, row.line))
        if prev[0] != row.school_level:
            problems.append(f"school_level {row.school_level} differs from {prev[0]} on line {prev[1]} "
                            f"for {row.school}")
    if row.contact_key:
        prev_line = contacts.setdefault(row.contact_key, row.line)
        if prev_line != row.line:
            problems.append(f"the same contact as line {prev_line} ({row.contact.email or row.contact.name})")
    return problems

"""Pure checks that a story names no one and no school (names come from the case's own records).

This is a guard-rail for the drafter and the approver, not a guarantee: a second person reads every story
before it is published. It finds, case-insensitively and on word boundaries:

- any name of the family: words of the household's display name (minus generic words such as "family"),
  guardians' names, the students' first and last names;
- any school of the organization's directory, by its full name or its name without the generic part
  ("Maple Street Elementary School" -> "Maple Street");
- email addresses, phone numbers, long digit runs (student or case numbers) and exact dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GENERIC_NAME_WORDS = {
    "family", "familia", "household", "the", "and", "y", "de", "da", "do", "dos", "del", "la", "le", "van", "von",
    "mr", "mrs", "ms", "dr", "jr", "sr",
}
GENERIC_SCHOOL_WORDS = {
    "school", "schools", "high", "middle", "elementary", "primary", "academy", "charter", "public", "community",
    "upper", "lower", "k-8", "k8", "prep", "preparatory", "center", "centre", "of", "the", "and", "for",
    "international", "magnet", "early", "learning", "intermediate", "junior", "senior", "campus", "district",
}
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
PHONE = re.compile(r"(?:\+?\d[\s().-]*){7,}")
DATE = re.compile(r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})\b")
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
MONTH_DAY = re.compile(rf"\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str   # NAME, SCHOOL, EMAIL, PHONE, DATE
    text: str


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w'-]+", text or "", flags=re.UNICODE) if w]


def name_terms(names: list[str]) -> set[str]:
    """The words of people's names worth looking for (2+ letters, not generic)."""
    out = set()
    for name in names:
        for w in _words(name):
            w = w.strip("'-")
            if len(w) >= 2 and w.casefold() not in GENERIC_NAME_WORDS:
                out.add(w)
    return out


def school_terms(schools: list[str]) -> set[str]:
    """Full school names and their distinctive part (the name without generic words at the end)."""
    out = set()
    for name in schools:
        name = " ".join((name or "").split())
        if not name:
            continue
        out.add(name)
        words = name.split(" ")
        while words and words[-1].casefold() in GENERIC_SCHOOL_WORDS:
            words.pop()
        core = " ".join(words)
        if core and core.casefold() not in GENERIC_SCHOOL_WORDS and len(core) >= 3:
            out.add(core)
    return out


def _contains(text: str, term: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(term)}(?![\w])", text, flags=re.IGNORECASE | re.UNICODE) is not None


def find_identifiers(text: str, *, names: list[str], schools: list[str]) -> list[Finding]:
    found: list[Finding] = []
    for term in sorted(name_terms(names), key=str.casefold):
        if _contains(text, term):
            found.append(Finding("NAME", term))
    for term in sorted(school_terms(schools), key=lambda t: (-len(t), t.casefold())):
        if _contains(text, term) and not any(f.kind == "SCHOOL" and term.casefold() in f.text.casefold()
                                             for f in found):
            found.append(Finding("SCHOOL", term))
    for kind, pattern in (("EMAIL", EMAIL), ("PHONE", PHONE), ("DATE", DATE), ("DATE", MONTH_DAY)):
        for m in pattern.finditer(text or ""):
            if kind == "PHONE" and sum(ch.isdigit() for ch in m.group()) < 7:
                continue
            found.append(Finding(kind, m.group().strip()))
    return found


KIND_WORDS = {"NAME": "a name", "SCHOOL": "a school", "EMAIL": "an email address", "PHONE": "a phone or ID number",
              "DATE": "an exact date"}


def describe(findings: list[Finding], *, reveal: bool) -> str:
    """A message for the drafter (who may see the terms) or the approver (who may not)."""
    kinds = list(dict.fromkeys(KIND_WORDS[f.kind] for f in findings))
    if reveal:
        terms = ", ".join(f"“{f.text}”" for f in findings[:5])
        return f"A story must not identify anyone; this one mentions {' and '.join(kinds)}: {terms}."
    return f"A story must not identify anyone; this one mentions {' and '.join(kinds)}. Send it back for editing."

"""Evidence exports: JSON, CSV and a printable HTML brief. Labels only: no record ids, no names.

Every export is authorized (`evidence:export`, the campaign in my organization) and audited
(`evidence.export` with the format).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import jinja2
import orjson
from markupsafe import Markup

from domain.audit.service import record as audit
from domain.campaigns.evidence import Evidence, ResponsivenessRow, build_evidence, campaign_for_evidence
from domain.campaigns.stats import Table1D
from domain.campaigns.suppression import Published, PublishedNumber
from domain.cases import taxonomy
from domain.db import Database
from domain.errors import DomainError, ErrorCode, not_found
from policies import Actor

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "campaigns"
FORMATS = ("csv", "json", "brief")


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: str


def _count(p: Published) -> dict:
    return {"value": p.value, "suppressed": p.suppressed}


def _number(p: PublishedNumber) -> dict:
    return {"value": p.value, "suppressed": p.suppressed}


TABLE_NAMES = {"SCHOOL": "by_school", "CATEGORY": "by_category", "DISTRICT": "by_district", "MONTH": "by_month",
               "STATUS": "by_status", "OUTCOME": "outcomes"}


def _tables(ev: Evidence) -> list[tuple[str, Table1D]]:
    out = [(TABLE_NAMES[t.dimension.value], t) for t in
           (ev.by_school, ev.by_category, ev.by_district, ev.by_month, ev.by_status, ev.outcomes)]
    out += [(f"by_{t.dimension.value.lower()}", t) for t in ev.by_subgroup]
    return out


def _resp(r: ResponsivenessRow) -> dict:
    return {"district": r.district.label if r.district else "All districts", "sent": _count(r.sent),
            "answered": _count(r.answered), "answeredWithinWindow": _count(r.answered_within_window),
            "overdueNow": _count(r.overdue_now),
            "shareAnsweredWithinWindow": _number(r.share_answered_within_window),
            "medianSchoolDaysToAnswer": _number(r.median_school_days_to_answer)}


def evidence_dict(ev: Evidence) -> dict:
    c = ev.campaign
    sbc = ev.school_by_category
    return {
        "campaign": {"name": c.name, "goal": c.goal, "target": c.target, "status": c.status.value},
        "asOf": ev.as_of.isoformat(),
        "suppressionThreshold": ev.threshold,
        "note": suppression_note(ev.threshold),
        "summary": {"cases": _count(ev.cases), "families": _count(ev.families),
                    "escalationsSent": _count(ev.responsiveness_total.sent),
                    "answeredWithinWindow": _count(ev.responsiveness_total.answered_within_window),
                    "shareAnsweredWithinWindow": _number(ev.responsiveness_total.share_answered_within_window),
                    "medianSchoolDaysToAnswer": _number(ev.responsiveness_total.median_school_days_to_answer)},
        "tables": [{"name": name, "dimension": t.dimension.value,
                    "rows": [{"code": k.code, "label": k.label, "count": _count(p), "share": _number(t.share(i))}
                             for i, (k, p) in enumerate(zip(t.keys, t.counts))],
                    "total": _count(t.total)} for name, t in _tables(ev)],
        "schoolByCategory": {"rows": [k.label for k in sbc.rows], "columns": [k.label for k in sbc.columns],
                             "cells": [[_count(p) for p in row] for row in sbc.cells],
                             "rowTotals": [_count(p) for p in sbc.row_totals],
                             "columnTotals": [_count(p) for p in sbc.column_totals], "total": _count(sbc.total)},
        "responsiveness": [_resp(r) for r in ev.responsiveness] + [_resp(ev.responsiveness_total)],
        "stories": [{"title": s.title, "body": s.body, "category": _category(s.category),
                     "approvedOn": s.approved_at.date().isoformat() if s.approved_at else None}
                    for s in ev.stories],
    }


def _category(code: str) -> str:
    return taxonomy.category_label(code) if code in taxonomy.TAXONOMY else code


def suppression_note(threshold: int) -> str:
    return (f"Counts from 1 to {threshold - 1} are suppressed, and so are enough other counts that no suppressed "
            f"value can be worked out from the totals; shares of suppressed counts are suppressed too. Families "
            f"who opted out of aggregate reporting are not counted. Stories are shared with the family's consent.")


CSV_COLUMNS = ("section", "dimension", "code", "label", "column", "measure", "value", "suppressed", "share", "text")


def evidence_csv(ev: Evidence) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)

    def put(section, dimension, code, label, column, measure, p, share=None, text=""):
        sh = "" if share is None or share.value is None else share.value
        if isinstance(p, PublishedNumber):
            value, suppressed = ("" if p.value is None else p.value), p.suppressed
        elif p is None:
            value, suppressed = "", False
        else:
            value, suppressed = ("" if p.value is None else p.value), p.suppressed
        w.writerow([section, dimension, code or "", label, column, measure, value,
                    "true" if suppressed else "false", sh, text])

    d = evidence_dict(ev)
    for measure, key in (("cases", "cases"), ("families", "families")):
        put("summary", "", "", "", "", measure, getattr(ev, key))
    for name, t in _tables(ev):
        for i, (k, p) in enumerate(zip(t.keys, t.counts)):
            put(name, t.dimension.value, k.code, k.label, "", "cases", p, t.share(i))
        put(name, t.dimension.value, "", "All", "", "cases", t.total)
    sbc = ev.school_by_category
    for i, r in enumerate(sbc.rows):
        for j, c in enumerate(sbc.columns):
            put("school_by_category", "SCHOOL x CATEGORY", "", r.label, c.label, "cases", sbc.cells[i][j])
        put("school_by_category", "SCHOOL x CATEGORY", "", r.label, "All", "cases", sbc.row_totals[i])
    for j, c in enumerate(sbc.columns):
        put("school_by_category", "SCHOOL x CATEGORY", "", "All", c.label, "cases", sbc.column_totals[j])
    put("school_by_category", "SCHOOL x CATEGORY", "", "All", "All", "cases", sbc.total)
    for r in ev.responsiveness + [ev.responsiveness_total]:
        label = r.district.label if r.district else "All districts"
        for measure in ("sent", "answered", "answered_within_window", "overdue_now",
                        "share_answered_within_window", "median_school_days_to_answer"):
            put("responsiveness", "DISTRICT", "", label, "", measure, getattr(r, measure))
    for s in d["stories"]:
        put("story", "", "", s["title"], s["category"], "story", None, text=s["body"])
    return out.getvalue()


# ---------------------------------------------------------------- the printable brief


def _fmt(p) -> str:
    if p.suppressed:
        return "suppressed"
    if p.value is None:
        return "–"
    if isinstance(p, PublishedNumber):
        return f"{p.value:g}"
    return f"{p.value:,}"


def _pct(p: PublishedNumber) -> str:
    if p.suppressed:
        return "suppressed"
    return "–" if p.value is None else f"{round(p.value * 100)}%"


def bar_chart(title: str, rows: list[tuple[str, Published]], *, width: int = 640) -> Markup:
    """A horizontal bar chart as inline SVG (no script); suppressed bars are drawn as an outline only."""
    rows = rows[:24]
    bar_h, gap, label_w, value_w = 18, 6, 200, 80
    height = 30 + len(rows) * (bar_h + gap)
    top = max([p.value for _, p in rows if not p.suppressed and p.value] or [1])
    scale = (width - label_w - value_w) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
             f'<text x="0" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (label, p) in enumerate(rows):
        y = 28 + i * (bar_h + gap)
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(short)}</text>')
        if p.suppressed:
            parts.append(f'<rect x="{label_w}" y="{y}" width="40" height="{bar_h}" fill="none" stroke="#888" '
                         f'stroke-dasharray="3,2"/>')
            parts.append(f'<text x="{label_w + 46}" y="{y + 13}" font-size="11" fill="#555">suppressed</text>')
        else:
            w = max(0.0, (p.value or 0) * scale)
            parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#2f5d8a"/>')
            parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 13}" font-size="11">{p.value:,}</text>')
    parts.append("</svg>")
    # every text above is escape()d, the rest are numbers (bandit B704)
    return Markup("".join(parts))  # nosec B704


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
                             autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",)),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["count"] = _fmt
    env.filters["pct"] = _pct
    env.filters["category"] = _category
    return env


_ENV: jinja2.Environment | None = None


def evidence_brief(ev: Evidence) -> str:
    global _ENV
    _ENV = _ENV or _environment()
    charts = [bar_chart("Cases by month", [(k.label, p) for k, p in zip(ev.by_month.keys, ev.by_month.counts)]),
              bar_chart("Cases by school", [(k.label, p) for k, p in zip(ev.by_school.keys, ev.by_school.counts)])]
    return _ENV.get_template("brief.html.j2").render(
        ev=ev, c=ev.campaign, tables=[t for _, t in _tables(ev)][2:], charts=charts,
        note=suppression_note(ev.threshold), r_total=ev.responsiveness_total)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "campaign"


async def export_evidence(db: Database, actor: Actor, campaign_id: uuid.UUID, fmt: str, *,
                          today: date) -> ExportFile:
    if fmt not in FORMATS:
        raise DomainError(ErrorCode.VALIDATION, "Unknown export format.", "format")
    if not actor.can("evidence", "export"):
        raise DomainError(ErrorCode.FORBIDDEN, "You do not have permission to export evidence.")
    campaign = await campaign_for_evidence(db, actor, campaign_id)
    if campaign is None:
        raise not_found("campaign", "campaignId")
    ev = await build_evidence(db, campaign, today=today)
    base = f"evidence-{_slug(campaign.name)}-{today.isoformat()}"
    if fmt == "json":
        out = ExportFile(f"{base}.json", "application/json",
                         orjson.dumps(evidence_dict(ev), option=orjson.OPT_INDENT_2).decode())
    elif fmt == "csv":
        out = ExportFile(f"{base}.csv", "text/csv; charset=utf-8", evidence_csv(ev))
    else:
        out = ExportFile(f"{base}.html", "text/html; charset=utf-8", evidence_brief(ev))
    async with db.transaction() as s:
        audit(s, actor, "evidence.export", entity_type="campaign", entity_id=campaign.id,
              detail={"format": fmt, "stories": len(ev.stories)})
    return out

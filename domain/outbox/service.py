"""Queue an email in the caller's unit of work; `domain.outbox.worker` sends it after the commit.

    async with db.transaction() as s:
        escalation = ...                       # the change
        await enqueue(s, organization_id=org.id, kind="escalation_letter", template="escalation_letter",
                      language="en", to=[contact.email], cc=[advocate.email],
                      reply_to=formataddr((advocate.display_name, advocate.email)),
                      context={...}, related_type="Escalation", related_id=escalation.id)
    # committed together: the message exists if and only if the escalation does

The message is rendered when it is queued (what was sent is what the row says), from
`domain/templates/mail/<template>.<lang>.{subject,txt,html}.j2`: the exact language (`es`), then its
primary subtag (`es-MX` -> `es`), then English. Text and subject are not escaped; the HTML part is
autoescaped. Every context key a template uses is listed in TEMPLATES below: a missing required key,
or a key the template does not know, raises ValueError (a programming error, loud in tests); optional
keys may be left out (they render as nothing). Dates are `datetime.date` (or datetime) and are written
out in the message's language.

escalation_letter  (to the contact, advocate in cc; formal letter; English, other languages fall back)
  required  organization_name            "Lynn Parents United"
            contact_name                 "Dr. Maria Lopez"
            level_name                   ladder level name, "District office"
            case_reference               our case reference number, "LPU-2026-0042"
            issue_category               category label, "Special education"
            summary                      what happened (multi-line text)
            remedy_requested             what we ask for (multi-line text)
            sent_on                      date of the letter
            response_due_on              date the answer is due
            response_window_school_days  int, the N of "within N school days"
            advocate_name                the sender, "Ana Advocate"
            advocate_email               where replies go
  optional  contact_title, contact_office, district_name, school_name, student_first_name,
            student_grade ("7", "K"), student_last_name (only when the family wants it shared),
            issue_subcategory (label), advocate_phone, consent_signed_on (date of the family's release)

family_notice  (to the family, in its preferred language: en, es; others fall back to en)
  required  organization_name, guardian_name ("Ana Rivera", for the greeting), level_name ("District
            office"; the default ladder names are translated), escalated_on (date), response_due_on
            (date), advocate_name
  optional  student_first_name, contact_office, response_window_school_days, case_reference,
            advocate_email, advocate_phone

user_invitation  (to an invited staff member: en, es; domain/identity/users.py)
  required  organization_name, inviter_name, accept_url (the single-use link), expires_at (datetime)
  optional  invitee_name

password_reset  (to a staff member who asked for it: en, es; domain/identity/users.py)
  required  reset_url (the single-use link), valid_minutes (int)
  optional  user_name, organization_name

notification_digest  (to a staff member, once a day: en, es; domain/notifications/jobs.py)
  required  organization_name, items (list of {kind, case_reference, case_title, level_name, label, due_on,
            responded_on}; kind is a NotificationKind value), total (int, may exceed len(items)),
            app_url, digest_on (date)
  optional  user_name
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parseaddr
from pathlib import Path

import jinja2
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import invalid
from domain.outbox.models import OutboxMessage, OutboxStatus

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "mail"
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class TemplateSpec:
    required: frozenset[str]
    optional: frozenset[str] = frozenset()


TEMPLATES: dict[str, TemplateSpec] = {
    "escalation_letter": TemplateSpec(
        required=frozenset({
            "organization_name", "contact_name", "level_name", "case_reference", "issue_category", "summary",
            "remedy_requested", "sent_on", "response_due_on", "response_window_school_days", "advocate_name",
            "advocate_email",
        }),
        optional=frozenset({
            "contact_title", "contact_office", "district_name", "school_name", "student_first_name",
            "student_grade", "student_last_name", "issue_subcategory", "advocate_phone", "consent_signed_on",
        }),
    ),
    "family_notice": TemplateSpec(
        required=frozenset({
            "organization_name", "guardian_name", "level_name", "escalated_on", "response_due_on", "advocate_name",
        }),
        optional=frozenset({
            "student_first_name", "contact_office", "response_window_school_days", "case_reference",
            "advocate_email", "advocate_phone",
        }),
    ),
    "user_invitation": TemplateSpec(
        required=frozenset({"organization_name", "inviter_name", "accept_url", "expires_at"}),
        optional=frozenset({"invitee_name"}),
    ),
    "password_reset": TemplateSpec(
        required=frozenset({"reset_url", "valid_minutes"}),
        optional=frozenset({"user_name", "organization_name"}),
    ),
    "notification_digest": TemplateSpec(
        required=frozenset({"organization_name", "items", "total", "app_url", "digest_on"}),
        optional=frozenset({"user_name"}),
    ),
}

# --- rendering -----------------------------------------------------------------------------------

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
}
_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}
# The default ladder (domain.escalations.models.DEFAULT_LADDER) as a phrase in a sentence;
# a level an organization named itself is used as it is.
_LEVEL_PHRASES = {
    "en": {"School": "the school", "District office": "the district office", "State agency": "the state agency",
           "Federal office": "the federal office"},
    "es": {"School": "la escuela", "District office": "la oficina del distrito",
           "State agency": "la agencia estatal", "Federal office": "la oficina federal"},
}


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    raise TypeError(f"not a date: {value!r}")


@jinja2.pass_context
def _longdate(ctx, value) -> str:
    """Monday, December 15, 2026 / lunes 15 de diciembre de 2026."""
    d = _as_date(value)
    lang = ctx.get("lang", FALLBACK_LANGUAGE)
    if lang == "es":
        return f"{_WEEKDAYS['es'][d.weekday()]} {d.day} de {_MONTHS['es'][d.month - 1]} de {d.year}"
    return f"{_WEEKDAYS['en'][d.weekday()]}, {_MONTHS['en'][d.month - 1]} {d.day}, {d.year}"


@jinja2.pass_context
def _level_phrase(ctx, level_name: str) -> str:
    return _LEVEL_PHRASES.get(ctx.get("lang", FALLBACK_LANGUAGE), {}).get(level_name, level_name)


@jinja2.pass_eval_context
def _paragraphs(eval_ctx, value) -> str:
    """Plain text as HTML paragraphs: blank lines split paragraphs, single newlines become <br>."""
    text = str(value).replace("\r\n", "\n").strip()
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    html = Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in b.strip().split("\n")))
        for b in blocks)
    return html if eval_ctx.autoescape else str(html)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False,
                                            default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(longdate=_longdate, level_phrase=_level_phrase, paragraphs=_paragraphs)
    return env


_env = _environment()


@dataclass(frozen=True)
class RenderedMail:
    language: str  # the language actually used
    subject: str
    text: str
    html: str | None


def resolve_language(template: str, language: str | None) -> str:
    """The language `template` is rendered in: exact, then primary subtag, then English."""
    wanted = (language or "").strip().lower().replace("_", "-")
    for lang in (wanted, wanted.split("-")[0], FALLBACK_LANGUAGE):
        if lang and re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", lang) \
                and (TEMPLATE_DIR / f"{template}.{lang}.txt.j2").is_file():
            return lang
    raise ValueError(f"no mail template {template!r} in {FALLBACK_LANGUAGE!r}")


def render(template: str, language: str | None, context: Mapping[str, object]) -> RenderedMail:
    spec = TEMPLATES.get(template)
    if spec is None:
        raise ValueError(f"unknown mail template {template!r}")
    missing = sorted(k for k in spec.required if context.get(k) in (None, ""))
    unknown = sorted(set(context) - spec.required - spec.optional)
    if missing or unknown:
        raise ValueError(f"mail template {template!r}: missing {missing}, unknown {unknown}")
    lang = resolve_language(template, language)
    values = {k: None for k in spec.optional} | dict(context) | {"lang": lang}
    subject = _env.get_template(f"{template}.{lang}.subject.j2").render(values)
    text = _env.get_template(f"{template}.{lang}.txt.j2").render(values)
    html = None
    if (TEMPLATE_DIR / f"{template}.{lang}.html.j2").is_file():
        html = _env.get_template(f"{template}.{lang}.html.j2").render(values)
    subject = " ".join(subject.split())  # one header line, whatever the values held
    if len(subject) > 300:
        subject = subject[:299] + "…"
    return RenderedMail(language=lang, subject=subject, text=text.strip() + "\n", html=html)


# --- queueing ------------------------------------------------------------------------------------

_ADDRESS_RE = re.compile(r"^[^@\s<>,;\"()\[\]\\]+@[^@\s<>,;\"()\[\]\\]+\.[^@\s<>,;\"()\[\]\\]+$")


def _addresses(values: Iterable[str], field: str, *, required: bool) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values or ():
        addr = (v or "").strip()
        if not _ADDRESS_RE.match(addr) or len(addr) > 254:
            raise invalid(f"{addr!r} is not an email address.", field)
        if addr.lower() not in {a.lower() for a in out}:
            out.append(addr)
    if required and not out:
        raise invalid("The message needs a recipient.", field)
    return out


# Security: mails whose links are secrets (a password can be set with them). Once such a message has been sent
# (or has failed for good) the secret is removed from the stored body, so that a reader of the database or of a
# backup cannot use an old link; "[redacted]" stays in its place as the note that it was there. The tokens
# themselves are stored only as SHA-256 digests (user_tokens.token_hash).
SECRET_LINK_KINDS = frozenset({"user_invitation", "password_reset"})
REDACTED = "[redacted]"
_SECRET_PARAM = re.compile(r"([?&](?:amp;)?token=)[^\s\"'<>&]+")


def redacted_bodies(message: OutboxMessage) -> dict[str, str | None]:
    """{} for a message without secret links, else its body_text and body_html with every `token=` value
    replaced by REDACTED."""
    if message.kind not in SECRET_LINK_KINDS:
        return {}
    return {"body_text": _SECRET_PARAM.sub(lambda m: m.group(1) + REDACTED, message.body_text),
            "body_html": message.body_html and _SECRET_PARAM.sub(lambda m: m.group(1) + REDACTED, message.body_html)}


async def enqueue(
    session: AsyncSession, *, organization_id: uuid.UUID, kind: str, template: str, language: str | None,
    to: Iterable[str], cc: Iterable[str] = (), context: Mapping[str, object], reply_to: str | None = None,
    related_type: str | None = None, related_id: uuid.UUID | None = None,
) -> OutboxMessage:
    """Render `template` and add the message to `session` (the caller's unit of work; not committed here).

    `reply_to` is an address or "Name <address>" (the advocate): replies go there, and its name is shown as
    the sender. Raises DomainError(VALIDATION, field "to"/"cc"/"replyTo") for a malformed address and
    ValueError for a template/context mistake.
    """
    to_addrs = _addresses(to, "to", required=True)
    cc_addrs = [a for a in _addresses(cc, "cc", required=False) if a.lower() not in {t.lower() for t in to_addrs}]
    if reply_to is not None:
        if "\n" in reply_to or "\r" in reply_to or len(reply_to) > 320:
            raise invalid("Malformed reply-to address.", "replyTo")
        _addresses([parseaddr(reply_to)[1]], "replyTo", required=True)
    mail = render(template, language, context)
    message = OutboxMessage(
        id=uuid.uuid4(), organization_id=organization_id, kind=kind, related_type=related_type,
        related_id=related_id, language=mail.language, to_addrs=to_addrs, cc_addrs=cc_addrs, reply_to=reply_to,
        subject=mail.subject, body_text=mail.text, body_html=mail.html, status=OutboxStatus.PENDING, attempts=0,
    )
    session.add(message)
    return message


async def messages_for(session: AsyncSession, *, organization_id: uuid.UUID, related_type: str,
                       related_id: uuid.UUID) -> list[OutboxMessage]:
    """The messages queued for one record (e.g. an escalation), oldest first. The caller authorizes."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.organization_id == organization_id, OutboxMessage.related_type == related_type,
               OutboxMessage.related_id == related_id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id))
    return list(rows)

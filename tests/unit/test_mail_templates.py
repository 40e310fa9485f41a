"""Mail templates, rendered without a database: languages, fallbacks, escaping, required context."""

from __future__ import annotations

from datetime import date

import pytest

from domain.outbox.service import TEMPLATE_DIR, TEMPLATES, render, resolve_language


def letter(**extra) -> dict:
    return {
        "organization_name": "Lynn Parents United", "contact_name": "Dr. Maria Lopez",
        "contact_title": "Director of Special Education", "contact_office": "Office of Special Education",
        "district_name": "Riverton Public Schools", "level_name": "District office",
        "case_reference": "LPU-2026-0042", "issue_category": "Special education",
        "issue_subcategory": "Services not delivered", "student_first_name": "Mateo", "student_grade": "7",
        "school_name": "Riverton High School",
        "summary": "Mateo's IEP requires 3 hours of speech therapy a week.\nNone has been delivered since September.",
        "remedy_requested": "Compensatory speech services and a written schedule.",
        "sent_on": date(2026, 12, 1), "response_due_on": date(2026, 12, 15), "response_window_school_days": 10,
        "advocate_name": "Ana Advocate", "advocate_email": "ana@lpu.example.org", **extra,
    }


def notice(**extra) -> dict:
    return {
        "organization_name": "Lynn Parents United", "guardian_name": "Rosa Rivera", "level_name": "District office",
        "escalated_on": date(2026, 12, 1), "response_due_on": date(2026, 12, 15), "advocate_name": "Ana Advocate",
        "student_first_name": "Mateo", "advocate_phone": "617-555-0100", **extra,
    }


def invitation(**extra) -> dict:
    return {"organization_name": "Lynn Parents United", "inviter_name": "Ada Admin",
            "accept_url": "http://127.0.0.1:8000/accept-invite?token=abc", "expires_at": date(2026, 12, 8),
            "invitee_name": "Ana", **extra}


def reset(**extra) -> dict:
    return {"reset_url": "http://127.0.0.1:8000/reset-password?token=abc", "valid_minutes": 60,
            "user_name": "Ana", "organization_name": "Lynn Parents United", **extra}


def test_escalation_letter_has_what_the_district_needs_and_no_more():
    m = render("escalation_letter", "en", letter())
    assert m.language == "en"
    assert m.subject == ("Special education concern, case LPU-2026-0042: response requested by "
                         "Tuesday, December 15, 2026 (Lynn Parents United)")
    for part in (m.text, m.html):
        for needle in ("Lynn Parents United", "Dr. Maria Lopez", "Director of Special Education",
                       "Office of Special Education", "Mateo", "grade 7", "Riverton High School", "LPU-2026-0042",
                       "Services not delivered", "Compensatory speech services", "Tuesday, December 15, 2026",
                       "10 school days", "Ana Advocate", "ana@lpu.example.org", "Reply to this email"):
            assert needle in part, needle
        assert "Rivera" not in part  # no family surname unless the caller passes one
    assert "Mateo" not in m.subject  # the subject line names no child
    assert "None has been delivered" in m.text and "<br>" in m.html and m.html.lstrip().startswith("<!DOCTYPE html>")
    assert "Mateo Rivera" in render("escalation_letter", "en", letter(student_last_name="Rivera")).text


def test_optional_keys_may_be_left_out_and_singular_days():
    required = TEMPLATES["escalation_letter"].required
    ctx = {k: v for k, v in letter(response_window_school_days=1, summary="Suspended.").items() if k in required}
    m = render("escalation_letter", "en", ctx)
    assert "It concerns a student." in m.text and "1 school day from" in m.text
    assert "None" not in m.text and "None" not in m.html
    consent = render("escalation_letter", "en", letter(consent_signed_on=date(2026, 11, 20))).text
    assert "release signed Friday, November 20, 2026" in consent


def test_html_is_escaped_and_text_is_not():
    m = render("escalation_letter", "en", letter(summary='<script>alert("x")</script> & <b>more</b>',
                                                  contact_name="O'Brien <Director>"))
    assert "<script>" not in m.html and "&lt;script&gt;" in m.html and "&amp;" in m.html
    assert "O&#39;Brien &lt;Director&gt;" in m.html
    assert '<script>alert("x")</script> & <b>more</b>' in m.text  # plain text stays as written


def test_family_notice_in_spanish_with_english_fallback():
    es = render("family_notice", "es", notice(contact_office="Office of Special Education", case_reference="R-1"))
    assert es.language == "es"
    assert es.subject == "Novedades de su caso: nos comunicamos con la oficina del distrito (Lynn Parents United)"
    assert "Hola, Rosa Rivera:" in es.text
    assert "el martes 1 de diciembre de 2026 presentamos el caso de Mateo ante la oficina del distrito" in es.text
    assert "a más tardar el martes 15 de diciembre de 2026" in es.text
    assert "Ana Advocate" in es.text and "617-555-0100" in es.text and "R-1" in es.text
    assert "martes 15 de diciembre de 2026" in es.html and 'lang="es"' in es.html
    assert render("family_notice", "es-MX", notice()).language == "es"
    for lang in ("ht", "", None, "xx-YY", "../../etc"):
        en = render("family_notice", lang, notice())
        assert en.language == "en" and en.subject.startswith("Update on your case: we contacted the district office")
        assert "On Tuesday, December 1, 2026 we escalated Mateo's case to the district office." in en.text
        assert "They should answer by Tuesday, December 15, 2026" in en.text
        assert "Your advocate, Ana Advocate, will follow up" in en.text


def test_custom_ladder_names_pass_through():
    m = render("family_notice", "es", notice(level_name="Superintendent Office"))
    assert "ante Superintendent Office" in m.text


def test_letter_has_no_spanish_version_yet_and_falls_back():
    assert resolve_language("escalation_letter", "es") == "en"
    assert resolve_language("family_notice", "ES") == "es"


@pytest.mark.parametrize("template,ctx", [("escalation_letter", letter), ("family_notice", notice)])
def test_missing_or_unknown_keys_fail_loudly(template, ctx):
    full = ctx()
    with pytest.raises(ValueError, match="missing \\['advocate_name'\\]"):
        render(template, "en", {k: v for k, v in full.items() if k != "advocate_name"})
    with pytest.raises(ValueError, match="unknown \\['advocate_nmae'\\]"):
        render(template, "en", {**full, "advocate_nmae": "x"})
    with pytest.raises(ValueError, match="unknown mail template"):
        render("nope", "en", full)


def digest(**kw):
    items = [{"kind": "CASE_ASSIGNED", "case_reference": "AC-1A2B3C4D", "case_title": "OSS <3 days>", "level_name": None,
              "label": None, "due_on": None, "responded_on": None},
             {"kind": "ESCALATION_OVERDUE", "case_reference": "AC-2", "case_title": "No interpreter",
              "level_name": "District office", "label": None, "due_on": date(2026, 11, 20), "responded_on": None}]
    return {"organization_name": "Lynn Parents United", "items": items, "total": 2,
            "app_url": "http://127.0.0.1:8000/", "digest_on": date(2026, 11, 23), "user_name": "Ana Advocate", **kw}


def test_notification_digest_in_english_and_spanish():
    en = render("notification_digest", "en", digest())
    assert en.subject == "2 updates on your cases (Lynn Parents United)"
    assert 'You were assigned AC-1A2B3C4D "OSS <3 days>".' in en.text
    assert "the district office on AC-2" in en.text and "Friday, November 20, 2026" in en.text
    assert "&lt;3 days&gt;" in en.html and "<3 days>" not in en.html  # case titles are escaped in HTML
    es = render("notification_digest", "es", digest())
    assert es.subject == "2 novedades en sus casos (Lynn Parents United)"
    assert "Se le asignó el caso AC-1A2B3C4D" in es.text and "viernes 20 de noviembre de 2026" in es.text


def test_every_template_file_uses_only_documented_keys():
    """StrictUndefined: rendering with exactly the documented keys (optional ones empty) works in every language."""
    for path in TEMPLATE_DIR.glob("*.txt.j2"):
        template, lang = path.name.split(".")[:2]
        spec = TEMPLATES[template]
        sample = {"escalation_letter": letter, "family_notice": notice, "user_invitation": invitation,
                  "password_reset": reset, "notification_digest": digest}[template]()
        m = render(template, lang, {k: v for k, v in sample.items() if k in spec.required})
        assert m.language == lang and m.subject and m.text and m.html


def test_invitation_and_reset_mail_in_english_and_spanish():
    en = render("user_invitation", "en", invitation())
    assert en.subject == "Ada Admin invited you to Lynn Parents United on Advocase"
    assert "http://127.0.0.1:8000/accept-invite?token=abc" in en.text and "Tuesday, December 8, 2026" in en.text
    es = render("user_invitation", "es-MX", invitation())
    assert es.language == "es" and "martes 8 de diciembre de 2026" in es.text and "le invitó" in es.subject
    r = render("password_reset", "es", reset())
    assert "reset-password?token=abc" in r.text and "60 minutos" in r.text
    assert "60 minutes" in render("password_reset", "ht", reset()).text

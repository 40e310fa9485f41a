"""Pure rules about families, students and consent."""

from __future__ import annotations

from datetime import date

GRADES = ("PK", "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12")

CONTACT_CHANNELS = ("PHONE", "SMS", "WHATSAPP", "EMAIL", "IN_PERSON", "MAIL")

# BCP-47 codes the product knows; families may speak any of them.
LANGUAGES = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "ht": "Haitian Creole",
    "kea": "Cape Verdean Creole", "vi": "Vietnamese", "zh": "Chinese", "ar": "Arabic",
    "so": "Somali", "ru": "Russian", "km": "Khmer", "fr": "French", "ne": "Nepali",
    "sw": "Swahili", "uk": "Ukrainian", "other": "Other",
}


def consent_active(*, signed_on: date, expires_on: date | None, revoked: bool, today: date) -> bool:
    if revoked or signed_on > today:
        return False
    return expires_on is None or today <= expires_on

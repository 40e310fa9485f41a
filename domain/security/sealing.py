"""Secrets sealed with ADVOCASE_SECRET_KEY: authenticated encryption (Fernet, from `cryptography`).

Two purposes, each with its own key derived from the secret key (HKDF-SHA256, the purpose as `info`), so a
value sealed for one can never be opened as the other:

- "totp": members' second-factor secrets at rest (users.totp_secret). A copy of the database (a backup, a
  replica, a leaked dump) does not give away anyone's authenticator codes without the key.
- "device": the device cookie of a browser that signed in to an account (domain/security/throttle.py).

Key rotation: set the new ADVOCASE_SECRET_KEY and list the old one(s) in ADVOCASE_PREVIOUS_SECRET_KEYS; values
sealed with any of them open, new ones are sealed with the new key; `advocase reseal-secrets` re-seals the
stored second-factor secrets with it, after which the old keys can go.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSES = ("totp", "device")


class Unreadable(Exception):
    """A sealed value that none of the keys opens (tampered with, sealed for another purpose, a lost key, or
    older than the allowed age)."""


@lru_cache(maxsize=16)
def _fernet(secret_key: str, purpose: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=f"advocase {purpose} v1".encode()).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


class Sealer:
    """Seals and opens text for one purpose with the current key; opens with the previous keys too."""

    def __init__(self, secret_key: str, purpose: str, previous_keys: Sequence[str] = ()):
        if purpose not in PURPOSES:
            raise ValueError(f"unknown purpose {purpose!r}")
        self._keys = MultiFernet([_fernet(k, purpose) for k in (secret_key, *previous_keys)])

    def seal(self, text: str) -> str:
        return self._keys.encrypt(text.encode()).decode()

    def open(self, sealed: str, *, max_age_seconds: int | None = None) -> str:
        try:
            if max_age_seconds is None:
                return self._keys.decrypt(sealed.encode()).decode()
            return self._keys.decrypt(sealed.encode(), ttl=max_age_seconds).decode()
        except (InvalidToken, UnicodeError, ValueError):
            raise Unreadable from None

    def reseal(self, sealed: str) -> str:
        """The same text sealed with the current key (for rotation); Unreadable if no key opens it."""
        try:
            return self._keys.rotate(sealed.encode()).decode()
        except (InvalidToken, ValueError):
            raise Unreadable from None

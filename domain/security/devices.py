"""Device cookies: a browser that signed in to an account is recognized at that account's next sign-in, so that
a stranger who fails on purpose cannot lock its member out (OWASP, "Slow Down Online Guessing Attacks with
Device Cookies").

After a successful sign-in the browser gets a device token: the account's email and a random device id, sealed
with the server's key (domain/security/sealing.py, purpose "device"), good for DEVICE_DAYS. At a later sign-in
with a token that opens and names the email typed, failures are counted for that device alone
(domain/security/throttle.py, scope "device"): the account's and the address's counters, which strangers can
fill, neither apply to it nor are touched by it. Anything else (no token, another account's, tampered with,
expired) signs in as an unknown client.
"""

from __future__ import annotations

import secrets

from domain.security.sealing import Sealer, Unreadable

DEVICE_DAYS = 180


def _normal(email: str) -> str:
    return (email or "").strip().lower()


def device_of(sealer: Sealer, token: str | None, email: str) -> str | None:
    """The device id of a token issued to this browser for this email, else None."""
    if not token or len(token) > 1000:
        return None
    try:
        device, _, owner = sealer.open(token, max_age_seconds=DEVICE_DAYS * 86400).partition(" ")
    except Unreadable:
        return None
    return device if device and owner == _normal(email) else None


def device_token(sealer: Sealer, email: str, device: str | None = None) -> str:
    """A token for this browser and account: the same device id again (its expiry starts over), or a new one."""
    return sealer.seal(f"{device or secrets.token_urlsafe(16)} {_normal(email)}")

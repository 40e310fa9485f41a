"""Sealed secrets (second-factor secrets at rest, device cookies): pure rules, no database."""

from __future__ import annotations

import pytest

from domain.security.devices import device_of, device_token
from domain.security.sealing import Sealer, Unreadable

KEY = "k" * 40
NEW_KEY = "n" * 40


def test_a_sealed_secret_opens_only_with_its_key_and_purpose():
    totp = Sealer(KEY, "totp")
    sealed = totp.seal("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed and sealed != totp.seal("JBSWY3DPEHPK3PXP")  # random each time
    assert totp.open(sealed) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(Unreadable):
        Sealer(NEW_KEY, "totp").open(sealed)  # another key
    with pytest.raises(Unreadable):
        Sealer(KEY, "device").open(sealed)  # the same key, another purpose
    with pytest.raises(Unreadable):
        totp.open(sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:])  # tampered with
    with pytest.raises(Unreadable):
        totp.open("not sealed at all")
    with pytest.raises(ValueError):
        Sealer(KEY, "anything")


def test_keys_rotate_through_the_previous_ones():
    sealed = Sealer(KEY, "totp").seal("JBSWY3DPEHPK3PXP")
    rotating = Sealer(NEW_KEY, "totp", previous_keys=[KEY])
    assert rotating.open(sealed) == "JBSWY3DPEHPK3PXP"
    resealed = rotating.reseal(sealed)
    assert Sealer(NEW_KEY, "totp").open(resealed) == "JBSWY3DPEHPK3PXP"  # the old key is no longer needed
    with pytest.raises(Unreadable):
        Sealer(NEW_KEY, "totp").reseal(sealed)


def test_a_device_token_names_its_account():
    sealer = Sealer(KEY, "device")
    token = device_token(sealer, " Ana@Example.org ")
    device = device_of(sealer, token, "ana@example.org")
    assert device and "ana@example.org" not in token
    assert device_of(sealer, token, "ANA@example.org ") == device  # as the email is typed
    assert device_of(sealer, token, "someone.else@example.org") is None
    assert device_of(sealer, device_token(sealer, "ana@example.org", device), "ana@example.org") == device
    assert device_of(sealer, device_token(sealer, "ana@example.org"), "ana@example.org") != device  # a new one
    assert device_of(Sealer(NEW_KEY, "device"), token, "ana@example.org") is None
    assert device_of(Sealer(KEY, "totp"), token, "ana@example.org") is None
    assert device_of(sealer, None, "ana@example.org") is None
    assert device_of(sealer, "garbage", "ana@example.org") is None

"""Passwords stay bcrypt at Auth0's cost; a verification that succeeded is remembered for the process (keyed
by an HMAC, never the password), so repeated logins skip bcrypt, and nothing else passes."""
from __future__ import annotations

import time

import bcrypt

from emulator.store import directory


def test_a_successful_verification_is_remembered_and_nothing_else():
    stored = bcrypt.hashpw(b"Correct-Horse-9", bcrypt.gensalt(10)).decode()  # Auth0's cost
    assert not directory.remembered(stored, "Correct-Horse-9")
    t0 = time.perf_counter()
    assert directory.verify_password(stored, "Correct-Horse-9")
    first = time.perf_counter() - t0
    assert directory.remembered(stored, "Correct-Horse-9")
    t0 = time.perf_counter()
    assert directory.verify_password(stored, "Correct-Horse-9")
    assert time.perf_counter() - t0 < first / 10  # no bcrypt the second time
    assert not directory.verify_password(stored, "wrong")
    assert not directory.remembered(stored, "wrong")
    other = bcrypt.hashpw(b"Correct-Horse-9", bcrypt.gensalt(4)).decode()  # a changed password: a new hash
    assert not directory.remembered(other, "Correct-Horse-9")
    assert not any(b"Correct-Horse-9" in key for key in directory._VERIFIED)

"""The emulator's clock and id source: real by default; fixed or seeded for tests and deterministic runs.

Everything that stamps a time or mints an id (store rows, tenant logs, executions, cache expiry) takes it
from here, so a test can freeze time and get repeatable ids (design §4).
"""
from __future__ import annotations

import datetime as dt
import itertools
import random
import time
import uuid


class Clock:
    def now_ms(self) -> int:
        return int(time.time() * 1000)

    def iso(self, ms: int | None = None) -> str:
        ms = self.now_ms() if ms is None else ms
        return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc).isoformat(timespec="milliseconds").replace(
            "+00:00", "Z")


class FixedClock(Clock):
    """A clock that moves only when told to."""

    def __init__(self, start_ms: int = 1_800_000_000_000):
        self.ms = start_ms

    def now_ms(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


class Ids:
    """Random ids in Auth0's shapes; `Ids(seed)` makes them repeatable."""

    def __init__(self, seed: int | None = None):
        self._rng = random.Random(seed) if seed is not None else random.SystemRandom()
        self._seq = itertools.count(1)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def token(self, n: int = 32) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "".join(self._rng.choice(alphabet) for _ in range(n))

    def hex(self, n: int = 24) -> str:
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(n))

    def log_id(self, now_ms: int) -> str:
        """56 digits like Auth0's, sortable by time and then by order of creation."""
        return f"9002{now_ms:016d}{next(self._seq):012d}{self._rng.getrandbits(64) % 10**24:024d}"

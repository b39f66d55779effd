"""Recovery codes: ten single-use codes, shown once, for signing in without the phone."""

from __future__ import annotations

import hashlib
import secrets

COUNT = 10
# Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, U).
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
# 24 characters of 30: about 118 random bits, over the 112 that ASVS asks of a secret stored
# with a plain hash. Shown in groups of four.
LENGTH = 24
GROUP = 4


def new_codes() -> list[str]:
    """COUNT fresh codes, as the owner is shown them: ABCD-EFGH-..."""
    return [
        _formatted("".join(secrets.choice(ALPHABET) for _ in range(LENGTH))) for _ in range(COUNT)
    ]


def _formatted(code: str) -> str:
    """The code in groups of GROUP characters."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_digest(code: str) -> str:
    """The stored form of a code, however it was typed (case, dashes and spaces forgiven)."""
    plain = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(plain.encode()).hexdigest()

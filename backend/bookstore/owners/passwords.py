"""Owners' passwords: the rules a new one must meet, and argon2id hashes of it.

The rules are OWASP ASVS 5.0's: at least 15 characters, any characters at all and no
composition rules, up to 256 (over 128, the least ASVS asks to allow), and none of the
commonly used passwords (zxcvbn's list of 30,000, compared without case) nor the shop's or the
owner's own name in it. Text is NFKC-normalized first, so the same passphrase typed on another
keyboard (composed or decomposed accents, full-width letters) is the same password.
"""

from __future__ import annotations

import functools
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn.frequency_lists import (  # type: ignore[import-untyped]  # ships no type hints
    FREQUENCY_LISTS,
)

from bookstore.domain_errors import InvalidRequest

MIN_LENGTH = 15
MAX_LENGTH = 256
# Words a guesser would try first for this shop's owner (ASVS: context-specific words).
CONTEXT_WORDS = ("bookstore", "stripe press", "stripepress")
# app.extensions[HASHER_KEY]: the app's PasswordHasher (argon2id; tests may use cheaper
# parameters), and the dummy hash verified when there is no real one to verify.
HASHER_KEY = "owners_password_hasher"
DUMMY_HASH_KEY = "owners_dummy_password_hash"


class PasswordRefused(InvalidRequest):
    """A new password breaks a rule; the message says which."""


def normalized(password: str) -> str:
    """The password as it is checked and hashed (NFKC)."""
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, email: str) -> str:
    """The normalized password if it meets the rules, else PasswordRefused."""
    text = normalized(password)
    if len(text) < MIN_LENGTH:
        raise PasswordRefused(
            f"The password must be at least {MIN_LENGTH} characters long (this one has "
            f"{len(text)}). A few unrelated words make a good one.",
            code="password_too_short",
        )
    if len(text) > MAX_LENGTH:
        raise PasswordRefused(
            f"The password must be at most {MAX_LENGTH} characters long (this one has "
            f"{len(text)}).",
            code="password_too_long",
        )
    lowered = text.casefold()
    if lowered in _common_passwords():
        raise PasswordRefused(
            "This password is one of the most commonly used ones, which are tried first: "
            "choose another.",
            code="common_password",
        )
    local_part = email.casefold().partition("@")[0]
    words = (*CONTEXT_WORDS, email.casefold(), *([local_part] if len(local_part) >= 4 else []))
    if any(word in lowered for word in words):
        raise PasswordRefused(
            "The password must not contain the shop's name or your email address.",
            code="password_guessable",
        )
    return text


@functools.cache
def _common_passwords() -> frozenset[str]:
    """zxcvbn's list of common passwords, in lower case (read once)."""
    return frozenset(word.casefold() for word in FREQUENCY_LISTS["passwords"])


def current_hasher() -> PasswordHasher:
    """The app's hasher: argon2-cffi's defaults (argon2id, RFC 9106's low-memory choice)."""
    hasher: PasswordHasher = current_app.extensions.setdefault(HASHER_KEY, PasswordHasher())
    return hasher


def hash_password(password: str) -> str:
    """An argon2id hash of the (normalized) password, salted."""
    return current_hasher().hash(normalized(password))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`; with no hash, a dummy is verified all the same.

    The dummy makes an unknown email or an owner not enrolled yet cost as long as a wrong
    password, so the time taken does not tell which emails are owners.
    """
    hasher = current_hasher()
    try:
        matched = hasher.verify(stored or _dummy_hash(hasher), normalized(password))
    except (VerificationError, InvalidHashError):
        return False
    return matched and stored is not None


def needs_rehash(stored: str) -> bool:
    """Whether a hash was made with other parameters than the hasher's current ones."""
    return current_hasher().check_needs_rehash(stored)


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random-looking password with the hasher's parameters (made once)."""
    cached: tuple[PasswordHasher, str] | None = current_app.extensions.get(DUMMY_HASH_KEY)
    if cached is None or cached[0] is not hasher:
        cached = (hasher, hasher.hash("no owner has this password: it is only ever verified"))
        current_app.extensions[DUMMY_HASH_KEY] = cached
    return cached[1]

"""Random tokens (session ids, CSRF tokens, enrolment links) and the digests stored of them."""

from __future__ import annotations

import hashlib
import secrets

# 32 random bytes: 256 bits, twice the least OWASP asks of a session id.
TOKEN_BYTES = 32


def new_token() -> str:
    """A random, URL- and cookie-safe token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256, in hex (a token is too random to
    guess from it, so no salt or slow hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()

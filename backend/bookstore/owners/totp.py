"""Time-based one-time codes (RFC 6238) from the owner's authenticator app, with pyotp.

Codes have 6 digits and change every 30 seconds; one step either side of now is accepted, for
a phone whose clock drifts. The caller stores the step of each accepted code and passes it
back, so that no code (nor an older one) is accepted twice.
"""

from __future__ import annotations

import hmac
import io
from datetime import datetime

import pyotp
import segno

DIGITS = 6
STEP_SECONDS = 30
# Steps accepted either side of now's.
DRIFT_STEPS = 1
# 32 base32 characters: a 160-bit secret, as RFC 4226 recommends.
SECRET_LENGTH = 32
# What the authenticator app lists the account under, beside the owner's email.
ISSUER = "Stripe Press bookstore"


def new_secret() -> str:
    """A random TOTP secret, in base32."""
    return pyotp.random_base32(SECRET_LENGTH)


def _totp(secret: str) -> pyotp.TOTP:
    """The shop's TOTP parameters for this secret."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return _totp(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str) -> str:
    """The URI as a QR code: a standalone SVG document (usable inline or as an image)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", xmldecl=False, scale=4, title="QR code for your authenticator app"
    )
    return out.getvalue().decode()


def looks_like_code(text: str) -> bool:
    """Whether text has the form of a TOTP code (else it may be a recovery code)."""
    return len(text) == DIGITS and text.isascii() and text.isdigit()


def accepted_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step `code` belongs to, if it is valid now and newer than `last_step`."""
    if not looks_like_code(code):
        return None
    totp = _totp(secret)
    current = totp.timecode(now)
    matched = None
    # Every candidate is compared (in constant time), whichever matches.
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and matched is None:
            matched = step
    if matched is None or (last_step is not None and matched <= last_step):
        return None
    return matched

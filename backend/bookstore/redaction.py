"""Secrets kept out of logs: Stripe keys, webhook signing secrets and client secrets."""

from __future__ import annotations

import logging
import re

_SECRET_PATTERN = re.compile(r"\b(?:sk|rk)_(?:test|live)_\w+|\bwhsec_\w+|\b\w+_secret_\w+")


def redact(text: str) -> str:
    """Mask anything shaped like a Stripe secret before it reaches a log."""
    return _SECRET_PATTERN.sub("[redacted]", text)


class RedactSecrets(logging.Filter):
    """Masks secrets in a log record's message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record if its message holds a secret; never drop it."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def redact_logger(name: str) -> None:
    """Attach the filter to a logger that writes what it is given verbatim (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())

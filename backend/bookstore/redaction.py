"""Secrets and personal data kept out of logs: Stripe keys, webhook signing secrets, client
secrets, and the row values a database error quotes back."""

from __future__ import annotations

import logging
import re

_SECRET_PATTERN = re.compile(r"\b(?:sk|rk)_(?:test|live)_\w+|\bwhsec_\w+|\b\w+_secret_\w+")
# PostgreSQL's DETAIL line repeats a failing row's values ("Failing row contains (...)", "Key
# (email)=(...)"): a shopper's email and address. The message and the statement stay.
_ROW_DETAIL = re.compile(r"^DETAIL:.*$", re.MULTILINE)
# A shopper's email address, as a mail server's refusal quotes it ("550 <ada@example.com>...").
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str) -> str:
    """Mask anything shaped like a Stripe secret, an email address, and a database's row
    detail, in log text."""
    masked = _EMAIL.sub("[email]", _SECRET_PATTERN.sub("[redacted]", text))
    return _ROW_DETAIL.sub("DETAIL: [redacted]", masked)


class RedactSecrets(logging.Filter):
    """Masks secrets in a log record's message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message and traceback if they hold a secret; never drop it."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # Handlers' formatters reuse exc_text when it is set: the traceback as redacted.
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        return True


_FORMATTER = logging.Formatter()


def redact_logger(name: str) -> None:
    """Attach the filter to a logger that writes what it is given verbatim (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())


def redact_handlers(*loggers: logging.Logger) -> None:
    """Attach the filter to the handlers these loggers write through, and to logging's last
    resort: a logger's own filter sees only records made on it, not its children's (the
    worker's `bookstore.orders.refunds`), which reach the handlers by propagation."""
    handlers = [handler for logger in loggers for handler in logger.handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(existing, RedactSecrets) for existing in handler.filters):
            handler.addFilter(RedactSecrets())

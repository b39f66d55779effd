"""Stripe's failures classified once, as the shop's PaymentErrors, each of a `kind`:
"temporary", try again later (a 503 to shoppers); "refused", a card (402) or our request (502),
not retried by itself; "setup", Stripe refused our key (ProviderMisconfigured: still a 503 to
shoppers, but the owner must fix it).

Every call to Stripe runs inside `stripe_errors`; the log says what happened, never a secret.
Each error's `reason` keeps Stripe's own code and message for the owner, secrets masked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

import stripe

from bookstore.payments.gateway import (
    AlreadyRefunded,
    CardError,
    NotRefundable,
    PaymentError,
    ProviderMisconfigured,
    ProviderUnavailable,
)
from bookstore.redaction import redact

log = logging.getLogger(__name__)

BUSY_MESSAGE = "Payments are busy right now. Please try again in a few seconds."
UNREACHABLE_MESSAGE = "We couldn't reach our payment provider. Please try again."
UNAVAILABLE_MESSAGE = "Payments are unavailable right now. Please try again later."
REJECTED_MESSAGE = "We couldn't set up this payment. Please try again later."
DECLINED_MESSAGE = "Your card was declined."
ALREADY_REFUNDED_MESSAGE = "This payment has already been refunded."
NOT_REFUNDABLE_MESSAGE = "This payment has not been taken, so there is nothing to refund."

# Stripe's error code for a refund of a charge refunded in full already.
CHARGE_ALREADY_REFUNDED = "charge_already_refunded"
# How Stripe words its refusal (a 400 with no code) to refund a PaymentIntent not paid yet:
# "This PaymentIntent (pi_...) does not have a successful charge to refund."
NO_SUCCESSFUL_CHARGE = "does not have a successful charge to refund"

# Seconds a shopper (or Stripe's webhook retries) should wait before trying again.
DEFAULT_RETRY_AFTER = 5
MISCONFIGURED_RETRY_AFTER = 60


@contextmanager
def stripe_errors(action: str) -> Iterator[None]:
    """Turn stripe-python's exceptions into the shop's PaymentErrors, logging each once."""
    try:
        yield
    except stripe.StripeError as exc:
        raise payment_error(exc, action) from exc


def payment_error(exc: stripe.StripeError, action: str) -> PaymentError:
    """The shop's error for a Stripe failure; the log says what happened, never a secret."""
    error = _classify(exc, action)
    # Stripe's words for the owner (a refund refused for `balance_insufficient`, say); the
    # shopper's message stays the shop's own.
    error.reason = _reason(exc)
    return error


def _classify(exc: stripe.StripeError, action: str) -> PaymentError:
    """The shop's error class (and so its kind) and message for a Stripe failure, logged."""
    if exc.http_status == 409:
        # stripe-python raises a v1 409 as a plain APIError, so match the status, not the class.
        return _conflict(exc, action)
    refusal = _refund_refusal(exc, action)
    if refusal is not None:
        return refusal
    for stripe_class, translate in _TRANSLATIONS:
        if isinstance(exc, stripe_class):
            return translate(exc, action)
    log.error("Stripe failed to %s: %s %s", action, type(exc).__name__, _describe(exc))
    return PaymentError(REJECTED_MESSAGE)


def _card_declined(exc: stripe.StripeError, action: str) -> PaymentError:
    """A refused card: the shopper can fix it, so pass on Stripe's user-safe message."""
    decline_code = exc.error.decline_code if exc.error is not None else None
    log.info("Card declined while trying to %s: %s/%s", action, exc.code, decline_code)
    return CardError(exc.user_message or DECLINED_MESSAGE, code=exc.code or "card_declined")


def _refund_refusal(exc: stripe.StripeError, action: str) -> PaymentError | None:
    """Stripe's refusals of a refund that the caller acts on, or None for other errors."""
    if not isinstance(exc, stripe.InvalidRequestError):
        return None
    if exc.code == CHARGE_ALREADY_REFUNDED:
        # Done already, by another key or in the Dashboard: the caller treats it as done.
        log.info("Stripe says the charge is refunded already (trying to %s)", action)
        return AlreadyRefunded(ALREADY_REFUNDED_MESSAGE)
    if NO_SUCCESSFUL_CHARGE in (exc.user_message or ""):
        log.warning("Stripe found nothing to refund trying to %s: %s", action, _describe(exc))
        return NotRefundable(NOT_REFUNDABLE_MESSAGE)
    return None


def _rate_limited(exc: stripe.StripeError, action: str) -> PaymentError:
    """Too many requests: transient, tell the shopper when to try again."""
    retry_after = _retry_after(exc.headers)
    log.warning("Stripe rate-limited us trying to %s; retry after %ss", action, retry_after)
    return ProviderUnavailable(BUSY_MESSAGE, retry_after=retry_after)


def _conflict(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe is still running an earlier request with our idempotency key: try again soon."""
    # A double submit: once the first request finishes, the same key replays its result.
    log.warning(
        "Stripe is still processing an earlier request with the same idempotency key "
        "while we tried to %s: %s",
        action,
        _describe(exc),
    )
    return ProviderUnavailable(BUSY_MESSAGE, retry_after=DEFAULT_RETRY_AFTER)


def _unreachable(exc: stripe.StripeError, action: str) -> PaymentError:
    """No answer, or a timeout, even after stripe-python's own retries."""
    log.warning("Could not reach Stripe to %s: %s", action, redact(exc.user_message or ""))
    return ProviderUnavailable(UNREACHABLE_MESSAGE, retry_after=DEFAULT_RETRY_AFTER)


def _misconfigured(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe refused our key (401) or its rights (403, e.g. a restricted key that may not
    refund): the owner must fix STRIPE_SECRET_KEY; the shopper gets an outage's 503."""
    log.error(
        "Stripe refused our API key trying to %s (check STRIPE_SECRET_KEY and its "
        "permissions): %s %s",
        action,
        type(exc).__name__,
        _describe(exc),
    )
    return ProviderMisconfigured(UNAVAILABLE_MESSAGE, retry_after=MISCONFIGURED_RETRY_AFTER)


def _rejected_request(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe refused our request: a bug on our side, or a refusal the owner must act on (a
    refund with too little balance: `balance_insufficient`); a 502 and a detailed log."""
    log.error("Stripe rejected our request to %s: %s", action, _describe(exc))
    return PaymentError(REJECTED_MESSAGE)


def _provider_error(exc: stripe.StripeError, action: str) -> PaymentError:
    """Stripe had an internal problem that its retries did not get past."""
    log.error("Stripe failed internally while we tried to %s: %s", action, _describe(exc))
    return ProviderUnavailable(UNREACHABLE_MESSAGE, retry_after=DEFAULT_RETRY_AFTER)


# Most specific first: stripe-python's error classes are siblings today, but order guards that.
_TRANSLATIONS: tuple[
    tuple[type[stripe.StripeError], Callable[[stripe.StripeError, str], PaymentError]], ...
] = (
    (stripe.CardError, _card_declined),
    (stripe.RateLimitError, _rate_limited),
    (stripe.APIConnectionError, _unreachable),
    (stripe.AuthenticationError, _misconfigured),
    (stripe.PermissionError, _misconfigured),
    (stripe.InvalidRequestError, _rejected_request),
    (stripe.IdempotencyError, _rejected_request),
    (stripe.APIError, _provider_error),
)


def _describe(exc: stripe.StripeError) -> str:
    """Status, code, param, request id and message of a Stripe error, secrets masked."""
    param = getattr(exc, "param", None)
    return redact(
        f"status={exc.http_status} code={exc.code} param={param} "
        f"request_id={exc.request_id} message={exc.user_message!r}"
    )


def _reason(exc: stripe.StripeError) -> str:
    """Stripe's code (and decline code) and message, for the owner; secrets masked."""
    decline_code = exc.error.decline_code if exc.error is not None else None
    code = f"{exc.code} ({decline_code})" if exc.code and decline_code else exc.code
    message = exc.user_message or type(exc).__name__
    return redact(f"{code}: {message}" if code else message)


def _retry_after(headers: Mapping[str, str] | None) -> int:
    """Seconds from a Retry-After header (whole seconds only), else the default."""
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after" and value.strip().isdigit():
            return max(1, int(value.strip()))
    return DEFAULT_RETRY_AFTER

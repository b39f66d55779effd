"""Stripe's test-card rules for the demo gateway: which card numbers pay, decline or need 3DS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Result = Literal["succeeded", "requires_action", "processing", "declined"]

# Stripe's shopper-facing texts for each error code, so the demo reads like the real thing.
MESSAGES = {
    "card_declined": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "incorrect_number": "Your card number is incorrect.",
    "expired_card": "Your card has expired.",
    "invalid_cvc": "Your card's security code is invalid.",
    "invalid_expiry_month": "Your card's expiration month is invalid.",
    "invalid_expiry_year": "Your card's expiration year is invalid.",
    "payment_intent_authentication_failure": (
        "We are unable to authenticate your payment method. "
        "Please choose a different payment method and try again."
    ),
}

SUCCEEDS = "4242424242424242"
GENERIC_DECLINE = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
REQUIRES_AUTHENTICATION = "4000002500003155"
# Pays; a refund of it succeeds at first, then fails (Stripe: refund.failed,
# failure_reason expired_or_canceled_card).
REFUND_FAILS = "4000000000005126"
REFUND_FAILURE_REASON = "expired_or_canceled_card"


@dataclass(frozen=True)
class Card:
    """Card details as typed by the shopper; used to decide an outcome, never stored."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str


@dataclass(frozen=True)
class CardOutcome:
    """What Stripe's test mode would do with a card: pay, ask for 3DS, or refuse it."""

    result: Result
    code: str | None = None
    decline_code: str | None = None
    message: str | None = None


SUCCESS = CardOutcome("succeeded")
NEEDS_AUTHENTICATION = CardOutcome("requires_action")


def refusal(code: str, decline_code: str | None = None) -> CardOutcome:
    """A declined outcome with Stripe's message for the most specific code."""
    message = MESSAGES.get(decline_code or code, MESSAGES[code])
    return CardOutcome("declined", code, decline_code, message)


def authentication_failure() -> CardOutcome:
    """The outcome of a 3D Secure challenge the shopper failed or cancelled."""
    return refusal("payment_intent_authentication_failure")


def normalise_number(number: str) -> str:
    """Drop the spaces and dashes people type between groups of digits."""
    return number.replace(" ", "").replace("-", "")


def luhn_valid(number: str) -> bool:
    """Whether a digit string passes the Luhn checksum every card number carries."""
    if not number.isascii() or not number.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def full_year(exp_year: int) -> int:
    """Read a two-digit expiry year (``30``) as this century, like card forms do."""
    return exp_year + 2000 if 0 <= exp_year < 100 else exp_year


def is_expired(exp_month: int, exp_year: int, today: date) -> bool:
    """A card is valid through the last day of its expiry month."""
    return (full_year(exp_year), exp_month) < (today.year, today.month)


def card_outcome(card: Card, today: date) -> CardOutcome:
    """Decide a confirmation attempt the way Stripe's test mode does for these cards."""
    number = normalise_number(card.number)
    if not 12 <= len(number) <= 19 or not luhn_valid(number):
        return refusal("incorrect_number")
    if not 1 <= card.exp_month <= 12:
        return refusal("invalid_expiry_month")
    if not 2000 <= full_year(card.exp_year) <= today.year + 50:
        return refusal("invalid_expiry_year")
    if is_expired(card.exp_month, card.exp_year, today):
        return refusal("expired_card")
    if not (card.cvc.isascii() and card.cvc.isdigit() and 3 <= len(card.cvc) <= 4):
        return refusal("invalid_cvc")
    if number in (SUCCEEDS, REFUND_FAILS):
        return SUCCESS
    if number == REQUIRES_AUTHENTICATION:
        return NEEDS_AUTHENTICATION
    if number == INSUFFICIENT_FUNDS:
        return refusal("card_declined", "insufficient_funds")
    # 4000 0000 0000 0002 and every other valid number: Stripe's generic decline.
    return refusal("card_declined", "generic_decline")


def card_details(card: Card) -> dict[str, object]:
    """The card as a Charge's payment_method_details shows it: brand and last four digits."""
    number = normalise_number(card.number)
    if number.startswith("4"):
        brand = "visa"
    elif number[:2] in {"34", "37"}:
        brand = "amex"
    elif number[:2] in {"51", "52", "53", "54", "55"} or "2221" <= number[:4] <= "2720":
        brand = "mastercard"
    else:
        brand = "unknown"
    return {"type": "card", "card": {"brand": brand, "last4": number[-4:]}}


def refund_fails_later(details: dict[str, object] | None) -> bool:
    """Whether a refund of a payment made this way fails after it was made: the card is
    REFUND_FAILS (known by its last four digits: the number is never stored)."""
    card = details.get("card") if details else None
    return isinstance(card, dict) and card.get("last4") == REFUND_FAILS[-4:]


# Stripe's SEPA Direct Debit test IBANs: the payment is `processing`, then succeeds or fails.
SEPA_SUCCEEDS = "DE89370400440532013000"
SEPA_FAILS = "DE62370400440532013001"
SEPA_FAILURE = CardOutcome(
    "declined",
    "insufficient_funds",
    None,
    "Your bank account has insufficient funds to cover this payment.",
)
INVALID_IBAN = CardOutcome(
    "declined",
    "invalid_bank_account_iban",
    None,
    f"Use a test IBAN: {SEPA_SUCCEEDS} succeeds, {SEPA_FAILS} fails.",
)
PROCESSING = CardOutcome("processing")


def sepa_outcome(iban: str) -> CardOutcome:
    """What submitting this IBAN does now: start processing, or refuse an unknown account."""
    normalised = iban.replace(" ", "").upper()
    return PROCESSING if normalised in (SEPA_SUCCEEDS, SEPA_FAILS) else INVALID_IBAN


def sepa_details(iban: str) -> dict[str, object]:
    """The debit as a Charge's payment_method_details shows it: the account's last four."""
    return {"type": "sepa_debit", "sepa_debit": {"last4": iban.replace(" ", "")[-4:]}}


def sepa_settlement(details: dict[str, object] | None) -> CardOutcome:
    """How a processing debit ends, a few seconds later: by the test IBAN it was made with."""
    debit = details.get("sepa_debit") if details else None
    last4 = debit.get("last4") if isinstance(debit, dict) else None
    return SUCCESS if last4 == SEPA_SUCCEEDS[-4:] else SEPA_FAILURE

"""Stripe's test-card table as the demo gateway applies it."""

from datetime import date

import pytest

from bookstore.payments.demo.cards import (
    Card,
    authentication_failure,
    card_outcome,
    is_expired,
    luhn_valid,
)

TODAY = date(2026, 11, 27)


def card(number: str, exp_month: int = 12, exp_year: int = 2030, cvc: str = "123") -> Card:
    """A card that is valid in every way except what a test changes."""
    return Card(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc)


@pytest.mark.parametrize(
    ("number", "result", "code", "decline_code", "message"),
    [
        ("4242424242424242", "succeeded", None, None, None),
        ("4242 4242 4242 4242", "succeeded", None, None, None),
        ("4000002500003155", "requires_action", None, None, None),
        (
            "4000000000000002",
            "declined",
            "card_declined",
            "generic_decline",
            "Your card was declined.",
        ),
        (
            "4000000000009995",
            "declined",
            "card_declined",
            "insufficient_funds",
            "Your card has insufficient funds.",
        ),
        # Luhn-valid numbers outside the table are declined, like an unknown card would be.
        (
            "5555555555554444",
            "declined",
            "card_declined",
            "generic_decline",
            "Your card was declined.",
        ),
        (
            "4242424242424241",
            "declined",
            "incorrect_number",
            None,
            "Your card number is incorrect.",
        ),
        ("42424242", "declined", "incorrect_number", None, "Your card number is incorrect."),
        (
            "4242abcd42424242",
            "declined",
            "incorrect_number",
            None,
            "Your card number is incorrect.",
        ),
        ("", "declined", "incorrect_number", None, "Your card number is incorrect."),
    ],
)
def test_card_numbers_follow_stripes_test_cards(
    number: str, result: str, code: str | None, decline_code: str | None, message: str | None
) -> None:
    outcome = card_outcome(card(number), TODAY)

    assert (outcome.result, outcome.code, outcome.decline_code, outcome.message) == (
        result,
        code,
        decline_code,
        message,
    )


@pytest.mark.parametrize(
    ("exp_month", "exp_year", "cvc", "code", "message"),
    [
        (10, 2026, "123", "expired_card", "Your card has expired."),
        (12, 2025, "123", "expired_card", "Your card has expired."),
        (10, 26, "123", "expired_card", "Your card has expired."),
        (12, 2030, "12", "invalid_cvc", "Your card's security code is invalid."),
        (12, 2030, "12345", "invalid_cvc", "Your card's security code is invalid."),
        (12, 2030, "12a", "invalid_cvc", "Your card's security code is invalid."),
        (12, 2030, "", "invalid_cvc", "Your card's security code is invalid."),
        (13, 2030, "123", "invalid_expiry_month", "Your card's expiration month is invalid."),
        (0, 2030, "123", "invalid_expiry_month", "Your card's expiration month is invalid."),
        (12, 3030, "123", "invalid_expiry_year", "Your card's expiration year is invalid."),
    ],
)
def test_expiry_and_cvc_problems_refuse_even_the_paying_card(
    exp_month: int, exp_year: int, cvc: str, code: str, message: str
) -> None:
    outcome = card_outcome(card("4242424242424242", exp_month, exp_year, cvc), TODAY)

    assert (outcome.result, outcome.code, outcome.decline_code, outcome.message) == (
        "declined",
        code,
        None,
        message,
    )


@pytest.mark.parametrize(
    ("exp_month", "exp_year", "cvc"),
    [(11, 2026, "123"), (1, 2027, "1234"), (12, 30, "000")],
)
def test_cards_valid_through_their_expiry_month_with_3_or_4_digit_cvc_pay(
    exp_month: int, exp_year: int, cvc: str
) -> None:
    outcome = card_outcome(card("4242424242424242", exp_month, exp_year, cvc), TODAY)

    assert outcome.result == "succeeded"


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("4242424242424242", True),
        ("4000002500003155", True),
        ("79927398713", True),
        ("79927398710", False),
        ("4242424242424243", False),
        ("0", True),
        ("", False),
        ("12a4", False),
        ("\uff14\uff12\uff14\uff12", False),  # full-width digits are not card digits
    ],
)
def test_luhn_checksum(number: str, valid: bool) -> None:
    assert luhn_valid(number) is valid


@pytest.mark.parametrize(
    ("exp_month", "exp_year", "expired"),
    [(11, 2026, False), (10, 2026, True), (12, 2025, True), (1, 2027, False)],
)
def test_a_card_expires_after_the_last_day_of_its_month(
    exp_month: int, exp_year: int, expired: bool
) -> None:
    assert is_expired(exp_month, exp_year, TODAY) is expired


def test_failed_authentication_uses_stripes_message() -> None:
    outcome = authentication_failure()

    assert outcome.result == "declined"
    assert outcome.code == "payment_intent_authentication_failure"
    assert outcome.message == (
        "We are unable to authenticate your payment method. "
        "Please choose a different payment method and try again."
    )

"""axe-core finds no WCAG 2.0-2.2 A/AA violation in any state of checkout and the success page."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from accessibility import expect_no_axe_violations
from e2e_servers import Servers
from playwright.sync_api import Page, expect
from shopping import (
    AUTH_CARD,
    DECLINED_CARD,
    SHOPPER,
    SUCCESS_CARD,
    add_to_cart,
    checkout_one_book,
    expect_paid,
    expect_quote,
    fill_contact_and_shipping,
    first_books,
    go_to_checkout,
    open_checkout,
    pay_by_api,
    pay_with,
)

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def check(page: Page, screenshot: Callable[[str], None]) -> Callable[[str], None]:
    """Save a screenshot of the page's state, then fail on any axe violation in it."""

    def take(state: str) -> None:
        screenshot(f"a11y-{state}")
        expect_no_axe_violations(page, state)

    return take


def fill_card(page: Page, card: str) -> None:
    """Fill the Payment Element (the demo stand-in) without paying."""
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiration date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")


def open_checkout_for_one_book(page: Page, servers: Servers) -> None:
    """Put the first book in the cart and open checkout, with nothing typed in yet."""
    (book,) = first_books(servers, 1)
    add_to_cart(page, book)
    open_checkout(page)
    expect(page.get_by_label("Card number")).to_be_editable()


def new_payment_intent(servers: Servers, book: dict[str, Any]) -> dict[str, Any]:
    """Pay for one book through the API, as another browser would, without confirming."""
    return pay_by_api(servers, {book["id"]: 1})


def test_checkout_before_any_details_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """Checkout once loading is done: contact, address and card forms empty, Pay disabled."""
    open_checkout_for_one_book(fresh_page, servers)
    # Until shipping and tax are quoted, Pay names no amount rather than the bare subtotal.
    expect(fresh_page.get_by_role("button", name="Pay", exact=True)).to_be_disabled()
    check("checkout")


def test_checkout_with_an_address_entered_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """Email and address given: delivery options, shipping, tax and total quoted."""
    checkout_one_book(fresh_page, servers)
    check("checkout-address-entered")


def test_checkout_with_delivery_changed_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """Express chosen instead of Standard, and the new total quoted."""
    checkout_one_book(fresh_page, servers)
    fresh_page.get_by_role("radio", name=re.compile(r"^Express")).check()
    expect_quote(fresh_page, delivery="Express")
    check("checkout-delivery-changed")


def test_checkout_with_an_address_the_server_refuses_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """A ZIP code the server does not accept: its message beside the address, Pay disabled."""
    open_checkout_for_one_book(fresh_page, servers)
    wrong = replace(SHOPPER, postal_code="1234")
    fill_contact_and_shipping(fresh_page, wrong)
    shipping = fresh_page.get_by_role("region", name="Shipping address")
    expect(shipping.get_by_role("alert")).to_contain_text("Not a postal code", timeout=15000)
    expect(fresh_page.get_by_role("button", name=re.compile(r"^Pay\b"))).to_be_disabled()
    check("checkout-address-error")


def test_checkout_with_field_errors_in_the_forms_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """An invalid email and an emptied required address field, marked as the shopper leaves them."""
    open_checkout_for_one_book(fresh_page, servers)
    email = fresh_page.get_by_label("Email", exact=True)
    email.fill("ada.reader@")
    email.blur()
    name = fresh_page.get_by_label("Full name")
    name.fill("A")
    name.fill("")
    name.blur()
    expect(fresh_page.get_by_text("Your email address is invalid.")).to_be_visible()
    expect(fresh_page.get_by_text("This field is incomplete.")).to_be_visible()
    check("checkout-field-errors")


def test_checkout_with_card_filled_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """Checkout with every detail and a complete card, before paying."""
    checkout_one_book(fresh_page, servers)
    fill_card(fresh_page, SUCCESS_CARD)
    check("checkout-card-filled")


def test_checkout_card_field_errors_have_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """Pay pressed with an empty card form: every card field shows its error."""
    checkout_one_book(fresh_page, servers)
    fresh_page.get_by_role("button", name=re.compile(r"^Pay\b")).click()
    expect(fresh_page.get_by_label("Card number")).to_have_attribute("aria-invalid", "true")
    check("checkout-card-errors")


def test_checkout_declined_card_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """The decline message after paying with 4000 0000 0000 0002."""
    checkout_one_book(fresh_page, servers)
    pay_with(fresh_page, DECLINED_CARD)
    alert = fresh_page.get_by_role("alert").filter(has_text="Your card was declined.")
    expect(alert).to_be_visible()
    check("checkout-declined")


def test_checkout_authentication_dialog_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """The 3-D Secure dialog the 3155 card asks for."""
    checkout_one_book(fresh_page, servers)
    pay_with(fresh_page, AUTH_CARD)
    expect(fresh_page.get_by_role("dialog", name="Authenticate payment")).to_be_visible()
    check("checkout-3ds")


def test_checkout_sepa_debit_with_an_iban_error_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """SEPA Direct Debit chosen: the IBAN form, its mandate and test IBANs, and its error."""
    checkout_one_book(fresh_page, servers)
    fresh_page.get_by_role("radio", name="SEPA Direct Debit").check()
    iban = fresh_page.get_by_label("IBAN")
    iban.fill("DE00 1234")
    fresh_page.get_by_role("button", name=re.compile(r"^Pay\b")).click()
    expect(iban).to_have_attribute("aria-invalid", "true")
    check("checkout-sepa-error")


def test_demo_bank_page_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """The demo bank's approval page a redirect payment method leaves the shop for."""
    checkout_one_book(fresh_page, servers)
    fresh_page.get_by_role("radio", name=re.compile(r"^Bank redirect")).check()
    fresh_page.get_by_role("button", name=re.compile(r"^Pay\b")).click()
    expect(fresh_page.get_by_role("button", name="Approve payment")).to_be_visible(timeout=15000)
    check("demo-bank")


def test_checkout_after_the_bank_refused_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """Back from the bank with the payment failed: checkout says so, details kept."""
    checkout_one_book(fresh_page, servers)
    fresh_page.get_by_role("radio", name=re.compile(r"^Bank redirect")).check()
    fresh_page.get_by_role("button", name=re.compile(r"^Pay\b")).click()
    fresh_page.get_by_role("button", name="Fail payment").click()
    alert = fresh_page.get_by_role("alert").filter(has_text="Your payment was not completed")
    expect(alert).to_be_visible(timeout=20000)
    expect_quote(fresh_page)
    check("checkout-bank-refused")


def test_checkout_with_an_empty_cart_has_no_axe_violations(
    page: Page, check: Callable[[str], None]
) -> None:
    """/checkout visited with nothing in the cart."""
    page.goto("/checkout")
    expect(page.get_by_text("Your cart is empty")).to_be_visible()
    check("checkout-empty")


def test_phone_sized_checkout_has_no_axe_violations(
    page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """Checkout on a 375 px wide screen, every detail and the card filled."""
    page.set_viewport_size(PHONE)
    page.goto("/")
    (book,) = first_books(servers, 1)
    add_to_cart(page, book)
    go_to_checkout(page, book["price"])
    fill_card(page, SUCCESS_CARD)
    check("checkout-phone")


def test_success_page_of_a_paid_order_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """The confirmation once the webhook has marked the order paid."""
    _book, quote = checkout_one_book(fresh_page, servers)
    pay_with(fresh_page, SUCCESS_CARD)
    expect_paid(fresh_page, servers, quote.total)
    check("success")


def test_success_page_of_a_processing_debit_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """A SEPA debit just submitted: the success page says it is processing."""
    checkout_one_book(fresh_page, servers)
    fresh_page.get_by_role("radio", name="SEPA Direct Debit").check()
    fresh_page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    fresh_page.get_by_role("button", name=re.compile(r"^Pay\b")).click()
    processing = fresh_page.get_by_role("heading", name="Your payment is processing")
    expect(processing).to_be_visible(timeout=20000)
    check("success-processing")


def test_success_page_with_a_wrong_secret_has_no_axe_violations(
    page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """A direct visit whose client secret proves nothing: the not-found state."""
    (book,) = first_books(servers, 1)
    intent = new_payment_intent(servers, book)
    page.goto(
        f"/success?payment_intent={intent['paymentIntentId']}"
        "&payment_intent_client_secret=pi_guess_secret_x"
    )
    expect(page.get_by_text("We couldn't find that order")).to_be_visible()
    check("success-not-found")


def test_success_page_of_an_unpaid_order_has_no_axe_violations(
    page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """A direct visit for an order that was never paid: "not completed"."""
    (book,) = first_books(servers, 1)
    intent = new_payment_intent(servers, book)
    page.goto(
        f"/success?payment_intent={intent['paymentIntentId']}"
        f"&payment_intent_client_secret={intent['clientSecret']}"
    )
    expect(page.get_by_text("Your payment was not completed")).to_be_visible()
    check("success-not-completed")

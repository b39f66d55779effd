"""Demo mode's other ways to pay (a bank redirect, a SEPA debit) and a total that changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from e2e_servers import Servers
from playwright.sync_api import Page, expect
from shopping import (
    BANK_REDIRECT,
    SEPA_DEBIT,
    SEPA_FAILURE_IBAN,
    SEPA_SUCCESS_IBAN,
    SHOPPER,
    SUCCESS_CARD,
    Shopper,
    checkout_one_book,
    expect_paid,
    expect_quote,
    fill_contact_and_shipping,
    money,
    order_by_intent,
    order_on_server,
    order_summary,
    pay_by_bank_redirect,
    pay_by_sepa_debit,
    pay_with,
)

# A German address: no state, a five-digit postal code, the Europe zone's rates.
BERLIN = Shopper(
    email=SHOPPER.email,
    name=SHOPPER.name,
    line1="Unter den Linden 77",
    city="Berlin",
    state="",
    postal_code="10117",
    country="Germany",
    state_label="",
    postal_label="Postal code",
)
# The server's example tables (backend/bookstore/checkout/shipping.py and tax.py) for Germany.
EUROPE_STANDARD = 1499
GERMAN_VAT_BASIS_POINTS = 700

BANK_PAGE = re.compile(r"/demo/bank/(pi_[^/?]+)\?")
# Long enough for the demo's ~4 s settlement timer, its webhook and the page's next poll.
SETTLES_WITHIN_MS = 30_000


def leave_for_bank(page: Page) -> tuple[str, str]:
    """Pay by bank redirect; on the demo bank's page, return its PaymentIntent id and secret."""
    pay_by_bank_redirect(page)
    page.wait_for_url(BANK_PAGE, timeout=15000)
    expect(page.get_by_role("heading", name="Demo Bank")).to_be_visible()
    match = BANK_PAGE.search(page.url)
    assert match is not None
    secret = parse_qs(urlparse(page.url).query)["client_secret"][0]
    return match.group(1), secret


def test_bank_redirect_approved_pays(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """Approving on the demo bank's page returns to the success page, paid, by return_url."""
    page = fresh_page
    _book, quote = checkout_one_book(page, servers)
    intent, _secret = leave_for_bank(page)
    # The bank asks for exactly the total the checkout showed ("37.43 USD").
    amount = f"{quote.total // 100}.{quote.total % 100:02d} USD"
    expect(page.get_by_role("definition").filter(has_text=amount)).to_be_visible()
    screenshot("bank-redirect-bank-page")
    page.get_by_role("button", name="Approve payment").click()

    page.wait_for_url(re.compile(r"/success\?"), timeout=15000)
    query = parse_qs(urlparse(page.url).query)
    assert query["redirect_status"] == ["succeeded"]
    assert query["payment_intent"] == [intent]
    order = expect_paid(page, servers, quote.total)
    assert order["paymentMethod"] == BANK_REDIRECT
    details = page.get_by_role("region", name="Order details")
    expect(details.get_by_text(BANK_REDIRECT)).to_be_visible()
    expect(details.get_by_text(order["orderNumber"])).to_be_visible()
    screenshot("bank-redirect-success")


def test_bank_redirect_failed_returns_to_checkout_unpaid(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """Failing on the bank's page brings the shopper back to checkout, cart kept, unpaid."""
    page = fresh_page
    checkout_one_book(page, servers)
    intent, secret = leave_for_bank(page)
    page.get_by_role("button", name="Fail payment").click()

    page.wait_for_url(re.compile(r"/checkout"), timeout=15000)
    expect(
        page.get_by_role("alert").filter(has_text="Your bank didn't approve the payment")
    ).to_be_visible(timeout=15000)
    expect(page.get_by_role("heading", name="Thank you for your order")).to_have_count(0)
    # The cart is kept: nothing was paid.
    expect(page.get_by_role("button", name=re.compile(r"^Cart \(1 item"))).to_be_visible()
    screenshot("bank-redirect-failed")
    assert urlparse(page.url).path == "/checkout"
    assert order_by_intent(servers, intent, secret)["status"] != "paid"


def test_sepa_debit_processing_then_paid_by_webhook(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """The success IBAN is processing at first; the page turns to paid when the webhook lands."""
    page = fresh_page
    events_before = servers.processed_events("payment_intent.succeeded")
    _book, quote = checkout_one_book(page, servers)
    pay_by_sepa_debit(page, SEPA_SUCCESS_IBAN)

    expect(page.get_by_role("heading", name="Your payment is processing")).to_be_visible(
        timeout=15000
    )
    expect(page.get_by_role("status").filter(has_text="Your bank is confirming")).to_be_visible()
    assert order_on_server(servers, page)["status"] != "paid"
    screenshot("sepa-processing")

    # No reload: the page asks the server again until the bank's answer has arrived.
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible(
        timeout=SETTLES_WITHIN_MS
    )
    order = expect_paid(page, servers, quote.total)
    assert order["paymentMethod"].startswith(SEPA_DEBIT)
    expect(page.get_by_text(order["paymentMethod"])).to_be_visible()
    assert servers.processed_events("payment_intent.succeeded") == events_before + 1
    screenshot("sepa-paid")


def test_sepa_debit_failing_iban_ends_failed(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """The failing IBAN is processing, then the bank refuses it: the order and the page say so."""
    page = fresh_page
    checkout_one_book(page, servers)
    pay_by_sepa_debit(page, SEPA_FAILURE_IBAN)

    expect(page.get_by_role("heading", name="Your payment is processing")).to_be_visible(
        timeout=15000
    )
    refused = page.get_by_role("alert").filter(has_text="Your payment was not completed")
    expect(refused).to_be_visible(timeout=SETTLES_WITHIN_MS)
    expect(refused).to_contain_text("insufficient funds")
    expect(refused).to_contain_text("No money was taken")
    expect(page.get_by_role("heading", name="Thank you for your order")).to_have_count(0)
    order = order_on_server(servers, page)
    assert order["status"] == "failed"
    assert "insufficient funds" in (order["failureMessage"] or "")
    screenshot("sepa-failed")


def test_address_change_reprices_and_charges_the_new_total(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """New York, then Berlin: the summary, Pay and the charge all follow the server's new quote."""
    page = fresh_page
    book, us_quote = checkout_one_book(page, servers)
    announcement = page.get_by_test_id("total-announcement")
    expect(announcement).to_contain_text(f"Order total {money(us_quote.total)}")
    screenshot("address-change-new-york")

    fill_contact_and_shipping(page, BERLIN)
    shipping = EUROPE_STANDARD
    tax = ((book["price"] + shipping) * GERMAN_VAT_BASIS_POINTS + 5000) // 10000
    total = book["price"] + shipping + tax
    assert total != us_quote.total
    # The summary and Pay wait for the server's quote for the new address.
    summary = page.get_by_role("region", name="Order summary")
    expect(summary.locator("dd").last).to_have_text(money(total), timeout=15000)
    pay = page.get_by_role("button", name=f"Pay {money(total)}")
    expect(pay).to_be_enabled(timeout=15000)
    german_quote = expect_quote(page)
    assert (german_quote.subtotal, german_quote.shipping, german_quote.tax) == (
        book["price"],
        shipping,
        tax,
    )
    assert order_summary(page) == german_quote
    assert (german_quote.shipping, german_quote.tax) != (us_quote.shipping, us_quote.tax)
    expect(announcement).to_contain_text(f"Order total {money(total)}")
    screenshot("address-change-berlin")

    pay_with(page, SUCCESS_CARD)
    order = expect_paid(page, servers, total, BERLIN)
    assert (order["subtotal"], order["shippingAmount"], order["taxAmount"]) == (
        book["price"],
        shipping,
        tax,
    )
    assert order["shipping"]["country"] == "DE"
    screenshot("address-change-success")

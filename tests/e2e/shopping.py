"""Steps of a purchase in the shop, shared by the end-to-end tests."""

from __future__ import annotations

import json
import re
import secrets
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

from e2e_servers import Servers
from playwright.sync_api import Locator, Page, expect

SUCCESS_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
AUTH_CARD = "4000 0025 0000 3155"
# The demo Payment Element's other methods, and the test IBANs of its SEPA Direct Debit.
BANK_REDIRECT = "Bank redirect (demo bank)"
SEPA_DEBIT = "SEPA Direct Debit"
SEPA_SUCCESS_IBAN = "DE89370400440532013000"
SEPA_FAILURE_IBAN = "DE62370400440532013001"


def first_books(servers: Servers, count: int) -> list[dict[str, Any]]:
    """The first books of the catalogue, as the server sells them."""
    books: list[dict[str, Any]] = servers.get_json("/api/books")["books"]
    assert len(books) >= count
    return books[:count]


def money(cents: int) -> str:
    """Format US cents the way the shop does (Intl.NumberFormat en-US)."""
    return f"${cents / 100:,.2f}"


def add_to_cart(page: Page, book: dict[str, Any]) -> None:
    """Press a book's Add to cart button on the shop page."""
    page.get_by_role("button", name=f"Add to cart: {book['title']}").click()


@dataclass(frozen=True)
class Shopper:
    """Who buys and where the books go, as typed into checkout's contact and address forms."""

    email: str
    name: str
    line1: str
    city: str
    state: str
    postal_code: str
    country: str = "United States"
    state_label: str = "State"
    postal_label: str = "ZIP code"


# New York charges tax in the shop's example table, so a quote has every part.
SHOPPER = Shopper(
    email="ada.reader@example.com",
    name="Ada Reader",
    line1="350 Fifth Avenue",
    city="New York",
    state="NY",
    postal_code="10118",
)


@dataclass(frozen=True)
class Quote:
    """The order summary's amounts, in cents."""

    subtotal: int
    shipping: int
    tax: int
    total: int


def cents(text: str) -> int:
    """ "$1,234.56" (or "Free") as cents."""
    if text.strip().lower() == "free":
        return 0
    return round(float(text.strip().lstrip("$").replace(",", "")) * 100)


def open_checkout(page: Page) -> None:
    """Open the cart, press Checkout, and wait for the summary and the contact form."""
    page.get_by_role("button", name=re.compile(r"^Cart \(")).click()
    cart = page.get_by_role("dialog", name="Your cart")
    cart.get_by_role("link", name="Checkout").or_(
        cart.get_by_role("button", name="Checkout")
    ).click()
    expect(page.get_by_role("heading", name="Order summary")).to_be_visible()
    expect(page.get_by_label("Email", exact=True)).to_be_editable(timeout=15000)


def fill_contact_and_shipping(page: Page, shopper: Shopper = SHOPPER) -> None:
    """Type the email and the shipping address into checkout's forms."""
    page.get_by_label("Email", exact=True).fill(shopper.email)
    page.get_by_label("Country or region").select_option(label=shopper.country)
    page.get_by_label("Full name").fill(shopper.name)
    page.get_by_label("Address line 1").fill(shopper.line1)
    page.get_by_label("City", exact=True).fill(shopper.city)
    if shopper.state_label:
        page.get_by_label(shopper.state_label, exact=True).fill(shopper.state)
    page.get_by_label(shopper.postal_label, exact=True).fill(shopper.postal_code)


def order_summary(page: Page) -> Quote:
    """The amounts the order summary shows now, read from its terms and definitions."""
    summary = page.get_by_role("region", name="Order summary")
    terms = summary.locator("dt").all_inner_texts()
    values = summary.locator("dd").all_inner_texts()
    rows = {
        term.split(" (")[0].strip(): cents(value) for term, value in zip(terms, values, strict=True)
    }
    return Quote(rows["Subtotal"], rows["Shipping"], rows["Tax"], rows["Total"])


def expect_quote(page: Page, delivery: str = "Standard") -> Quote:
    """Wait for the server's quote with this delivery method, payable; return what it shows."""
    summary = page.get_by_role("region", name="Order summary")
    expect(summary.get_by_text(f"Shipping ({delivery})")).to_be_visible(timeout=15000)
    pay = page.get_by_role("button", name=re.compile(r"^Pay\b"))
    expect(pay).to_be_enabled(timeout=15000)
    quote = order_summary(page)
    assert quote.total == quote.subtotal + quote.shipping + quote.tax
    expect(pay).to_have_accessible_name(f"Pay {money(quote.total)}")
    return quote


def go_to_checkout(page: Page, subtotal: int, shopper: Shopper = SHOPPER) -> Quote:
    """Open checkout, give contact and shipping, and wait until the quote can be paid."""
    open_checkout(page)
    fill_contact_and_shipping(page, shopper)
    quote = expect_quote(page)
    assert quote.subtotal == subtotal
    return quote


def pay_with(page: Page, card: str) -> None:
    """Fill the Payment Element (the demo stand-in in demo mode) and press Pay."""
    page.get_by_label("Card number").fill(card)
    page.get_by_label("Expiration date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay\b")).click()


def pay_by_bank_redirect(page: Page) -> None:
    """Choose the demo bank's redirect method in the Payment Element and press Pay."""
    page.get_by_role("radio", name=BANK_REDIRECT).check()
    page.get_by_role("button", name=re.compile(r"^Pay\b")).click()


def pay_by_sepa_debit(page: Page, iban: str) -> None:
    """Choose SEPA Direct Debit in the Payment Element, type the IBAN and press Pay."""
    page.get_by_role("radio", name=SEPA_DEBIT).check()
    page.get_by_label("IBAN", exact=True).fill(iban)
    page.get_by_role("button", name=re.compile(r"^Pay\b")).click()


def order_by_intent(servers: Servers, intent: str, secret: str) -> dict[str, Any]:
    """What the API says of the order of this PaymentIntent (its client secret proves it)."""
    order: dict[str, Any] = servers.get_json(f"/api/orders/{intent}?client_secret={secret}")
    return order


def order_on_server(servers: Servers, page: Page) -> dict[str, Any]:
    """What the API says of the order named in the success page's URL."""
    query = parse_qs(urlparse(page.url).query)
    intent, secret = query["payment_intent"][0], query["payment_intent_client_secret"][0]
    return order_by_intent(servers, intent, secret)


def expect_paid(
    page: Page, servers: Servers, amount: int, shopper: Shopper = SHOPPER
) -> dict[str, Any]:
    """Success page and server agree: paid, for this amount, to this shopper and address."""
    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible(
        timeout=20000
    )
    order = order_on_server(servers, page)
    assert order["status"] == "paid"
    assert order["amount"] == amount
    assert order["email"] == shopper.email
    assert order["shipping"]["name"] == shopper.name
    assert order["shipping"]["postalCode"] == shopper.postal_code
    expect(page.get_by_text(shopper.email)).to_be_visible()
    expect(page.get_by_text(shopper.line1)).to_be_visible()
    expect(page.get_by_text(order["paymentIntentId"])).to_be_visible()
    expect(page.get_by_text(money(amount)).first).to_be_visible()
    # Paid carts are emptied: the header shows no items any more.
    expect(page.get_by_role("button", name=re.compile(r"^Cart \(0 item"))).to_be_visible()
    return order


def checkout_one_book(page: Page, servers: Servers) -> tuple[dict[str, Any], Quote]:
    """Put the first book in the cart, open checkout for it and give contact and shipping."""
    (book,) = first_books(servers, 1)
    add_to_cart(page, book)
    return book, go_to_checkout(page, book["price"])


def order_fact(page: Page, term: str) -> Locator:
    """One fact of the page's order details (Order number, Status, Email...): its <dd>."""
    details = page.get_by_role("region", name="Order details")
    term_cell = details.locator("dt").filter(has_text=re.compile(f"^{re.escape(term)}$"))
    return term_cell.locator("xpath=following-sibling::dd[1]")


def order_number_shown(page: Page) -> str:
    """The order number the page's order details show (success or lookup page)."""
    number = order_fact(page, "Order number")
    expect(number).to_have_text(re.compile(r"^SP-[A-Z0-9]{6}$"))
    return number.inner_text().strip()


def open_find_your_order(page: Page) -> None:
    """Follow the header's "Find your order" link and wait for its form."""
    page.get_by_role("banner").get_by_role("link", name="Find your order").click()
    expect(page.get_by_role("heading", level=1, name="Find your order")).to_be_visible()
    expect(page.get_by_label("Order number", exact=True)).to_be_editable()


def find_order(page: Page, number: str, email: str) -> None:
    """On "Find your order", type the order number and email and press Find order."""
    page.get_by_label("Order number", exact=True).fill(number)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_role("button", name="Find order").click()


def post_json(servers: Servers, path: str, body: dict[str, Any]) -> Any:
    """POST JSON to the API directly (not through the browser); its JSON answer."""
    request = urllib.request.Request(  # noqa: S310 (the test's own server)
        servers.api_url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return json.load(response)


def pay_by_api(
    servers: Servers, quantities: dict[str, int], email: str = SHOPPER.email
) -> dict[str, Any]:
    """Press Pay as another browser would, without confirming: a complete order for a new
    cart, its copies held and its PaymentIntent made (the API client's path, no token)."""
    shipping = {
        "name": SHOPPER.name,
        "address": {
            "line1": SHOPPER.line1,
            "city": SHOPPER.city,
            "state": SHOPPER.state,
            "postalCode": SHOPPER.postal_code,
            "country": "US",
        },
    }
    body = {
        "items": [{"id": book_id, "quantity": count} for book_id, count in quantities.items()],
        "cartId": f"cart_{secrets.token_hex(12)}",
        "email": email,
        "shipping": shipping,
        "deliveryMethod": "standard",
    }
    intent: dict[str, Any] = post_json(servers, "/create-payment-intent", body)
    return intent

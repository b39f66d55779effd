"""End-to-end purchases in demo mode, in Chromium, against the real Flask and Vite servers."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlparse

from e2e_servers import Servers
from playwright.sync_api import Locator, Page, expect
from shopping import (
    AUTH_CARD,
    DECLINED_CARD,
    SHOPPER,
    SUCCESS_CARD,
    add_to_cart,
    checkout_one_book,
    expect_paid,
    expect_quote,
    first_books,
    go_to_checkout,
    money,
    pay_by_api,
    pay_with,
)


def test_successful_purchase_of_two_books_with_express_delivery(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """Email, address and Express delivery; 4242... pays exactly the total shown, by webhook."""
    page = fresh_page
    events_before = servers.processed_events("payment_intent.succeeded")
    one, two = first_books(servers, 2)
    add_to_cart(page, one)
    add_to_cart(page, two)
    add_to_cart(page, two)
    screenshot("shop")
    subtotal = one["price"] + 2 * two["price"]
    standard = go_to_checkout(page, subtotal)
    screenshot("checkout")
    page.get_by_role("radio", name=re.compile(r"^Express")).check()
    express = expect_quote(page, delivery="Express")
    assert express.subtotal == subtotal
    assert express.shipping > standard.shipping
    assert express.total > standard.total
    # Screen readers hear the new total.
    expect(page.get_by_test_id("total-announcement")).to_contain_text(
        f"Order total {money(express.total)}"
    )
    screenshot("checkout-express")
    pay_with(page, SUCCESS_CARD)
    order = expect_paid(page, servers, express.total)
    assert [(line["id"], line["quantity"]) for line in order["items"]] == [
        (one["id"], 1),
        (two["id"], 2),
    ]
    assert (order["subtotal"], order["shippingAmount"], order["taxAmount"]) == (
        express.subtotal,
        express.shipping,
        express.tax,
    )
    assert order["delivery"]["method"] == "express"
    assert order["shipping"]["line1"] == SHOPPER.line1
    assert order["shipping"]["state"] == SHOPPER.state
    assert order["paymentIntentId"].startswith("pi_demo_")
    expect(page.get_by_text(re.compile(r"^Express: arrives in"))).to_be_visible()
    # The demo gateway marks orders paid only by delivering a signed event to the webhook handler.
    assert servers.processed_events("payment_intent.succeeded") == events_before + 1
    screenshot("success")


def test_declined_card_shows_the_reason_and_a_second_card_pays(
    fresh_page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """A decline keeps the shopper on checkout with Stripe's message; another card then pays
    the same PaymentIntent (one per cart)."""
    page = fresh_page
    _book, quote = checkout_one_book(page, servers)
    with page.expect_response(lambda r: r.url.endswith("/create-payment-intent")) as first:
        pay_with(page, DECLINED_CARD)
    assert first.value.status == 402
    expect(page.get_by_role("alert").filter(has_text="Your card was declined.")).to_be_visible()
    screenshot("checkout-declined")
    assert urlparse(page.url).path == "/checkout"
    with page.expect_response(lambda r: r.url.endswith("/create-payment-intent")) as second:
        pay_with(page, SUCCESS_CARD)
    order = expect_paid(page, servers, quote.total)
    assert second.value.json()["paymentIntentId"] == order["paymentIntentId"]
    # The declined attempt was on that same PaymentIntent: the order never had another.
    assert servers.payment_intents_of_order(order["paymentIntentId"]) == 1


def test_authentication_approved_pays(fresh_page: Page, servers: Servers) -> None:
    """The 3155 card asks for authentication; completing it pays the order."""
    page = fresh_page
    _book, quote = checkout_one_book(page, servers)
    pay_with(page, AUTH_CARD)
    dialog = page.get_by_role("dialog", name="Authenticate payment")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Complete authentication").click()
    expect_paid(page, servers, quote.total)


def test_authentication_failed_does_not_pay(fresh_page: Page, servers: Servers) -> None:
    """Failing authentication leaves the shopper on checkout with a clear message, unpaid."""
    page = fresh_page
    checkout_one_book(page, servers)
    pay_with(page, AUTH_CARD)
    dialog = page.get_by_role("dialog", name="Authenticate payment")
    dialog.get_by_role("button", name="Fail authentication").click()
    expect(page.get_by_role("alert").filter(has_text="unable to authenticate")).to_be_visible()
    expect(dialog).to_be_hidden()
    assert urlparse(page.url).path == "/checkout"
    # The cart is kept: nothing was paid.
    expect(page.get_by_role("button", name=re.compile(r"^Cart \(1 item"))).to_be_visible()


def test_cart_survives_a_reload(fresh_page: Page, servers: Servers) -> None:
    """Lines and quantities are still there after the page is reloaded."""
    page = fresh_page
    one, two = first_books(servers, 2)
    add_to_cart(page, one)
    add_to_cart(page, two)
    page.get_by_role("button", name=re.compile(r"^Cart \(")).click()
    page.get_by_role("button", name=f"Increase quantity of {two['title']}").click()
    expect(page.get_by_role("button", name=re.compile(r"^Cart \(3 items"))).to_be_attached()
    page.reload()
    expect(page.get_by_role("button", name=re.compile(r"^Cart \(3 items"))).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Cart \(")).click()
    cart = page.get_by_role("dialog", name="Your cart")
    expect(cart.get_by_text(one["title"])).to_be_visible()
    expect(cart.get_by_text(two["title"])).to_be_visible()
    expect(cart.get_by_text(money(one["price"] + 2 * two["price"]))).to_be_visible()


def test_demo_mode_never_requests_stripe_js(page: Page, servers: Servers) -> None:
    """In demo mode the browser never asks js.stripe.com for anything."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/")
    expect(page.get_by_text("Demo mode: no real payments")).to_be_visible()
    (book,) = first_books(servers, 1)
    add_to_cart(page, book)
    go_to_checkout(page, book["price"])
    # Everything the checkout loads has loaded: no request in flight for half a second.
    page.wait_for_load_state("networkidle")
    assert not [url for url in requested if "stripe.com" in url]


def test_phone_sized_purchase_with_the_keyboard(
    page: Page, servers: Servers, screenshot: Callable[[str], None]
) -> None:
    """On a 375 px wide screen, every step of a purchase works from the keyboard alone."""
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    (book,) = first_books(servers, 1)
    add_button = page.get_by_role("button", name=f"Add to cart: {book['title']}")
    add_button.focus()
    page.keyboard.press("Enter")
    cart_button = page.get_by_role("button", name=re.compile(r"^Cart \(1 item"))
    cart_button.focus()
    page.keyboard.press("Enter")
    cart = page.get_by_role("dialog", name="Your cart")
    expect(cart).to_be_visible()
    screenshot("cart-phone")
    page.keyboard.press("Escape")
    expect(cart).to_be_hidden()
    cart_button.focus()
    page.keyboard.press("Enter")
    checkout = cart.get_by_role("link", name="Checkout").or_(
        cart.get_by_role("button", name="Checkout")
    )
    checkout.focus()
    page.keyboard.press("Enter")

    def tab_to(field: Locator) -> None:
        page.keyboard.press("Tab")
        expect(field).to_be_focused()

    # Contact and shipping, field after field with Tab; the country stays the United States.
    email = page.get_by_label("Email", exact=True)
    expect(email).to_be_editable(timeout=15000)
    email.focus()
    page.keyboard.type(SHOPPER.email)
    tab_to(page.get_by_label("Country or region"))
    for label, text in (
        ("Full name", SHOPPER.name),
        ("Address line 1", SHOPPER.line1),
        ("Address line 2 (optional)", ""),
        ("City", SHOPPER.city),
        ("State", SHOPPER.state),
        ("ZIP code", SHOPPER.postal_code),
        ("Phone number (optional)", ""),
    ):
        tab_to(page.get_by_label(label, exact=True))
        page.keyboard.type(text)
    # The delivery methods come with the quote for the address; arrows choose among them.
    standard = page.get_by_role("radio", name=re.compile(r"^Standard"))
    expect(standard).to_be_checked(timeout=15000)
    tab_to(standard)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name=re.compile(r"^Express"))).to_be_checked()
    quote = expect_quote(page, delivery="Express")
    assert quote.subtotal == book["price"]

    tab_to(page.get_by_role("radio", name="Card"))
    tab_to(page.get_by_label("Card number"))
    page.keyboard.type(SUCCESS_CARD.replace(" ", ""))
    tab_to(page.get_by_label("Expiration date"))
    page.keyboard.type("1234")
    tab_to(page.get_by_label("Security code"))
    page.keyboard.type("123")
    screenshot("checkout-phone")
    # Nothing on the page is wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    tab_to(page.get_by_role("button", name=f"Pay {money(quote.total)}"))
    page.keyboard.press("Enter")
    order = expect_paid(page, servers, quote.total)
    assert order["delivery"]["method"] == "express"
    screenshot("success-phone")


def test_success_page_shows_only_what_the_client_secret_proves(
    page: Page, servers: Servers
) -> None:
    """A made-up id or someone else's PaymentIntent reveals nothing; an unpaid one says so."""
    (book,) = first_books(servers, 1)
    intent = pay_by_api(servers, {book["id"]: 1})

    for query in (
        f"payment_intent={intent['paymentIntentId']}&payment_intent_client_secret=pi_guess_secret_x",
        "payment_intent=pi_demo_madeup&payment_intent_client_secret=pi_demo_madeup_secret_x",
    ):
        page.goto(f"/success?{query}")
        expect(page.get_by_text("We couldn't find that order")).to_be_visible()
        expect(page.get_by_text(book["title"])).to_have_count(0)
        expect(page.get_by_text(money(book["price"]))).to_have_count(0)

    secret = intent["clientSecret"]
    page.goto(
        f"/success?payment_intent={intent['paymentIntentId']}&payment_intent_client_secret={secret}"
    )
    expect(page.get_by_text("Your payment was not completed")).to_be_visible()
    expect(page.get_by_role("heading", name="Thank you for your order")).to_have_count(0)

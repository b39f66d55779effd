"""Stock in the shop, in Chromium against the real servers (demo mode), seeded as ./start.sh
seeds them: The Big Score sold out, Poor Charlie's Almanack down to 3 copies. A sold-out title
cannot be added, a low-stock one only up to its copies; when another shopper's checkout holds
the copies a cart asks for, checkout says so beside the summary and changes the cart in one
click. axe-core checks each of those pages.

These tests run their own servers: the counts they look at are the seed's, whatever else the
run's shared servers sold or hold.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from accessibility import expect_no_axe_violations
from conftest import running_servers
from e2e_servers import Servers
from playwright.sync_api import Locator, Page, expect
from shopping import expect_quote, fill_contact_and_shipping, open_checkout, pay_by_api

SOLD_OUT = {"id": "the-big-score", "title": "The Big Score"}
LOW_STOCK = {"id": "poor-charlies-almanack", "title": "Poor Charlie's Almanack", "copies": 3}


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The shop in demo mode, freshly seeded, for this module alone."""
    with running_servers(tmp_path_factory.mktemp("e2e-stock"), {}, "e2e-stock") as run:
        yield run


@pytest.fixture
def check(page: Page, screenshot: Callable[[str], None]) -> Callable[[str], None]:
    """Save a screenshot of the page's state, then fail on any axe violation in it."""

    def take(state: str) -> None:
        screenshot(f"stock-{state}")
        expect_no_axe_violations(page, state)

    return take


def hold_copies(shop: Servers, book_id: str, quantity: int) -> dict[str, Any]:
    """Another shopper presses Pay for `quantity` copies: the server holds them for that cart."""
    return pay_by_api(shop, {book_id: quantity})


def card(page: Page, title: str) -> Locator:
    """A book's card in the shop's grid."""
    books = page.get_by_role("list", name="Books")
    return books.get_by_role("listitem").filter(has=page.get_by_role("heading", name=title))


def open_cart(page: Page) -> Locator:
    """Press the header's cart button; the drawer."""
    page.get_by_role("button", name=re.compile(r"^Cart \(")).click()
    drawer = page.get_by_role("dialog", name="Your cart")
    expect(drawer).to_be_visible()
    return drawer


def availability(page: Page) -> Locator:
    """The book page's Availability fact (its <dd>)."""
    return page.locator("dt", has_text=re.compile(r"^Availability$")).locator(
        "xpath=following-sibling::dd[1]"
    )


def test_sold_out_cannot_be_added_and_low_stock_stops_at_its_copies(
    page: Page, shop: Servers, check: Callable[[str], None]
) -> None:
    """Shop grid and book pages say "Sold out" / "Only 3 left"; the cart never takes a 4th."""
    books = {book["id"]: book for book in shop.get_json("/api/books")["books"]}
    assert books[SOLD_OUT["id"]]["available"] == 0
    assert books[LOW_STOCK["id"]]["available"] == LOW_STOCK["copies"]

    page.goto(f"{shop.web_url}/")
    sold_out = card(page, SOLD_OUT["title"])
    add_sold_out = sold_out.get_by_role("button", name=f"Sold out: {SOLD_OUT['title']}")
    expect(add_sold_out).to_be_disabled()
    expect(add_sold_out).to_have_text("Sold out")
    expect(card(page, LOW_STOCK["title"]).get_by_text("Only 3 left")).to_be_visible()
    # A plentiful title says nothing about its stock.
    plenty = next(book for book in books.values() if book["available"] > 5)
    expect(card(page, plenty["title"])).not_to_contain_text(re.compile(r"left|Sold out"))
    check("shop-sold-out-and-low")

    # The disabled button cannot put it in the cart, however hard it is pressed.
    add_sold_out.click(force=True)
    expect(page.get_by_role("button", name="Cart (0 items)")).to_be_visible()

    page.goto(f"{shop.web_url}/books/{SOLD_OUT['id']}")
    expect(page.get_by_role("heading", level=1, name=SOLD_OUT["title"])).to_be_visible()
    expect(availability(page)).to_have_text("Sold out")
    expect(page.get_by_role("button", name=f"Sold out: {SOLD_OUT['title']}")).to_be_disabled()
    check("book-sold-out")

    page.goto(f"{shop.web_url}/books/{LOW_STOCK['id']}")
    expect(availability(page)).to_have_text("Only 3 left")
    add = page.get_by_role("button", name=f"Add to cart: {LOW_STOCK['title']}")
    for _ in range(LOW_STOCK["copies"]):
        add.click()
    full = page.get_by_role("button", name=f"All copies in your cart: {LOW_STOCK['title']}")
    expect(full).to_be_disabled()
    expect(page.get_by_role("button", name="Cart (3 items)")).to_be_visible()
    check("book-low-stock-all-in-cart")

    drawer = open_cart(page)
    expect(drawer.get_by_text("Only 3 left")).to_be_visible()
    increase = drawer.get_by_role("button", name=f"Increase quantity of {LOW_STOCK['title']}")
    expect(increase).to_be_disabled()
    increase.click(force=True)
    expect(drawer.get_by_role("group", name=f"Quantity of {LOW_STOCK['title']}")).to_contain_text(
        "3"
    )
    expect(page.get_by_role("button", name="Cart (3 items)")).to_be_visible()
    check("cart-low-stock")


def test_checkout_explains_copies_another_checkout_holds_and_fits_the_cart_to_them(
    page: Page, shop: Servers, check: Callable[[str], None]
) -> None:
    """409 insufficient_stock beside the summary, Pay held, one click back to what is left."""
    books = shop.get_json("/api/books")["books"]
    # A title with a dozen or so copies, none of them the other test's.
    book = min(
        (b for b in books if b["available"] > 5 and b["id"] not in {LOW_STOCK["id"]}),
        key=lambda b: b["available"],
    )
    copies = book["available"]

    page.goto(f"{shop.web_url}/books/{book['id']}")
    add = page.get_by_role("button", name=f"Add to cart: {book['title']}")
    for _ in range(3):
        add.click()
    expect(page.get_by_role("button", name="Cart (3 items)")).to_be_visible()
    open_checkout(page)
    fill_contact_and_shipping(page)
    expect_quote(page)

    # This shopper's three are held for them; another shopper's checkout holds all the rest.
    hold_copies(shop, book["id"], copies - 3)
    # The shopper wants a fourth, which is no longer there.
    drawer = open_cart(page)
    drawer.get_by_role("button", name=f"Increase quantity of {book['title']}").click()
    page.keyboard.press("Escape")

    problem = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="Not enough copies")
    )
    expect(problem).to_be_visible(timeout=15000)
    expect(problem).to_contain_text(f"{book['title']}: only 3 left (you asked for 4 copies)")
    # Beside the order summary, in the same column, right above it.
    expect(
        page.locator(".checkout__aside").get_by_role("region", name="Order summary")
    ).to_be_visible()
    expect(page.locator(".checkout__aside").get_by_role("alert").first).to_contain_text(
        "Not enough copies"
    )
    pay = page.get_by_role("button", name=re.compile(r"^Pay\b"))
    expect(pay).to_have_attribute("aria-disabled", "true")
    expect(pay).to_have_accessible_description(
        "Change your cart to the copies left (see above), then pay."
    )
    check("checkout-insufficient-stock")

    # Pressing Pay anyway (past Playwright's own check that it is disabled) does nothing.
    expect(pay).to_be_disabled()
    pay.click(force=True)
    expect(page).to_have_url(re.compile(r"/checkout$"))
    expect(problem).to_be_visible()

    problem.get_by_role("button", name="Change my cart to the copies left").click()
    expect(page.get_by_text(f"{book['title']} lowered to 3 (only 3 left)")).to_be_visible()
    expect(problem).to_have_count(0)
    quote = expect_quote(page)
    assert quote.subtotal == 3 * book["price"]
    expect(page.get_by_role("button", name="Cart (3 items)")).to_be_visible()
    check("checkout-after-fitting-the-cart")

    # The shop shows the count checkout found, not its older copy of the catalogue.
    page.get_by_role("link", name="Stripe Press").click()
    shelf = card(page, book["title"])
    expect(shelf.get_by_text("Only 3 left")).to_be_visible()
    expect(
        shelf.get_by_role("button", name=f"All copies in your cart: {book['title']}")
    ).to_be_disabled()


def test_a_cart_saved_before_its_title_sold_out_is_told_and_removes_it(
    page: Page, shop: Servers, check: Callable[[str], None]
) -> None:
    """A stored cart with a sold-out line: flagged in the drawer, refused and fixed at checkout."""
    dream = next(b for b in shop.get_json("/api/books")["books"] if b["available"] > 5)
    page.goto(f"{shop.web_url}/")
    # The cart as this browser saved it before The Big Score sold out.
    cart = {
        "cartId": f"cart_{secrets.token_hex(12)}",
        "items": [{"id": SOLD_OUT["id"], "quantity": 1}, {"id": dream["id"], "quantity": 1}],
    }
    page.evaluate("cart => localStorage.setItem('bookstore.cart.v1', JSON.stringify(cart))", cart)
    page.reload()

    expect(
        page.get_by_text("A book in your cart has sold out: open your cart to remove it.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Cart (2 items)")).to_be_visible()
    drawer = open_cart(page)
    line = drawer.get_by_role("listitem").filter(has_text=SOLD_OUT["title"])
    expect(line).to_contain_text("Sold out. Remove it to check out.")
    check("cart-sold-out-line")
    drawer.get_by_role("link", name="Checkout").click()

    problem = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="Not enough copies")
    )
    expect(problem).to_contain_text(f"{SOLD_OUT['title']}: sold out (you asked for 1 copy)")
    expect(page.get_by_role("button", name=re.compile(r"^Pay\b"))).to_have_count(0)
    check("checkout-sold-out-first-quote")

    problem.get_by_role("button", name="Remove it from my cart").click()
    expect(page.get_by_text(f"removed {SOLD_OUT['title']} (sold out)")).to_be_visible()
    expect(page.get_by_role("heading", name="Order summary")).to_be_visible(timeout=15000)
    summary = page.get_by_role("region", name="Order summary")
    expect(summary).to_contain_text(dream["title"])
    expect(summary).not_to_contain_text(SOLD_OUT["title"])
    expect(page.get_by_role("button", name="Cart (1 item)")).to_be_visible()

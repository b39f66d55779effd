"""axe-core finds no WCAG 2.0-2.2 A/AA violation on the shop's pages, in demo mode, in Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from accessibility import expect_no_axe_violations
from e2e_servers import Servers
from playwright.sync_api import Page, expect
from shopping import add_to_cart, first_books, money

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def check(page: Page, screenshot: Callable[[str], None]) -> Callable[[str], None]:
    """Save a screenshot of the page's state, then fail on any axe violation in it."""

    def take(state: str) -> None:
        screenshot(f"a11y-{state}")
        expect_no_axe_violations(page, state)

    return take


def expect_books_listed(page: Page) -> None:
    """The catalogue has loaded: the list of books is on the page."""
    expect(page.get_by_role("list", name="Books").get_by_role("listitem").first).to_be_visible()


def open_cart(page: Page) -> Page:
    """Press the header's cart button and wait for the drawer."""
    page.get_by_role("button", name=re.compile(r"^Cart \(")).click()
    cart = page.get_by_role("dialog", name="Your cart")
    expect(cart).to_be_visible()
    return page


def test_shop_page_has_no_axe_violations(fresh_page: Page, check: Callable[[str], None]) -> None:
    """The catalogue page, books loaded, with the demo banner."""
    expect_books_listed(fresh_page)
    check("shop")


def test_phone_sized_shop_page_has_no_axe_violations(
    page: Page, check: Callable[[str], None]
) -> None:
    """The catalogue page on a 375 px wide screen."""
    page.set_viewport_size(PHONE)
    page.goto("/")
    expect_books_listed(page)
    check("shop-phone")


def test_book_page_has_no_axe_violations(
    page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """One book's page, opened directly by its address."""
    (book,) = first_books(servers, 1)
    page.goto(f"/books/{book['id']}")
    expect(page.get_by_role("heading", level=1, name=book["title"])).to_be_visible()
    check("book")


def test_open_cart_with_books_has_no_axe_violations(
    fresh_page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """The cart drawer open over the shop, with two lines and a subtotal."""
    one, two = first_books(servers, 2)
    add_to_cart(fresh_page, one)
    add_to_cart(fresh_page, two)
    add_to_cart(fresh_page, two)
    cart = open_cart(fresh_page).get_by_role("dialog", name="Your cart")
    expect(cart.get_by_text(money(one["price"] + 2 * two["price"]))).to_be_visible()
    check("cart")


def test_empty_cart_has_no_axe_violations(fresh_page: Page, check: Callable[[str], None]) -> None:
    """The cart drawer open with nothing in it."""
    cart = open_cart(fresh_page).get_by_role("dialog", name="Your cart")
    expect(cart.get_by_text("Your cart is empty")).to_be_visible()
    check("cart-empty")


def test_page_not_found_has_no_axe_violations(page: Page, check: Callable[[str], None]) -> None:
    """An address the shop does not know."""
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check("not-found")

"""The owner's day in the dashboard, in Chromium against the real servers and worker (demo mode),
as issue 16's "Done means" lists it: enrol from the link `owners add` printed (the codes from
pyotp, as an authenticator app makes them), sign in, find an order by email, refund one of its
two lines with the copies put back (the shop has that copy again; one refund email states the
amount), mark another order shipped (its email carries the tracking link; the shopper's "Find
your order" shows it), lower a title's shelf count below its threshold (one email to the owner),
sign out (Back shows nothing of the dashboard; the old cookie gets 401).

The scenario runs on servers of its own, freshly seeded: it changes stock, and counts the
emails in the outbox and the mail folder, which no other test may add to.
"""

from __future__ import annotations

import dataclasses
import json
import re
import secrets
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any, TypeVar

import pytest
from admin_steps import Owner, enrol_in_browser, owners_add, sign_in_with_app
from conftest import running_servers
from e2e_servers import Servers
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from shopping import (
    SHOPPER,
    SUCCESS_CARD,
    Quote,
    add_to_cart,
    expect_paid,
    find_order,
    go_to_checkout,
    money,
    open_find_your_order,
    order_fact,
    pay_by_api,
    pay_with,
    post_json,
)

OWNER_EMAIL = "owner@bookshop.example"
SESSION_COOKIE = "__Host-owner_session"
CARRIER = "UPS"
TRACKING_NUMBER = "1Z999AA10123456784"
TRACKING_URL = f"https://www.ups.com/track?tracknum={TRACKING_NUMBER}"
THRESHOLD = 5
COUNTED = 3  # copies on the shelf after the owner's count: below the threshold
# The worker delivers the demo's events, sends refunds and emails within this.
WAIT_SECONDS = 30.0

T = TypeVar("T")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The shop in demo mode, freshly seeded, with its worker, for this module alone."""
    with running_servers(tmp_path_factory.mktemp("e2e-admin"), {}, "e2e-admin") as run:
        yield run


def new_context(browser: Browser, shop: Servers) -> Iterator[BrowserContext]:
    """A browser profile of its own (cookies, history), opening the shop's pages."""
    context = browser.new_context(base_url=shop.web_url)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def owner_context(browser: Browser, shop: Servers) -> Iterator[BrowserContext]:
    """The owner's browser."""
    yield from new_context(browser, shop)


@pytest.fixture
def shopper_page(browser: Browser, shop: Servers) -> Iterator[Page]:
    """A shopper's browser, somewhere else: none of the owner's cookies."""
    for context in new_context(browser, shop):
        yield context.new_page()


def wait_until(what: str, probe: Callable[[], T | None], seconds: float = WAIT_SECONDS) -> T:
    """What `probe` answers once it answers something (not None), polling; fail after
    `seconds` saying what never came."""
    deadline = time.monotonic() + seconds
    while True:
        found = probe()
        if found is not None:
            return found
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.2)


def available(shop: Servers) -> dict[str, int]:
    """Copies of each title the shop offers now (GET /api/books)."""
    return {book["id"]: book["available"] for book in shop.get_json("/api/books")["books"]}


def outbox(shop: Servers, kind_like: str) -> list[dict[str, Any]]:
    """The outbox's messages (queued or sent) whose kind is LIKE `kind_like`: kind, recipient,
    subject, and the number of the order they are about."""
    with sqlite3.connect(shop.database) as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute(
            "SELECT m.kind, m.recipient, m.subject, o.number "
            "FROM outbox_messages m LEFT JOIN orders o ON o.id = m.order_id "
            "WHERE m.kind LIKE ? ORDER BY m.id",
            (kind_like,),
        ).fetchall()
    return [dict(row) for row in rows]


def mail_written(shop: Servers) -> list[EmailMessage]:
    """Every email the worker has written to the mail folder (.eml files), oldest first."""
    folder = shop.database.parent / "mail"
    files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
    parser = BytesParser(_class=EmailMessage, policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in files]


def body_of(message: EmailMessage, kind: str = "plain") -> str:
    """The email's plain-text (or HTML) part."""
    part = message.get_body((kind,))
    assert part is not None, message
    return str(part.get_content())


def in_email(cents: int) -> str:
    """An amount of US cents as the emails write it: 30.00 USD."""
    return f"{cents // 100}.{cents % 100:02d} USD"


def emails_about(shop: Servers, subject: str) -> list[EmailMessage]:
    """The written emails whose subject contains `subject`."""
    return [message for message in mail_written(shop) if subject in str(message["Subject"])]


def confirm_card_payment(shop: Servers, intent: dict[str, Any]) -> None:
    """Pay the PaymentIntent with 4242... as the demo's Payment Element does; wait until the
    worker has delivered its events and the order is paid."""
    post_json(
        shop,
        f"/demo/payment_intents/{intent['paymentIntentId']}/confirm",
        {
            "client_secret": intent["clientSecret"],
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        },
    )
    path = f"/api/orders/{intent['paymentIntentId']}?client_secret={intent['clientSecret']}"
    wait_until(
        f"order {intent['orderNumber']} paid",
        lambda: True if shop.get_json(path)["status"] == "paid" else None,
    )


def session_status(shop: Servers, cookie: str) -> tuple[int, dict[str, Any]]:
    """GET /api/admin/session with this session cookie, outside the browser: status, body."""
    request = urllib.request.Request(  # noqa: S310 (the test's own server)
        f"{shop.api_url}/api/admin/session", headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def copies_once(shop: Servers, expected: dict[str, int]) -> dict[str, int] | None:
    """The shop's copies once these titles have these counts (the catalogue is cached for a
    few seconds), else None."""
    now = available(shop)
    return now if all(now[book] == count for book, count in expected.items()) else None


def tax_share(quote: Quote, amount: int) -> int:
    """The order's tax on `amount` of its goods: pro rata to subtotal plus shipping, rounded
    down, as the refund API documents it."""
    return quote.tax * amount // (quote.subtotal + quote.shipping)


def status_message(page: Page, starts: str) -> Locator:
    """The page's status message that starts with these words."""
    return page.get_by_role("status").filter(has_text=re.compile(f"^{re.escape(starts)}"))


def open_order(page: Page, search: str, number: str) -> None:
    """From anywhere in the dashboard: Orders, search, then the order's page."""
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Orders").click()
    page.get_by_label("Order number or email").fill(search)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="1 order found.")).to_be_visible()
    row = page.get_by_role("table", name="Orders, newest first").get_by_role("row")
    expect(row.filter(has_text=search)).to_have_count(1)
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Order {number}")).to_be_visible()


def stock_row(page: Page, title: str) -> Locator:
    """The stock table's row of a title."""
    table = page.get_by_role("table", name="Copies of each title")
    heading = page.get_by_role("rowheader", name=title, exact=True)
    return table.get_by_role("row").filter(has=heading)


def order_detail(page: Page, term: str) -> Locator:
    """One fact of the dashboard's order page (Status, Email...): its <dd>."""
    details = page.get_by_role("region", name="Details")
    term_cell = details.locator("dt").filter(has_text=re.compile(f"^{re.escape(term)}$"))
    return term_cell.locator("xpath=following-sibling::dd[1]")


def test_the_owner_enrols_signs_in_refunds_ships_counts_stock_and_signs_out(
    shop: Servers, owner_context: BrowserContext, shopper_page: Page
) -> None:
    page = owner_context.new_page()
    books = [book for book in shop.get_json("/api/books")["books"] if book["available"] >= 10]
    first, second, shipped_book, counted = books[:4]
    before = available(shop)

    # 1. Enrol from the printed link; the ten recovery codes are saved.
    link = owners_add(shop, OWNER_EMAIL)
    assert link.startswith(f"{shop.web_url}/admin/enrol#token=")
    owner: Owner = enrol_in_browser(page, link, OWNER_EMAIL)
    assert len(set(owner.recovery_codes)) == 10

    # Meanwhile two shoppers pay: one for two different books in the browser, one through
    # the API; the worker marks both paid.
    refunded_shopper = dataclasses.replace(
        SHOPPER, email=f"two-books-{secrets.token_hex(4)}@example.com"
    )
    shipped_email = f"one-book-{secrets.token_hex(4)}@example.com"
    shopper_page.goto("/")
    add_to_cart(shopper_page, first)
    add_to_cart(shopper_page, second)
    quote = go_to_checkout(shopper_page, first["price"] + second["price"], refunded_shopper)
    pay_with(shopper_page, SUCCESS_CARD)
    refunded_number = expect_paid(shopper_page, shop, quote.total, refunded_shopper)["orderNumber"]
    intent = pay_by_api(shop, {shipped_book["id"]: 1}, shipped_email)
    confirm_card_payment(shop, intent)
    shipped_number = intent["orderNumber"]
    one_less = {book["id"]: before[book["id"]] - 1 for book in (first, second, shipped_book)}
    wait_until("the copies sold off the shop's shelf", lambda: copies_once(shop, one_less))

    # 2. Sign in with the app's next code (the one enrolment used is spent).
    sign_in_with_app(page, owner)

    # 3. Find the order by its email.
    open_order(page, refunded_shopper.email, refunded_number)
    expect(order_detail(page, "Status")).to_have_text("Paid")
    expect(order_detail(page, "Email")).to_have_text(refunded_shopper.email)

    # 4. Refund one of its two lines, the copy put back on the shelf.
    page.get_by_role("button", name="Refund…").click()
    dialog = page.get_by_role("dialog", name=f"Refund {refunded_number}")
    dialog.get_by_label(first["title"], exact=True).fill("1")
    expect(dialog.get_by_label(second["title"], exact=True)).to_have_value("")
    dialog.get_by_role("checkbox", name="Put the copies back on the shelf").check()
    dialog.get_by_role("checkbox", name="Email the customer the amount once it is refunded").check()
    dialog.get_by_role("button", name="Refund", exact=True).click()
    expect(dialog).to_be_hidden()
    refund = first["price"] + tax_share(quote, first["price"])
    expect(status_message(page, f"Refund of {money(refund)} asked for")).to_be_visible()

    wait_until(
        f"{first['title']} available again, and only that copy",
        lambda: copies_once(
            shop, {first["id"]: before[first["id"]], second["id"]: before[second["id"]] - 1}
        ),
    )
    refund_mail = wait_until(
        "the refund email",
        lambda: emails_about(shop, f"order {refunded_number} was refunded") or None,
    )
    assert [str(message["To"]) for message in refund_mail] == [refunded_shopper.email]
    assert f"We have refunded {in_email(refund)}" in body_of(refund_mail[0])
    refunds = [
        message for message in outbox(shop, "refund%") if message["number"] == refunded_number
    ]
    assert len(refunds) == 1, refunds
    page.reload()
    expect(order_detail(page, "Status")).to_have_text("Partly refunded")

    # 5. Mark another order shipped; its email carries the tracking link.
    open_order(page, shipped_email, shipped_number)
    page.get_by_role("button", name="Mark as shipped…").click()
    dialog = page.get_by_role("dialog", name=f"Mark {shipped_number} as shipped")
    dialog.get_by_label("Carrier").select_option(CARRIER)
    dialog.get_by_label("Tracking number").fill(TRACKING_NUMBER)
    dialog.get_by_role("button", name="Mark as shipped").click()
    expect(dialog).to_be_hidden()
    expect(status_message(page, "Marked as shipped")).to_be_visible()

    shipped_mail = wait_until(
        "the shipping email",
        lambda: (
            emails_about(shop, f"Your books are on their way: Stripe Press order {shipped_number}")
            or None
        ),
    )
    assert [str(message["To"]) for message in shipped_mail] == [shipped_email]
    assert f"Track your parcel: {TRACKING_URL}" in body_of(shipped_mail[0])
    assert f'href="{TRACKING_URL}"' in body_of(shipped_mail[0], "html")
    shipped = [
        message for message in outbox(shop, "shipped") if message["number"] == shipped_number
    ]
    assert len(shipped) == 1, shipped

    # ... and the shopper's "Find your order" shows it shipped, with the tracking number.
    shopper_page.goto("/")
    open_find_your_order(shopper_page)
    find_order(shopper_page, shipped_number, shipped_email)
    expect(
        shopper_page.get_by_role("heading", level=2, name=f"Order {shipped_number}")
    ).to_be_visible(timeout=15000)
    expect(order_fact(shopper_page, "Status")).to_have_text("Shipped")
    expect(order_fact(shopper_page, "Tracking")).to_contain_text(f"{CARRIER} {TRACKING_NUMBER}")
    expect(order_fact(shopper_page, "Tracking").get_by_role("link")).to_have_attribute(
        "href", TRACKING_URL
    )

    # 6. A threshold for a title, then its shelf count lowered below it: one owner email.
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Stock").click()
    row = stock_row(page, counted["title"])
    row.get_by_role("button", name=f"Set threshold for {counted['title']}").click()
    dialog = page.get_by_role("dialog", name=f"Low-stock threshold of {counted['title']}")
    dialog.get_by_label("Email the owners when this many or fewer are available").fill(
        str(THRESHOLD)
    )
    dialog.get_by_role("button", name="Save the threshold").click()
    expect(dialog).to_be_hidden()
    expect(row.get_by_role("cell").nth(3)).to_have_text(str(THRESHOLD))
    assert outbox(shop, "low_stock") == [], "no email while the copies are above the threshold"

    row.get_by_role("button", name=f"Change count of {counted['title']}").click()
    dialog = page.get_by_role("dialog", name=f"Copies of {counted['title']} on the shelf")
    dialog.get_by_label("Copies on the shelf").fill(str(COUNTED))
    dialog.get_by_label("Reason").fill("Stocktake: a box of damp copies thrown out")
    dialog.get_by_role("button", name="Save the count").click()
    expect(dialog).to_be_hidden()
    expect(status_message(page, f"{counted['title']}: {COUNTED} on the shelf")).to_be_visible()
    expect(row.get_by_text("Low", exact=True)).to_be_visible()

    low_mail = wait_until(
        "the low-stock email",
        lambda: emails_about(shop, f"Low stock: {counted['title']}") or None,
    )
    assert [str(message["To"]) for message in low_mail] == [OWNER_EMAIL]
    assert str(low_mail[0]["Subject"]) == f"Low stock: {counted['title']} has {COUNTED} available"
    assert [message["recipient"] for message in outbox(shop, "low_stock")] == [OWNER_EMAIL]

    # 7. Sign out: Back shows the sign-in page and nothing of the dashboard, and the session's
    # cookie, taken before, is refused by the server.
    (cookie,) = [c["value"] for c in owner_context.cookies() if c["name"] == SESSION_COOKIE]
    assert session_status(shop, cookie)[0] == 200
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_text("You've signed out.")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/admin/sign-in$"))
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    shown = page.content()
    for private in (
        refunded_number,
        shipped_number,
        refunded_shopper.email,
        shipped_email,
        OWNER_EMAIL,
        TRACKING_NUMBER,
    ):
        assert private not in shown, f"{private} is still on the page after sign-out"

    status, body = session_status(shop, cookie)
    assert status == 401, body
    assert body["error"]["code"] == "not_signed_in"

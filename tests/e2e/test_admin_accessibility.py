"""The owner's dashboard in Chromium against the real servers (demo mode): axe-core finds no
WCAG 2.0-2.2 A/AA violation on any page or state (enrolment, recovery codes, sign-in and its
errors, orders on a desktop and a phone, an order with its dialogs, stock, activity), and after
sign-out neither Back nor a page the browser restores shows anything of the dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyotp
import pytest
from accessibility import expect_no_axe_violations
from admin_steps import PASSWORD, Owner, authenticator_key, enrol_by_api, owners_add, sign_in
from e2e_servers import Servers
from playwright.sync_api import Page, expect
from shopping import SUCCESS_CARD, checkout_one_book, expect_paid, pay_with

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def check(page: Page, screenshot: Callable[[str], None]) -> Callable[[str], None]:
    """Save a screenshot of the page's state, then fail on any axe violation in it."""

    def take(state: str) -> None:
        screenshot(f"a11y-admin-{state}")
        expect_no_axe_violations(page, state)

    return take


@pytest.fixture(scope="module")
def owner(servers: Servers) -> Owner:
    """An owner enrolled through the API, as the enrolment page does it."""
    return enrol_by_api(servers, "a11y-owner@example.com")


def test_enrolment_and_sign_in_have_no_axe_violations(
    page: Page, servers: Servers, check: Callable[[str], None]
) -> None:
    """The link's page (QR code, key, errors), the recovery codes, then sign-in and its errors."""
    link = owners_add(servers, "a11y-enrol@example.com")
    page.goto(link)
    expect(page.get_by_role("img", name=re.compile("QR code to add"))).to_be_visible()
    # The token is taken out of the address bar as soon as the page has it.
    expect(page).to_have_url(re.compile(r"/admin/enrol$"))
    check("enrol")

    page.get_by_role("button", name="Finish setting up").click()
    expect(page.get_by_label("New password")).to_be_focused()
    check("enrol-errors")

    key = authenticator_key(page)
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Finish setting up").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    check("recovery-codes")

    page.get_by_role("checkbox", name="I've saved my recovery codes").check()
    page.get_by_role("button", name="Continue to sign in").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    check("sign-in")

    page.get_by_label("Email").fill("a11y-enrol@example.com")
    page.get_by_label("Password").fill("not the password at all, no")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("We couldn't sign you in")
    check("sign-in-refused")


def test_dashboard_pages_and_dialogs_have_no_axe_violations(
    page: Page, servers: Servers, owner: Owner, check: Callable[[str], None]
) -> None:
    """Orders, a paid order with each dialog open, stock with its dialog, activity."""
    page.goto("/")
    _book, quote = checkout_one_book(page, servers)
    pay_with(page, SUCCESS_CARD)
    number = expect_paid(page, servers, quote.total)["orderNumber"]

    sign_in(page, owner)
    expect(page.get_by_role("link", name=number)).to_be_visible()
    check("orders")

    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1, name=f"Order {number}")).to_be_focused()
    expect(page.get_by_text("Taken off the shelf")).to_be_visible()
    check("order")

    dialogs = (("Refund…", f"Refund {number}"), ("Mark as shipped…", f"Mark {number} as shipped"))
    for opener, title in dialogs:
        page.get_by_role("button", name=opener).click()
        dialog = page.get_by_role("dialog", name=title)
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("button", name="Cancel")).to_be_visible()
        check(f"dialog-{opener.rstrip('…').lower().replace(' ', '-')}")
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(page.get_by_role("button", name=opener)).to_be_focused()

    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Stock").click()
    expect(page.get_by_role("table", name="Copies of each title")).to_be_visible()
    check("stock")
    page.get_by_role("button", name=re.compile("^Change count of")).first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    check("stock-dialog")
    page.keyboard.press("Escape")

    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Activity").click()
    expect(page.get_by_role("table", name="Activity, newest first")).to_be_visible()
    check("activity")


def expect_no_sideways_scroll(page: Page) -> None:
    """The page fits the screen's width: wide tables scroll inside their own box."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px screen"


def test_phone_sized_dashboard_has_no_axe_violations(
    page: Page, owner: Owner, check: Callable[[str], None]
) -> None:
    """The orders list, the stock and the activity on a 375 px wide screen, none wider."""
    page.set_viewport_size(PHONE)
    sign_in(page, owner)
    check("orders-phone")
    expect_no_sideways_scroll(page)
    page.get_by_role("link", name="Stock").click()
    expect(page.get_by_role("table", name="Copies of each title")).to_be_visible()
    check("stock-phone")
    expect_no_sideways_scroll(page)
    page.get_by_role("link", name="Activity").click()
    expect(page.get_by_role("table", name="Activity, newest first")).to_be_visible()
    expect_no_sideways_scroll(page)


def test_after_sign_out_back_shows_nothing_of_the_dashboard(page: Page, owner: Owner) -> None:
    """Sign out from the stock page: Back (and a reload there) shows the sign-in page only."""
    sign_in(page, owner)
    page.get_by_role("link", name="Stock").click()
    expect(page.get_by_role("table", name="Copies of each title")).to_be_visible()

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_text("You've signed out.")).to_be_visible()

    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    assert owner.email not in page.content()
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)


def test_a_page_back_from_the_shop_asks_again_and_shows_nothing_once_signed_out(
    page: Page, servers: Servers, owner: Owner
) -> None:
    """Signed out everywhere (here: through the API, as another tab would) while the shop was
    open in this tab: Back to the stock page shows the sign-in page and no stock, whether the
    browser restores the page from its back-forward cache or loads it again (Playwright's
    Chromium loads it again; the component tests cover a restored page's `pageshow`)."""
    sign_in(page, owner)
    page.get_by_role("link", name="Stock").click()
    expect(page.get_by_role("table", name="Copies of each title")).to_be_visible()

    page.goto("/")
    csrf = page.request.get("/api/admin/session").json()["csrfToken"]
    ended = page.request.post(
        "/api/admin/sessions/revoke-all",
        headers={"X-CSRF-Token": csrf, "Origin": servers.web_url},
    )
    assert ended.ok, ended.text()

    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    assert owner.email not in page.content()

"""The owner's stock page (/api/admin/stock) and `flask stock set|threshold`: copies on the
shelf, held and available; a new count with its reason; the low-stock threshold, and the one
email per fall that goes to every owner (one outbox row per owner).

Demo mode. Poor Charlie's Almanack starts with 3 copies, Boom with 120. Checkouts hold copies
through Pay as the shop's page does; the 401/403 of the guard are test_owner_guard's.
"""

from __future__ import annotations

import threading
from email import message_from_bytes
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from checkout_requests import PAYS, confirmed, demo_token, new_cart_id, paid, pay_body
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from owner_support import Clock, EnrolledOwner, SignedIn, add_owner, enrolled_owner, signed_in
from owner_support import use_clock as use_owner_clock
from sqlalchemy import select, update

from bookstore.catalogue.books import Book
from bookstore.catalogue.data import BOOKS
from bookstore.catalogue.low_stock import LOW_STOCK_SWEEP_JOB, LOW_STOCK_SWEEP_KIND
from bookstore.catalogue.shelf import COMMAND_LINE, StockChange, count_shelf
from bookstore.catalogue.stock import StockHold
from bookstore.config import Settings
from bookstore.db import db, utcnow
from bookstore.jobs.models import Job
from bookstore.jobs.queue import ensure_periodic, run_due
from bookstore.notifications.outbox import OutboxMessage, send_outbox
from bookstore.payments.demo.delivery import DEMO_EVENT_KIND
from bookstore.worker.lanes import run_everything_due

SCARCE = "poor-charlies-almanack"
BOOM = "boom"
GRACE = "grace@shop.example"
RACERS = 4


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Demo mode, emails written as .eml files."""
    return Settings(database_url=database_url, demo_mode=True, mail_dir=tmp_path / "mail")


@pytest.fixture
def clock(app: Flask) -> Clock:
    return use_owner_clock(app)


@pytest.fixture
def owner(app: Flask, clock: Clock) -> EnrolledOwner:
    return enrolled_owner(app, clock)


@pytest.fixture
def session(app: Flask, owner: EnrolledOwner, clock: Clock) -> SignedIn:
    return signed_in(app, owner, clock)


@pytest.fixture
def owners(app: Flask, owner: EnrolledOwner) -> list[str]:
    """Two owners: one enrolled, one added and not enrolled yet (an owner all the same)."""
    add_owner(app, GRACE)
    return sorted([owner.email, GRACE])


def hold(client: FlaskClient, book_id: str, quantity: int) -> None:
    """A checkout at Pay, which holds the copies until it is paid or its hold lapses."""
    response = client.post("/create-payment-intent", json=pay_body({book_id: quantity}))
    assert response.status_code == 200, response.get_json()


def stock(session: SignedIn) -> dict[str, dict[str, Any]]:
    """GET /api/admin/stock, rows by id (in the order answered)."""
    response = session.client.get("/api/admin/stock")
    assert response.status_code == 200, response.get_json()
    return {row["id"]: row for row in response.get_json()["books"]}


def count(session: SignedIn, book_id: str, on_shelf: Any, reason: Any = "stocktake") -> Any:
    """PUT /api/admin/stock/<id>."""
    return session.change("PUT", f"/stock/{book_id}", {"onShelf": on_shelf, "reason": reason})


def set_threshold(session: SignedIn, book_id: str, threshold: int | None) -> Any:
    """PUT /api/admin/stock/<id>/threshold, which must succeed; the row."""
    response = session.change(
        "PUT", f"/stock/{book_id}/threshold", {"lowStockThreshold": threshold}
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def low_stock_emails(app: Flask) -> list[tuple[str, str | None]]:
    """The owners' low-stock emails in the outbox: (recipient, dedupe key), oldest first."""
    with app.app_context():
        query = (
            select(OutboxMessage.recipient, OutboxMessage.dedupe_key, OutboxMessage.order_id)
            .where(OutboxMessage.kind == "low_stock")
            .order_by(OutboxMessage.id)
        )
        rows = db.session.execute(query).all()
    assert all(row.order_id is None for row in rows)  # about no order
    return [(row.recipient, row.dedupe_key) for row in rows]


def one_fall(owners: list[str], book_id: str, number: int) -> list[tuple[str, str | None]]:
    """What one fall writes: an email to each owner, keyed by the title and the fall."""
    return [(email, f"low_stock:{book_id}:{number}") for email in owners]


def sweep(app: Flask) -> None:
    """The worker's periodic low-stock sweep, due now (as once its interval has passed), run
    as the worker runs every lane."""
    with app.app_context():
        db.session.execute(
            update(Job).where(Job.kind == LOW_STOCK_SWEEP_JOB).values(next_attempt_at=utcnow())
        )
        db.session.commit()
        run_everything_due()


def expire_holds(app: Flask) -> None:
    """Every hold lapses, as if STOCK_HOLD_MINUTES went by."""
    with app.app_context():
        db.session.execute(update(StockHold).values(held_until=utcnow()))
        db.session.commit()


# The table


def test_the_table_counts_every_titles_copies_on_the_shelf_held_and_available(
    client: FlaskClient, session: SignedIn
) -> None:
    hold(client, SCARCE, 2)
    hold(client, BOOM, 3)
    hold(client, BOOM, 1)

    rows = stock(session)

    assert list(rows) == [book["id"] for book in BOOKS]  # every title, in shelf order
    assert rows[SCARCE] == {
        "id": SCARCE,
        "title": "Poor Charlie's Almanack",
        "onSale": True,
        "onShelf": 3,
        "held": 2,
        "available": 1,
        "lowStockThreshold": None,
    }
    assert (rows[BOOM]["onShelf"], rows[BOOM]["held"], rows[BOOM]["available"]) == (120, 4, 116)


def test_more_held_than_on_the_shelf_is_none_available_never_fewer(
    client: FlaskClient, session: SignedIn
) -> None:
    hold(client, SCARCE, 3)

    response = count(session, SCARCE, 1, "two copies damaged")

    assert response.status_code == 200, response.get_json()
    row = response.get_json()
    assert (row["onShelf"], row["held"], row["available"]) == (1, 3, 0)
    assert stock(session)[SCARCE]["available"] == 0


def test_a_title_not_on_sale_is_listed_and_says_so(app: Flask, session: SignedIn) -> None:
    with app.app_context():
        db.session.execute(update(Book).where(Book.id == BOOM).values(active=False))
        db.session.commit()

    assert stock(session)[BOOM]["onSale"] is False


# A new count


def test_a_new_count_sets_the_shelf_and_keeps_its_reason_in_the_history_and_the_log(
    app: Flask, client: FlaskClient, session: SignedIn, owner: EnrolledOwner
) -> None:
    hold(client, BOOM, 2)

    response = count(session, BOOM, 7, "  stocktake: the rest went to the fair  ")

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "id": BOOM,
        "title": "Boom",
        "onSale": True,
        "onShelf": 7,
        "held": 2,
        "available": 5,
        "lowStockThreshold": None,
    }
    with app.app_context():
        book = db.session.get(Book, BOOM)
        assert book is not None and book.stock == 7
        changes = db.session.scalars(select(StockChange)).all()
        assert [(c.book_id, c.old_count, c.new_count, c.reason, c.changed_by) for c in changes] == [
            (BOOM, 120, 7, "stocktake: the rest went to the fair", owner.email)
        ]
    newest = session.client.get("/api/admin/activity?limit=1").get_json()["entries"][0]
    assert newest["action"] == "stock_counted"
    assert newest["email"] == owner.email
    assert newest["detail"] == "boom: 120 -> 7 on the shelf (stocktake: the rest went to the fair)"


def test_an_unknown_title_is_a_404_for_either_change(session: SignedIn) -> None:
    counted = count(session, "no-such-book", 3)
    threshold = session.change("PUT", "/stock/no-such-book/threshold", {"lowStockThreshold": 2})

    for response in (counted, threshold):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert session.client.get("/api/admin/activity?limit=1").get_json()["entries"][0]["action"] == (
        "sign_in"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"onShelf": -1, "reason": "x"}, "onShelf"),
        ({"onShelf": 2.5, "reason": "x"}, "onShelf"),
        ({"onShelf": "3", "reason": "x"}, "onShelf"),
        ({"onShelf": True, "reason": "x"}, "onShelf"),
        ({"onShelf": None, "reason": "x"}, "onShelf"),
        ({"onShelf": 1_000_001, "reason": "x"}, "onShelf"),
        ({"reason": "x"}, "onShelf"),
        ({"onShelf": 3}, "reason"),
        ({"onShelf": 3, "reason": ""}, "reason"),
        ({"onShelf": 3, "reason": "   "}, "reason"),
        ({"onShelf": 3, "reason": "x" * 201}, "reason"),
        ({"onShelf": 3, "reason": 7}, "reason"),
    ],
)
def test_a_bad_count_is_a_400_naming_the_field_and_changes_nothing(
    app: Flask, session: SignedIn, body: dict[str, Any], field: str
) -> None:
    response = session.change("PUT", f"/stock/{BOOM}", body)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert [detail["field"] for detail in error["details"]] == [field]
    assert stock(session)[BOOM]["onShelf"] == 120
    with app.app_context():
        assert db.session.scalars(select(StockChange)).all() == []


def test_a_whole_number_written_as_a_float_is_that_number(session: SignedIn) -> None:
    response = count(session, BOOM, 7.0)

    assert response.status_code == 200
    assert response.get_json()["onShelf"] == 7


# Thresholds


def test_a_threshold_is_set_shown_and_removed(session: SignedIn, owner: EnrolledOwner) -> None:
    row = set_threshold(session, BOOM, 10)

    assert row["lowStockThreshold"] == 10
    assert stock(session)[BOOM]["lowStockThreshold"] == 10
    assert set_threshold(session, BOOM, None)["lowStockThreshold"] is None
    assert stock(session)[BOOM]["lowStockThreshold"] is None
    entries = session.client.get("/api/admin/activity?limit=2").get_json()["entries"]
    assert [(entry["action"], entry["detail"]) for entry in entries] == [
        ("stock_threshold_set", "boom: low-stock threshold 10 -> none"),
        ("stock_threshold_set", "boom: low-stock threshold none -> 10"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"lowStockThreshold": -1},
        {"lowStockThreshold": "2"},
        {"lowStockThreshold": 2.5},
        {"lowStockThreshold": 1_000_001},
        {},
    ],
)
def test_a_bad_threshold_is_a_400_and_changes_nothing(
    session: SignedIn, body: dict[str, Any]
) -> None:
    set_threshold(session, BOOM, 4)

    response = session.change("PUT", f"/stock/{BOOM}/threshold", body)

    assert response.status_code == 400
    error = response.get_json()["error"]
    assert [detail["field"] for detail in error["details"]] == ["lowStockThreshold"]
    assert stock(session)[BOOM]["lowStockThreshold"] == 4


# One email per fall


def test_lowering_the_shelf_to_the_threshold_emails_every_owner_once_per_fall(
    app: Flask, session: SignedIn, owners: list[str]
) -> None:
    set_threshold(session, BOOM, 10)
    assert low_stock_emails(app) == []  # 120 available: far above

    assert count(session, BOOM, 10).status_code == 200  # at the threshold: low
    first = low_stock_emails(app)
    assert count(session, BOOM, 4).status_code == 200  # lower still: the same fall
    assert count(session, BOOM, 10).status_code == 200  # back to it: still low
    unchanged = low_stock_emails(app)
    assert count(session, BOOM, 11).status_code == 200  # above: forgotten
    assert count(session, BOOM, 9).status_code == 200  # a new fall
    second = low_stock_emails(app)

    assert first == one_fall(owners, BOOM, 1)
    assert unchanged == first
    assert second == first + one_fall(owners, BOOM, 2)


def test_the_owners_email_says_which_title_and_how_many_are_left(
    app: Flask, client: FlaskClient, session: SignedIn, owners: list[str], tmp_path: Path
) -> None:
    set_threshold(session, SCARCE, 1)
    hold(client, SCARCE, 1)

    count(session, SCARCE, 2, "one copy damaged")
    with app.app_context():
        report = send_outbox()

    assert report.sent == 2
    emails = [
        message_from_bytes(path.read_bytes(), policy=default)
        for path in sorted((tmp_path / "mail").glob("*.eml"))
    ]
    assert sorted(str(email["To"]) for email in emails) == owners
    for email in emails:
        assert email["Subject"] == "Low stock: Poor Charlie's Almanack has 1 available"
        text = email.get_body(("plain",))
        assert text is not None
        assert "1 available, at or below its low-stock threshold of 1." in " ".join(
            text.get_content().split()
        )


def test_a_threshold_set_at_or_above_what_is_available_is_a_fall_at_once(
    app: Flask, session: SignedIn, owners: list[str]
) -> None:
    set_threshold(session, SCARCE, 3)
    set_threshold(session, SCARCE, 5)  # still low: the same fall
    first = low_stock_emails(app)
    set_threshold(session, SCARCE, 2)  # 3 available, above: forgotten
    set_threshold(session, SCARCE, 3)

    assert first == one_fall(owners, SCARCE, 1)
    assert low_stock_emails(app) == first + one_fall(owners, SCARCE, 2)


def test_a_payment_taking_copies_to_the_threshold_emails_in_its_own_transaction(
    app: Flask, client: FlaskClient, session: SignedIn, owners: list[str]
) -> None:
    set_threshold(session, SCARCE, 1)

    paid(client, {SCARCE: 2}, new_cart_id(), **confirmed(demo_token(client, PAYS)))
    at_pay = low_stock_emails(app)
    with app.app_context():
        delivered = run_due([DEMO_EVENT_KIND])  # the webhook: paid, copies taken

    assert at_pay == []  # a hold at Pay is the sweep's to judge
    assert delivered == 2
    assert stock(session)[SCARCE]["onShelf"] == 1
    assert low_stock_emails(app) == one_fall(owners, SCARCE, 1)


def test_the_sweep_reports_a_fall_made_by_a_checkouts_hold_and_a_lapse_and_fall_again(
    app: Flask, client: FlaskClient, session: SignedIn, owners: list[str]
) -> None:
    set_threshold(session, SCARCE, 1)
    hold(client, SCARCE, 2)  # 1 available: low, and no transaction judged it
    before = low_stock_emails(app)

    sweep(app)
    reported = low_stock_emails(app)
    sweep(app)
    unchanged = low_stock_emails(app)
    expire_holds(app)  # 3 available again
    sweep(app)
    hold(client, SCARCE, 3)  # 0 available: a new fall
    sweep(app)

    assert before == []
    assert reported == one_fall(owners, SCARCE, 1)
    assert unchanged == reported
    assert low_stock_emails(app) == reported + one_fall(owners, SCARCE, 2)


def test_the_sweep_reports_a_payments_fall_before_its_webhook_which_adds_none(
    app: Flask, client: FlaskClient, session: SignedIn, owners: list[str]
) -> None:
    set_threshold(session, SCARCE, 1)
    payment = paid(client, {SCARCE: 2}, new_cart_id(), **confirmed(demo_token(client, PAYS)))
    with app.app_context():
        ensure_periodic(LOW_STOCK_SWEEP_KIND)
        swept = run_due([LOW_STOCK_SWEEP_KIND])  # the sweep comes first this time
    after_sweep = low_stock_emails(app)
    with app.app_context():
        delivered = run_due([DEMO_EVENT_KIND])

    assert (payment["status"], swept, delivered) == ("succeeded", 1, 2)
    assert after_sweep == one_fall(owners, SCARCE, 1)
    assert stock(session)[SCARCE]["onShelf"] == 1
    assert low_stock_emails(app) == after_sweep


def test_the_sweep_catches_copies_that_left_by_a_path_that_judges_nothing(
    app: Flask, client: FlaskClient, session: SignedIn, owners: list[str]
) -> None:
    # Copies leave the shelf by a path that judges nothing (the database edited by hand, a
    # future path that forgets): the sweep still tells the owners, once.
    set_threshold(session, BOOM, 100)
    with app.app_context():
        db.session.execute(update(Book).where(Book.id == BOOM).values(stock=Book.stock - 30))
        db.session.commit()

    sweep(app)
    sweep(app)

    assert low_stock_emails(app) == one_fall(owners, BOOM, 1)


def test_counts_racing_each_other_report_one_fall(
    app: Flask, session: SignedIn, owners: list[str]
) -> None:
    # Each count judges the title with its row locked: however they interleave, one of them
    # makes the fall and the others find it reported.
    set_threshold(session, BOOM, 10)
    start = threading.Barrier(RACERS)
    errors: list[BaseException] = []

    def racer(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                count_shelf(BOOM, n, f"racer {n}", by=COMMAND_LINE)
                db.session.commit()
        except BaseException as error:  # reported below, with the thread's own error
            errors.append(error)

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert low_stock_emails(app) == one_fall(owners, BOOM, 1)


def test_a_title_without_a_threshold_never_emails(
    app: Flask, client: FlaskClient, session: SignedIn, owners: list[str]
) -> None:
    count(session, SCARCE, 0)
    hold(client, BOOM, 10)
    sweep(app)

    assert low_stock_emails(app) == []


# The command line


def test_stock_set_takes_a_reason_kept_in_the_history(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["stock", "set", BOOM, "40", "--reason", "a delivery"])
    without = runner.invoke(args=["stock", "set", BOOM, "41"])

    assert result.exit_code == 0, result.output
    assert without.exit_code == 0, without.output
    assert result.stdout.splitlines()[0] == (
        "Boom (boom): 120 -> 40 on the shelf; 0 held by checkouts, 40 available."
    )
    with app.app_context():
        changes = db.session.scalars(select(StockChange).order_by(StockChange.id)).all()
        assert [(c.old_count, c.new_count, c.reason, c.changed_by) for c in changes] == [
            (120, 40, "a delivery", COMMAND_LINE),
            (40, 41, "", COMMAND_LINE),
        ]


def test_stock_threshold_sets_and_removes_and_says_when_the_owners_are_emailed(
    app: Flask, runner: FlaskCliRunner, owners: list[str]
) -> None:
    above = runner.invoke(args=["stock", "threshold", BOOM, "10"])
    low = runner.invoke(args=["stock", "threshold", SCARCE, "3"])
    removed = runner.invoke(args=["stock", "threshold", SCARCE, "none"])
    lowered = runner.invoke(args=["stock", "set", SCARCE, "1", "--reason", "sold at the fair"])

    assert above.stdout == "Boom (boom): low-stock threshold none -> 10; 120 available.\n"
    assert low.stdout.splitlines() == [
        f"Poor Charlie's Almanack ({SCARCE}): low-stock threshold none -> 3; 3 available.",
        "At or below its low-stock threshold (3): the owners are emailed, once until it rises "
        "above it again.",
    ]
    assert removed.stdout.startswith(
        f"Poor Charlie's Almanack ({SCARCE}): low-stock threshold 3 -> none"
    )
    assert lowered.exit_code == 0 and "emailed" not in lowered.stdout  # no threshold now
    assert low_stock_emails(app) == one_fall(owners, SCARCE, 1)
    with app.app_context():
        book = db.session.get(Book, BOOM)
        assert book is not None and book.low_stock_threshold == 10


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        ([BOOM, "-1"], 2, "the threshold cannot be negative (-1)"),
        ([BOOM, "many"], 2, "'many' is neither a whole number nor `none`"),
        (["no-such-book", "3"], 1, "No book has the id 'no-such-book'"),
    ],
)
def test_stock_threshold_refuses_what_it_cannot_set(
    app: Flask, runner: FlaskCliRunner, args: list[str], exit_code: int, message: str
) -> None:
    result = runner.invoke(args=["stock", "threshold", *args])

    assert result.exit_code == exit_code
    assert message in result.stderr
    with app.app_context():
        assert (
            db.session.scalars(select(Book.id).where(Book.low_stock_threshold.is_not(None))).all()
            == []
        )


def test_outbox_list_shows_an_owners_email_without_an_order(
    app: Flask, runner: FlaskCliRunner, owners: list[str]
) -> None:
    runner.invoke(args=["stock", "threshold", SCARCE, "5"])

    result = runner.invoke(args=["outbox", "list"])

    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "low_stock" in line]
    assert len(lines) == 2
    assert all(line.split()[1] == "-" for line in lines)

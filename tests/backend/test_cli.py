"""`flask --app bookstore orders` (or `orders list`): recent orders for the shop owner.

The other orders commands are in test_orders_cli.py, the stock ones in test_stock_cli.py.
"""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from bookstore.db import db
from bookstore.orders.models import Order, OrderStatus


def add_order(
    app: Flask, amount: int, intent_id: str, status: OrderStatus, gateway: str = "demo"
) -> None:
    """Store an order."""
    with app.app_context():
        db.session.add(
            Order(
                currency="usd",
                amount=amount,
                payment_intent_id=intent_id,
                status=status,
                gateway=gateway,
            )
        )
        db.session.commit()


def test_without_orders_it_says_so(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["orders"])
    assert result.exit_code == 0
    assert "No orders yet." in result.output


def test_it_lists_orders_newest_first_with_formatted_amounts(
    app: Flask, runner: FlaskCliRunner
) -> None:
    add_order(app, 3000, "pi_first", OrderStatus.PAID)
    add_order(app, 12345, "pi_second", OrderStatus.PENDING)

    result = runner.invoke(args=["orders"])

    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "STATUS" in lines[0]
    assert "pi_second" in lines[1] and "123.45 USD" in lines[1] and "pending" in lines[1]
    assert "pi_first" in lines[2] and "30.00 USD" in lines[2] and "paid" in lines[2]


def test_limit_shows_only_the_newest(app: Flask, runner: FlaskCliRunner) -> None:
    for n in range(5):
        add_order(app, 1000 + n, f"pi_{n}", OrderStatus.PENDING)

    result = runner.invoke(args=["orders", "--limit", "2"])

    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 3
    assert "pi_4" in result.output and "pi_3" in result.output and "pi_2" not in result.output


def test_limit_must_be_positive(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["orders", "--limit", "0"]).exit_code != 0


def test_each_order_shows_the_mode_its_payment_was_taken_in(
    app: Flask, runner: FlaskCliRunner
) -> None:
    add_order(app, 3000, "pi_demo_1", OrderStatus.PAID, gateway="demo")
    add_order(app, 3000, "pi_live", OrderStatus.PENDING, gateway="stripe_test")

    lines = runner.invoke(args=["orders"]).output.splitlines()

    assert "MODE" in lines[0]
    assert "stripe_test" in lines[1] and "pi_live" in lines[1]
    assert " demo " in lines[2] and "pi_demo_1" in lines[2]


def test_orders_go_by_their_number_not_a_counted_id(app: Flask, runner: FlaskCliRunner) -> None:
    add_order(app, 3000, "pi_1", OrderStatus.PAID)
    with app.app_context():
        number = db.session.scalars(select(Order.number)).one()

    header, row = runner.invoke(args=["orders"]).output.splitlines()

    assert header.split()[0] == "NUMBER" and "ORDER" not in header
    assert row.split()[0] == number


def test_status_lists_only_the_orders_in_it(app: Flask, runner: FlaskCliRunner) -> None:
    add_order(app, 1000, "pi_paid_1", OrderStatus.PAID)
    add_order(app, 1000, "pi_pending", OrderStatus.PENDING)
    add_order(app, 1000, "pi_paid_2", OrderStatus.PAID)

    result = runner.invoke(args=["orders", "--status", "paid"])

    assert result.exit_code == 0
    rows = result.output.splitlines()[1:]
    assert [row.split()[5] for row in rows] == ["pi_paid_2", "pi_paid_1"]
    assert runner.invoke(args=["orders", "--status", "review"]).output == "No review orders.\n"


def test_orders_list_is_the_same_list(app: Flask, runner: FlaskCliRunner) -> None:
    for n in range(3):
        add_order(app, 1000 + n, f"pi_{n}", OrderStatus.PAID if n else OrderStatus.FAILED)

    for options in ([], ["--limit", "2"], ["--status", "failed"]):
        listed = runner.invoke(args=["orders", "list", *options])
        assert listed.exit_code == 0
        assert listed.output == runner.invoke(args=["orders", *options]).output

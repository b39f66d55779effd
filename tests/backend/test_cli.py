"""`flask --app bookstore orders`: recent orders for the shop owner."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskCliRunner

from bookstore.db import db
from bookstore.orders import Order, OrderStatus


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

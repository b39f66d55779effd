"""The order state machine: every pair of statuses, allowed or refused."""

from __future__ import annotations

import itertools

import pytest

from bookstore.orders.models import TRANSITIONS, Order, OrderStatus, can_transition, transition

S = OrderStatus

ALLOWED = {
    (S.PENDING, S.PROCESSING),
    (S.PENDING, S.PAID),
    (S.PENDING, S.FAILED),
    (S.PENDING, S.CANCELED),
    (S.PENDING, S.REVIEW),
    (S.PROCESSING, S.PAID),
    (S.PROCESSING, S.FAILED),
    (S.PROCESSING, S.CANCELED),
    (S.PROCESSING, S.REVIEW),
    (S.FAILED, S.PENDING),
    (S.FAILED, S.PROCESSING),
    (S.FAILED, S.PAID),
    (S.FAILED, S.CANCELED),
    (S.FAILED, S.REVIEW),
    (S.PAID, S.REFUNDED),
    (S.PAID, S.REVIEW),
    (S.REVIEW, S.PAID),
    (S.REVIEW, S.REFUNDED),
    (S.REVIEW, S.CANCELED),
    # A full refund under way: the copies were gone when the money came, or the shop refunds.
    (S.PENDING, S.REFUNDING),
    (S.PROCESSING, S.REFUNDING),
    (S.FAILED, S.REFUNDING),
    (S.PAID, S.REFUNDING),
    (S.REVIEW, S.REFUNDING),
    (S.REFUNDING, S.REFUNDED),
    # Partial refunds: each one that goes through, then the rest in full, or the last part.
    (S.PAID, S.PARTIALLY_REFUNDED),
    (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED),
    (S.PARTIALLY_REFUNDED, S.REFUNDING),
    (S.PARTIALLY_REFUNDED, S.REFUNDED),
}


def test_the_table_covers_every_status() -> None:
    assert set(TRANSITIONS) == set(OrderStatus)


@pytest.mark.parametrize(("current", "new"), list(itertools.product(OrderStatus, OrderStatus)))
def test_each_move_is_allowed_exactly_when_listed(current: OrderStatus, new: OrderStatus) -> None:
    order = Order(id=1, status=current)

    moved = transition(order, new)

    expected = (current, new) in ALLOWED
    assert moved is expected
    assert can_transition(current, new) is expected
    assert order.status == (new if expected else current)


@pytest.mark.parametrize("late", [S.FAILED, S.PROCESSING, S.PENDING, S.CANCELED])
def test_late_events_never_downgrade_a_paid_order(late: OrderStatus) -> None:
    order = Order(id=1, status=S.PAID)
    assert not transition(order, late)
    assert order.status == S.PAID


@pytest.mark.parametrize("final", [S.REFUNDED, S.CANCELED])
def test_refunded_and_canceled_are_final(final: OrderStatus) -> None:
    assert not any(can_transition(final, new) for new in OrderStatus)


def test_unknown_statuses_are_refused() -> None:
    assert not can_transition("pending", "shipped")
    assert not can_transition("lost", "paid")

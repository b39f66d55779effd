"""The refund dialog's /api/admin operations in the OpenAPI document (bookstore.web.openapi
lists them after the other admin operations); test_openapi checks every route is documented."""

from __future__ import annotations

from bookstore.web.admin import refund_schemas as r
from bookstore.web.admin.openapi import BODY, CSRF_PARAMETER, E401, E403, SESSION_PARAMETER, TAG
from bookstore.web.openapi import ERRORS, Operation, path_parameter

NUMBER = path_parameter("number", "The order number, e.g. SP-7K3M9Q (any case; spaces ignored).")
E404 = "`not_found`: no order has that number."

REFUND_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/api/admin/orders/{number}/refunds",
        "The order's partial refunds and what is left to refund",
        r.RefundsResponse,
        {401: E401, 404: E404},
        parameters=(SESSION_PARAMETER, NUMBER),
        description="What the refund dialog starts from: each line's copies, the shipping and "
        "the money left to refund (all zero unless the order is paid or partially refunded).",
        tag=TAG,
    ),
    Operation(
        "post",
        "/api/admin/orders/{number}/refunds",
        "Refund part of an order: lines, the shipping, or an amount",
        r.RefundCreatedResponse,
        {
            **{status: ERRORS[status] for status in BODY},
            400: "`invalid_json`, `validation_error`, `empty_refund` (no lines, no shipping and "
            "no amount), `unknown_line` (`details.bookIds`: books the order does not have), "
            "`invalid_amount` (what was asked for comes to nothing: free shipping alone).",
            401: E401,
            403: E403,
            404: E404,
            409: "`order_not_refundable` (not paid or partially refunded: pending, under "
            "review, refunding, refunded...), `wrong_gateway` (paid through the other "
            "gateway), `refund_exceeds_quantity` (more copies than are left to refund; "
            "`details`), `shipping_already_refunded`, `refund_exceeds_payment` (the refunds "
            "together would pass what was paid; `details.refundable`).",
        },
        body=r.RefundRequest,
        parameters=(SESSION_PARAMETER, NUMBER, CSRF_PARAMETER),
        status=201,
        description="Answers 201 with the refund `requested`: the worker sends it under its "
        "own idempotency key (`order-<token>-refund-part-<id>`), and the gateway's "
        "charge.refunded makes it `succeeded` and the order `partially_refunded` (`refunded` "
        "once nothing is left); the customer is emailed its amount then if `notify`. The "
        "amount: each line's unit price times its copies, plus the shipping if asked, plus "
        "their share of the order's tax (pro rata to (subtotal + shipping), rounded down); a "
        "refund that leaves nothing unrefunded takes all that is left. Or `amount`. `restock` "
        "puts the lines' copies back on the shelf at once. In the activity log.",
        tag=TAG,
    ),
)

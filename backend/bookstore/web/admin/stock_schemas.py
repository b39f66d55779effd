"""Request and response bodies of /api/admin/stock, declared once (the OpenAPI document reads
them)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StrictInt, StrictStr, StringConstraints

from bookstore.catalogue.shelf import MAX_REASON, StockRow
from bookstore.web.request_schemas import WholeNumber
from bookstore.web.response_schemas import ResponseModel

# Far above any bookshop's shelf, and within every database's integer.
MAX_COPIES = 1_000_000

Copies = Annotated[StrictInt, Field(ge=0, le=MAX_COPIES), WholeNumber]


class ShelfCountRequest(BaseModel):
    """Body of PUT /api/admin/stock/{book_id}: what the owner counted, and why it changed."""

    on_shelf: Copies = Field(alias="onShelf", description="Copies on the shelf now.")
    reason: Annotated[
        StrictStr, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_REASON)
    ] = Field(description="Why (a delivery, a stocktake, damaged copies...), for the history.")


class ThresholdRequest(BaseModel):
    """Body of PUT /api/admin/stock/{book_id}/threshold."""

    low_stock_threshold: Copies | None = Field(
        alias="lowStockThreshold",
        description="Email the owners when the copies available fall to this or below (once "
        "per fall); null: never.",
    )


class StockRowResponse(ResponseModel):
    """One title's copies."""

    id: str
    title: str
    on_sale: bool = Field(description="False for a title the shop no longer shows.")
    on_shelf: int = Field(ge=0, description="Copies on the shelf; paid orders taken off.")
    held: int = Field(ge=0, description="Held now by checkouts that are not paid yet.")
    available: int = Field(ge=0, description="On the shelf less held, never below 0.")
    low_stock_threshold: int | None = Field(
        description="The owners are emailed when `available` falls to it; null: never."
    )


class StockListResponse(ResponseModel):
    """GET /api/admin/stock: every title, in shelf order."""

    books: list[StockRowResponse]


def stock_row_json(row: StockRow) -> dict[str, object]:
    """One title's row as the stock routes answer it."""
    return _row(row).model_dump(mode="json")


def stock_list_json(rows: list[StockRow]) -> dict[str, object]:
    """The stock table."""
    return StockListResponse(books=[_row(row) for row in rows]).model_dump(mode="json")


def _row(row: StockRow) -> StockRowResponse:
    return StockRowResponse(
        id=row.id,
        title=row.title,
        on_sale=row.on_sale,
        on_shelf=row.on_shelf,
        held=row.held,
        available=row.available,
        low_stock_threshold=row.low_stock_threshold,
    )

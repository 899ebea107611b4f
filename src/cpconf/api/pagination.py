"""Pages of a list: ``limit`` (1 to 100, 20 by default) and ``offset``, with the total ``count``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# Far beyond any list here, and small enough for every database's integers.
MAX_OFFSET = 10_000_000


class Shaped[M: Model]:
    """A queryset whose items the API shows through ``shape``: sliced and counted like the queryset, so
    that a page loads only its own records (the prefetches run once per page)."""

    def __init__(self, queryset: QuerySet[M], shape: Callable[[M], dict[str, Any]]) -> None:
        self.queryset = queryset
        self.shape = shape

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return [self.shape(item) for item in self.queryset[offset : offset + limit]]

    def count(self) -> int:
        return self.queryset.count()


class Page(PaginationBase):
    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"How many to return: 1 to {MAX_LIMIT}."
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many to skip from the start.")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="How many there are in all, across every page.")
        limit: int
        offset: int

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        if not isinstance(queryset, Shaped):  # pragma: no cover - a mistake in a router
            raise TypeError("A paginated operation returns a Shaped queryset.")
        return {
            "items": queryset.page(pagination.offset, pagination.limit),
            "count": queryset.count(),
            "limit": pagination.limit,
            "offset": pagination.offset,
        }

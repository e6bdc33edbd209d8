"""Cursor pagination for every list: stable under inserts, with a page size the caller may lower or raise to
MAX_PAGE_SIZE."""

import re

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 200
# Every list is ordered by an integer column first (id, or a claim's offset in its article): a cursor's
# position is one, no longer than a bigint.
POSITION = re.compile(r"-?[0-9]{1,18}")
INVALID_CURSOR = "This cursor is not one of ours: follow the `next` or `previous` link of a page."


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

    def decode_cursor(self, request):
        # DRF answers a cursor it cannot read with 404, and passes on any position it can, which the database
        # then refuses with a server error: both are the caller's mistake in a parameter, so a 400.
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [INVALID_CURSOR]}) from None
        if cursor is not None and cursor.position is not None and not POSITION.fullmatch(cursor.position):
            raise ValidationError({"cursor": [INVALID_CURSOR]})
        return cursor

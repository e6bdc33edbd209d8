"""Cursor pagination for every list: stable under inserts, with a page size the caller may lower or raise to
MAX_PAGE_SIZE."""

from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 200


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

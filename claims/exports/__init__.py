"""Verdict reports and exports: one `Report`, written in any of FORMATS.

A format is a module with `CONTENT_TYPE`, `EXTENSION` and `render(report) -> Iterator[bytes]`. The browser's
downloads, the partner API (`/api/v1/exports/…`), `manage.py export_report` and the background export job
all build a Report with `build_report` and write what `render` yields: CSV, JSON, Markdown and ClaimReview
stream entry by entry (flat memory); HTML and PDF need every entry at once (the summary and chart come
first) and yield the document whole.

What a report may hold is the selector's rule (claims/selectors/reports.py): published work only, unless
an internal report asks for drafts, and then every draft entry is marked as one.
"""

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

from django.conf import settings
from django.utils import timezone

from claims.selectors.reports import ReportEntry, ReportSelection, report_count, report_entries

# format name → the module that writes it
FORMATS = {
    "pdf": "claims.exports.pdf",
    "html": "claims.exports.html",
    "csv": "claims.exports.csv_export",
    "json": "claims.exports.json_export",
    "md": "claims.exports.markdown",
    "claimreview": "claims.exports.claimreview",
}


@dataclass
class Report:
    """A report to write: what it covers, for whom it was made, and its entries (an iterator: read once)."""

    selection: ReportSelection
    with_drafts: bool
    entries: Iterable[ReportEntry]
    count: int
    title: str = "Verdict report"
    organisation: str = field(default_factory=lambda: settings.ORGANISATION_NAME)
    organisation_url: str = field(default_factory=lambda: settings.ORGANISATION_URL)
    # Absolute links (public verdict pages, articles) start here: a report leaves the workbench.
    base_url: str = field(default_factory=lambda: settings.PUBLIC_BASE_URL)
    generated_at: datetime = field(default_factory=timezone.now)
    generated_by: str = ""


def format_module(name: str) -> ModuleType:
    """The module writing format `name`; KeyError for a format we do not write."""
    return importlib.import_module(FORMATS[name])


def build_report(
    *,
    user,
    selection: ReportSelection,
    with_drafts: bool = False,
    title: str = "",
    on_entry: Callable[[int], None] | None = None,
) -> Report:
    """The report of `selection` as `user` may see it. `on_entry(n)` is called after the n-th entry is read
    (the background job's progress)."""
    count = report_count(user=user, selection=selection, with_drafts=with_drafts)
    entries = report_entries(user=user, selection=selection, with_drafts=with_drafts)
    if on_entry is not None:
        entries = _counted(entries, on_entry)
    return Report(
        selection=selection,
        with_drafts=with_drafts,
        entries=entries,
        count=count,
        title=title or _title(selection, with_drafts),
        generated_by=getattr(user, "username", "") or "",
    )


def _counted(entries: Iterator[ReportEntry], on_entry: Callable[[int], None]) -> Iterator[ReportEntry]:
    for n, entry in enumerate(entries, start=1):
        yield entry
        on_entry(n)


def _title(selection: ReportSelection, with_drafts: bool) -> str:
    what = "Verdict report (internal, with drafts)" if with_drafts else "Verdict report"
    described = selection.describe()
    return what if described == "everything" else f"{what}: {described}"

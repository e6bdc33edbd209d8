"""The verdict distribution of a report as an SVG drawn on the server: one horizontal bar per rating.

Made for readers who cannot tell the scale's colours apart: every bar carries its rating's label and its
count as text beside it, so colour is never the only cue, and the whole chart is one labelled image for
screen readers (`role="img"`, an `aria-label` listing every count, `<title>` and `<desc>`). The HTML and
PDF reports inline it; nothing in it is fetched.

Ratings' labels and colours are edited by admins, so every text is escaped and a colour that is not a
plain hex colour is drawn grey.
"""

from dataclasses import dataclass

from django.utils.html import escape

from claims.models import Rating, safe_colour

WIDTH = 640
ROW_HEIGHT = 28
BAR_HEIGHT = 18
FONT_SIZE = 12
# Label column: wide enough for the usual labels; longer ones are shortened (the full label is the
# row's own <title>).
LABEL_WIDTH = 150
LABEL_CHARS = 22
COUNT_WIDTH = 90
GAP = 10


@dataclass(frozen=True)
class Bar:
    """One rating's row of the chart."""

    label: str
    count: int
    share: float  # of all counted entries, 0–1
    colour: str
    width: float  # in chart units


def chart_bars(distribution: list[tuple[Rating, int]]) -> list[Bar]:
    """The chart's rows, in scale order. A bar's length is its share of all the verdicts counted (the
    full track is 100%), so one report's chart reads the same as its percentages."""
    total = sum(count for _, count in distribution)
    span = WIDTH - LABEL_WIDTH - COUNT_WIDTH - 2 * GAP
    return [
        Bar(
            label=rating.label,
            count=count,
            share=count / total if total else 0.0,
            colour=safe_colour(rating.colour),
            width=round(span * count / total, 1) if total else 0.0,
        )
        for rating, count in distribution
    ]


def distribution_summary(distribution: list[tuple[Rating, int]]) -> str:
    """The chart in words ("True: 2, False: 1, …"), for its accessible name."""
    return ", ".join(f"{rating.label}: {count}" for rating, count in distribution)


def distribution_svg(distribution: list[tuple[Rating, int]], *, title: str = "Verdict distribution") -> str:
    """The chart as an inline <svg> element (a string of markup, every text escaped)."""
    bars = chart_bars(distribution)
    height = max(len(bars), 1) * ROW_HEIGHT + 8
    summary = distribution_summary(distribution) or "no ratings"
    bar_x = LABEL_WIDTH + GAP
    rows = []
    for index, bar in enumerate(bars):
        top = 4 + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        # Text baselines sit a third of the font size below the middle (dominant-baseline is not drawn
        # the same everywhere).
        baseline = round(middle + FONT_SIZE * 0.35, 1)
        shown = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        count_text = f"{bar.count} ({round(bar.share * 100)}%)"
        rows.append(
            f'<g class="chart-row">'
            f"<title>{escape(bar.label)}: {bar.count}</title>"
            f'<text x="{LABEL_WIDTH}" y="{baseline}" text-anchor="end" '
            f'font-size="{FONT_SIZE}" fill="#1f2937">{escape(shown)}</text>'
            # The track shows the full length in grey, so a zero count still reads as a row.
            f'<rect x="{bar_x}" y="{middle - BAR_HEIGHT / 2}" width="{WIDTH - bar_x - COUNT_WIDTH - GAP}" '
            f'height="{BAR_HEIGHT}" fill="#f3f4f6"/>'
            f'<rect class="chart-bar" x="{bar_x}" y="{middle - BAR_HEIGHT / 2}" width="{bar.width}" '
            f'height="{BAR_HEIGHT}" fill="{bar.colour}" stroke="#111827" stroke-opacity="0.35" '
            f'stroke-width="{0.75 if bar.count else 0}"/>'
            f'<text class="chart-count" x="{bar_x + bar.width + 6}" y="{baseline}" '
            f'font-size="{FONT_SIZE}" font-weight="bold" fill="#111827">{escape(count_text)}</text>'
            f"</g>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(title)}: {escape(summary)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" font-family="Liberation Sans, DejaVu Sans, Arial, sans-serif">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>" + "".join(rows) + "</svg>"
    )

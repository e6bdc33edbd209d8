"""The dashboard: the work queues and a chart of verdicts over time, drawn on the server as SVG."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claims.selectors import dashboard as selectors
from claims.selectors.checkworthiness import scorer_status
from claims.selectors.dashboard import VerdictChart

# Chart geometry in SVG user units; the SVG scales to its container.
CHART_WIDTH, CHART_HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 36, 8, 12, 28


@login_required
@require_GET
def dashboard(request):
    if not request.user.has_perm("claims.view_claim"):
        # Signed in but given no role yet: say so rather than show a blank page or a 403.
        return render(request, "claims/dashboard.html", {"no_role": True})
    queues = selectors.dashboard_queues(
        user=request.user, can_approve=request.user.has_perm("claims.approve_verdict")
    )
    chart = selectors.verdicts_per_week()
    return render(
        request,
        "claims/dashboard.html",
        {
            **queues,
            "chart": chart,
            "bars": chart_bars(chart),
            "axis": chart_axis(chart),
            "scorer": scorer_status(),
        },
    )


def _nice_max(value: int) -> int:
    """A round top for the y axis (at least 4, so four gridlines fall on whole numbers)."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if value <= step * 4:
            return step * 4
    return value + (-value % 1000)


def chart_axis(chart: VerdictChart) -> dict:
    top = _nice_max(max((week.total for week in chart.weeks), default=0))
    plot_height = CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    ticks = [
        {"value": top * i // 4, "y": round(MARGIN_TOP + plot_height - plot_height * i / 4, 1)}
        for i in range(5)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "top": top,
        "ticks": ticks,
        "left": MARGIN_LEFT,
        "right": CHART_WIDTH - MARGIN_RIGHT,
        "baseline": MARGIN_TOP + plot_height,
    }


def chart_bars(chart: VerdictChart) -> list[dict]:
    """One stacked bar per week: a rect per rating, bottom-up in scale order, with a label."""
    axis = chart_axis(chart)
    plot_height = axis["baseline"] - MARGIN_TOP
    slot = (axis["right"] - axis["left"]) / max(len(chart.weeks), 1)
    bar_width = slot * 0.7
    bars = []
    for index, week in enumerate(chart.weeks):
        x = axis["left"] + slot * index + (slot - bar_width) / 2
        y = axis["baseline"]
        segments = []
        for rating in chart.ratings:
            count = week.counts.get(rating.pk, 0)
            if not count:
                continue
            height = plot_height * count / axis["top"]
            y -= height
            segments.append({"rating": rating, "count": count, "y": round(y, 1), "height": round(height, 1)})
        bars.append(
            {
                "week": week,
                "x": round(x, 1),
                "width": round(bar_width, 1),
                "segments": segments,
                "label_x": round(x + bar_width / 2, 1),
                "label_y": axis["baseline"] + 16,
                "rows": [week.counts.get(rating.pk, 0) for rating in chart.ratings],
            }
        )
    return bars

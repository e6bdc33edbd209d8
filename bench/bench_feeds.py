"""Feed polling: one full cycle over 100 feeds of 20 items served locally, then two cycles of unchanged content.

Run with `make bench` or `.venv/bin/python -m bench.bench_feeds [--feeds 100 --items 20]`.

A cycle is what beat starts every FEED_CHECK_SECONDS when every feed is due: `feeds_poll_due` queues a
poll_feed job per feed, and here (JOB_RUNNER=eager) each runs in this process as its transaction commits,
through the guarded client to a local HTTP server, exactly as a worker would run it. Measured:

1. the first cycle: every item new (two "wire" stories appear in every feed and are stored once);
2. unchanged content with validators: every feed answers 304 Not Modified;
3. unchanged content without validators: every feed is fetched and parsed in full again and every item is
   found to be known already (GUIDs, canonical URLs), so nothing is stored.

Embedding is not part of it (COVERAGE_AUTO_JOBS off: items are queued for indexing in production, and the
index job's time is measured by bench_coverage_scale), nor are item page fetches (fetch_pages off).
"""

import argparse
import json
import logging
import os
import resource
import time

from bench import _django

RSS_TYPE = "application/rss+xml; charset=utf-8"


def feed_body(base: str, feed: int, items: int) -> bytes:
    wire = [
        (f"wire-{n}", f"{base}/wire/{n}", f"Wire story {n}: the central bank holds rates") for n in range(2)
    ]
    own = [
        (
            f"f{feed}-i{n}",
            f"{base}/feed{feed}/story{n}?utm_source=rss",
            f"Feed {feed} story {n}: council vote",
        )
        for n in range(items - len(wire))
    ]
    entries = "".join(
        f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title><link>{link}</link>"
        f"<description>&lt;p&gt;{title}, with 31 of 45 councillors in favour &amp; 240 million euros."
        f"&lt;/p&gt;</description><pubDate>Tue, 02 Jan 2024 10:{n % 60:02d}:00 GMT</pubDate></item>"
        for n, (guid, link, title) in enumerate(wire + own)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {feed}</title>'
        f"<link>{base}/</link><language>en</language>{entries}</channel></rss>"
    ).encode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=20)
    args = parser.parse_args(argv)

    os.environ["COVERAGE_AUTO_JOBS"] = "false"  # the poll cycle, not the embedding model
    _django.setup()
    # One "Task claims.run_job succeeded" line per poll would bury the figures.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.models import CorpusItem, Feed, Job
    from claims.services.feeds import feed_register, feeds_poll_due
    from tests.support.local_site import LocalSite, Page

    _django.empty_database()
    Feed.objects.all().delete()  # and their items

    with LocalSite({}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]
        base = site.url("")
        for n in range(args.feeds):
            site.pages[f"/feeds/{n}.xml"] = Page(
                body=feed_body(base, n, args.items), content_type=RSS_TYPE, etag=f'"feed-{n}-v1"'
            )
        for n in range(args.feeds):
            feed_register(url=site.url(f"/feeds/{n}.xml"), fetch_pages=False)

        def cycle() -> dict:
            Feed.objects.update(next_poll_at=None)  # all due, as after the longest interval
            requests = len(site.requests)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                polled = feeds_poll_due()
            seconds = time.perf_counter() - started
            results = [j.result for j in Job.objects.filter(kind="poll_feed").order_by("-id")[:polled]]
            statuses = {
                s: sum(r.get("status") == s for r in results) for s in ("ok", "not_modified", "error")
            }
            return {
                "seconds": round(seconds, 2),
                "polled": polled,
                "requests": len(site.requests) - requests,
                "items_new": sum(r.get("items_new", 0) for r in results),
                "queries_per_feed": round(len(queries) / max(polled, 1), 1),
                **statuses,
            }

        first = cycle()
        not_modified = cycle()
        for page in site.pages.values():
            page.etag = None  # the server stops sending validators: full answers, nothing new in them
        Feed.objects.update(etag="", last_modified="")
        full = cycle()
        items = CorpusItem.objects.filter(kind="feed_item").count()

    n = args.feeds
    result = {
        "benchmark": "feeds",
        "feeds": n,
        "items_per_feed": args.items,
        "first_cycle_s": first["seconds"],
        "first_cycle_feeds_per_s": round(n / first["seconds"], 1),
        "items_stored": items,
        "queries_per_feed": first["queries_per_feed"],
        "not_modified_cycle_s": not_modified["seconds"],
        "not_modified": not_modified["not_modified"],
        "unchanged_full_cycle_s": full["seconds"],
        "unchanged_items_new": full["items_new"],
        "errors": first["error"] + not_modified["error"] + full["error"],
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(
        f"First cycle: {n} feeds polled in {first['seconds']:.2f} s ({result['first_cycle_feeds_per_s']} feeds/s), "
        f"{first['items_new']} items stored ({items} in the corpus), {first['queries_per_feed']} queries per feed"
    )
    print(
        f"Unchanged, with validators: {not_modified['seconds']:.2f} s, "
        f"{not_modified['not_modified']} of {n} answered 304, {not_modified['items_new']} new"
    )
    print(
        f"Unchanged, served in full: {full['seconds']:.2f} s, {full['ok']} of {n} parsed, "
        f"{full['items_new']} new; {result['errors']} errors in all"
    )
    print(json.dumps(result))
    return 0 if result["errors"] == 0 and full["items_new"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

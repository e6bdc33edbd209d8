"""`manage.py poll_feed URL [--json]`: poll one feed once, now, in this process; register it first if new.

Other tools call it. With --json the last line of standard output is exactly one JSON object,
`{"status": "ok" | "not_modified" | "error", "items_seen": n, "items_new": n, "error": str | null}`, and
the exit status is 1 when the status is "error". An address that cannot be registered (malformed, an
internal address) is such an error, with nothing stored. A new feed is named after its own title.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from claims.errors import InputRejected
from claims.services.feeds import PollOutcome, feed_find_or_register, feed_poll
from claims.services.job_queue import jobs_run_here


class Command(BaseCommand):
    help = "Poll one RSS, Atom or JSON feed once (registering it if it is new) and report what it brought."

    def add_arguments(self, parser):
        parser.add_argument("url", metavar="URL")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="End with one line of JSON (for other tools)."
        )

    def handle(self, *args, url, as_json, **options):
        # Without a Celery worker, the page fetches this poll queues run here before the command ends,
        # instead of in threads the end of the process would cut off.
        with jobs_run_here():
            try:
                feed, registered = feed_find_or_register(url=url)
            except InputRejected as refused:
                feed, registered = None, False
                outcome = PollOutcome(status="error", items_seen=0, items_new=0, error=refused.message)
            else:
                outcome = feed_poll(feed=feed)

        if as_json:
            self.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False))
        elif outcome.status != "error":
            self.stdout.write(self._summary(feed, registered, outcome))
        if outcome.status == "error":
            raise CommandError(outcome.error, returncode=1)

    def _summary(self, feed, registered: bool, outcome: PollOutcome) -> str:
        what = f"“{feed.name}” ({feed.url})" + (", registered now" if registered else "")
        if outcome.status == "not_modified":
            return self.style.SUCCESS(f"{what}: not modified since the last poll, nothing new.")
        seen = f"{outcome.items_seen} item{'s' if outcome.items_seen != 1 else ''}"
        return self.style.SUCCESS(f"{what}: {seen} in the feed, {outcome.items_new} new.")

"""`manage.py seed_demo`: demo accounts (printed) and a demo article split into claims. Safe to re-run."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from claims import roles
from claims.choices import IngestMethod
from claims.services.ingest import article_ingest_upload
from claims.services.job_queue import jobs_run_here

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_ARTICLE = DEMO_DIR / "harbour_bridge.md"
# Fact-checks written for the demo: two about the demo article's claims, three about the seed article's event.
DEMO_FACTCHECKS = DEMO_DIR / "factchecks.jsonl"
# Outside fact-checks as schema.org ClaimReview, from an invented publisher (`import_claimreviews`).
DEMO_CLAIMREVIEWS = DEMO_DIR / "claimreviews.json"
# Demo credentials for a local workbench only; `make run` prints them.
DEMO_ACCOUNTS = [
    ("reviewer", "reviewer-demo-2026", roles.REVIEWER, False),
    ("editor", "editor-demo-2026", roles.EDITOR, False),
    ("admin", "admin-demo-2026", roles.ADMIN, True),
]


class Command(BaseCommand):
    help = "Create the demo reviewer, editor and admin accounts and load the demo fact-checks and article."

    def handle(self, *args, **options):
        # Without a worker (`make run`), the background jobs this queues would run in threads of this
        # command, which ends first: here they run as they are queued instead.
        with jobs_run_here():
            self._seed()

    def _seed(self):
        User = get_user_model()
        for username, password, role, is_admin in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.org", "first_name": username.title()},
            )
            if created:
                user.set_password(password)
                user.is_staff = user.is_superuser = is_admin
                user.save()
            user.groups.add(Group.objects.get(name=role))
        editor = User.objects.get(username="editor")
        call_command(
            "load_factchecks", str(DEMO_FACTCHECKS), prefix="demo:", language="en", stdout=self.stdout
        )
        call_command("import_claimreviews", str(DEMO_CLAIMREVIEWS), "--no-refresh", stdout=self.stdout)
        outcome = article_ingest_upload(
            filename=DEMO_ARTICLE.name,
            data=DEMO_ARTICLE.read_bytes(),
            user=editor,
            method=IngestMethod.COMMAND,
        )
        published = _publish_demo_verdict(
            outcome.article, reviewer=User.objects.get(username="reviewer"), editor=editor
        )
        self.stdout.write(self.style.SUCCESS("Demo accounts (local use only):"))
        for username, password, role, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<9} username: {username:<9} password: {password}")
        state = "loaded" if outcome.created else "already loaded"
        self.stdout.write(
            f"Demo article {state}: “{outcome.article.title}” ({outcome.article.claims.count()} claims)"
        )
        if published is not None:
            self.stdout.write(f"Demo published verdict: {published.rating.label} on “{published.claim.text}”")


# The demo's published verdict (so every export and the public pages show something on a fresh install):
# invented, like the article, and says so.
DEMO_CLAIM_START = "According to the council's transport report, ferry delays rose by 38%"
DEMO_SOURCE = {
    "title": "Riverside transport report 2025 (demo source)",
    "publisher": "Riverside city council (invented for the demo)",
    "archived_text": (
        "Table 4. Average ferry delay per crossing rose from 6.1 minutes in 2022 to 8.4 minutes in 2025, an "
        "increase of 38 per cent. Peak-hour crossings averaged 27 minutes in 2025."
    ),
}
DEMO_EXCERPT = "an increase of 38 per cent"
DEMO_VERDICT = {
    "summary": "The council's own report gives the 38% rise in ferry delays between 2022 and 2025.",
    "rationale": (
        "The transport report (Table 4) puts the average delay at 6.1 minutes in 2022 and 8.4 minutes in "
        "2025: a rise of 38%. *This is demo data: the article, the report and this verdict are invented.*"
    ),
}


def _publish_demo_verdict(article, *, reviewer, editor):
    """Evidence and an approved verdict on the demo article's ferry-delay claim; None if it is published
    already or the claim is not there."""
    from claims.models import Rating
    from claims.services.evidence import evidence_add_manual
    from claims.services.verdicts import verdict_approve, verdict_save, verdict_submit

    claim = article.claims.filter(text__startswith=DEMO_CLAIM_START).first()
    if claim is None or claim.verdicts.filter(status="published").exists():
        return None
    if not claim.evidence.exists():
        evidence_add_manual(
            claim=claim, stance="supports", excerpt=DEMO_EXCERPT, user=reviewer, **DEMO_SOURCE
        )
    verdict = verdict_save(claim=claim, rating=Rating.objects.get(slug="true"), user=reviewer, **DEMO_VERDICT)
    verdict = verdict_submit(verdict=verdict, user=reviewer, expected_version=verdict.version)
    return verdict_approve(verdict=verdict, user=editor, expected_version=verdict.version)

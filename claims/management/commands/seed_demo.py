"""`manage.py seed_demo`: demo accounts (printed) and a demo article split into claims. Safe to re-run."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from claims import roles
from claims.choices import IngestMethod
from claims.services.ingest import article_ingest_upload

DEMO_ARTICLE = Path(__file__).resolve().parents[2] / "demo" / "harbour_bridge.md"
# Demo credentials for a local workbench only; `make run` prints them.
DEMO_ACCOUNTS = [
    ("reviewer", "reviewer-demo-2026", roles.REVIEWER, False),
    ("editor", "editor-demo-2026", roles.EDITOR, False),
    ("admin", "admin-demo-2026", roles.ADMIN, True),
]


class Command(BaseCommand):
    help = "Create the demo reviewer, editor and admin accounts and load the demo article."

    def handle(self, *args, **options):
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
        outcome = article_ingest_upload(
            filename=DEMO_ARTICLE.name,
            data=DEMO_ARTICLE.read_bytes(),
            user=editor,
            method=IngestMethod.COMMAND,
        )
        self.stdout.write(self.style.SUCCESS("Demo accounts (local use only):"))
        for username, password, role, _ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {role:<9} username: {username:<9} password: {password}")
        state = "loaded" if outcome.created else "already loaded"
        self.stdout.write(
            f"Demo article {state}: “{outcome.article.title}” ({outcome.article.claims.count()} claims)"
        )

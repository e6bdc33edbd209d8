"""`manage.py create_api_key --partner NAME --scopes read[,write,publish] [--expires DAYS] [--name NAME]
[--create-partner] [--contact-email EMAIL]`: issue a partner an API key.

Other tools call it. The new key is the last line of standard output, alone; what was done is said on
standard error, so `KEY=$(manage.py create_api_key ...)` holds the key and nothing else. The key is shown
this once (only its hash is stored). An unknown partner (without --create-partner), an unknown scope or a
bad expiry is an error (exit status 1) with nothing stored.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from claims.errors import InputRejected
from claims.models import Partner
from claims.services import partners as services


class Command(BaseCommand):
    help = "Issue an API key to a partner; the key alone is the last line of the output, shown this once."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, metavar="NAME", help="The partner's name.")
        parser.add_argument(
            "--scopes",
            required=True,
            metavar="SCOPES",
            help=f"Comma-separated, of {', '.join(services.SCOPES)} (e.g. read,write).",
        )
        parser.add_argument(
            "--expires",
            metavar="DAYS",
            help=f"Days until the key expires (1 to {services.EXPIRES_DAYS_MAX}); without it, it does not.",
        )
        parser.add_argument(
            "--name", metavar="NAME", help="The key's name (default: 'command line, <date>')."
        )
        parser.add_argument(
            "--create-partner",
            action="store_true",
            help="Create the partner first if there is none of that name.",
        )
        parser.add_argument(
            "--contact-email", default="", metavar="EMAIL", help="The contact of a partner created now."
        )

    def handle(self, *args, partner, scopes, expires, name, create_partner, contact_email, **options):
        self.stderr.style_func = None  # plain words, not the colour of an error
        name = name if name is not None else f"command line, {timezone.localdate():%Y-%m-%d}"
        try:
            # Checked before anything is stored, so a refused key never leaves a new partner behind.
            scope_list = services.scopes_clean(scopes)
            expires_days = services.expires_days_clean(expires)
            with transaction.atomic():
                found = Partner.objects.filter(name__iexact=" ".join(partner.split())).first()
                if found is None:
                    if not create_partner:
                        raise CommandError(
                            f"There is no partner named “{partner}”. Add --create-partner to create it, "
                            "or check the name in the workbench's partner list."
                        )
                    found = services.partner_create(name=partner, contact_email=contact_email)
                    self.stderr.write(
                        f"Created the partner “{found.name}” (account {found.account.username})."
                    )
                key, raw_key = services.api_key_create(
                    partner=found, name=name, scopes=scope_list, expires_days=expires_days
                )
        except InputRejected as refused:
            raise CommandError(refused.message) from None
        expiry = f"expires {key.expiry_date:%Y-%m-%d %H:%M %Z}" if key.expiry_date else "does not expire"
        self.stderr.write(
            f"Issued the key “{key.name}” to {found.name}: prefix {key.prefix}, scopes {', '.join(key.scopes)}, "
            f"{expiry}. It is shown this once, on the last line; store it now."
        )
        self.stdout.write(raw_key)

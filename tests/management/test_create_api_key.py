"""`manage.py create_api_key --partner NAME --scopes read[,write,publish] [--expires DAYS] [--name NAME]
[--create-partner] [--contact-email E]`: other tools read the new key from the last line of its output."""

import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from claims.models import Partner, PartnerAPIKey
from claims.services.partners import partner_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def create_api_key(*args) -> tuple[str, str]:
    """Run the command; its standard output and standard error."""
    out, err = StringIO(), StringIO()
    call_command("create_api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def last_line(output: str) -> str:
    return output.rstrip("\n").splitlines()[-1]


@pytest.fixture
def partner():
    return partner_create(name="Harbour Gazette")


def test_the_new_key_is_alone_on_the_last_line_and_works(partner):
    out, err = create_api_key("--partner", "Harbour Gazette", "--scopes", "read,write", "--name", "CMS")

    raw_key = last_line(out)
    assert out == raw_key + "\n"  # nothing else on standard output
    key = PartnerAPIKey.objects.get()
    assert raw_key.startswith(key.prefix + ".") and PartnerAPIKey.objects.is_valid(raw_key)
    assert (key.partner, key.name, key.scopes, key.expiry_date) == (partner, "CMS", ["read", "write"], None)
    assert key.prefix in err and "shown this once" in err and raw_key not in err


def test_the_partner_is_found_in_any_letter_case_and_a_key_gets_a_default_name(partner):
    out, _ = create_api_key("--partner", " harbour  GAZETTE", "--scopes", "read")
    key = PartnerAPIKey.objects.get()
    assert key.partner == partner and key.name == f"command line, {timezone.localdate():%Y-%m-%d}"


def test_an_expiring_key(partner):
    create_api_key("--partner", "Harbour Gazette", "--scopes", "publish", "--expires", "90")
    key = PartnerAPIKey.objects.get()
    assert abs(key.expiry_date - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert key.scopes == ["publish"]


def test_a_partner_is_created_when_asked(django_user_model):
    out, err = create_api_key(
        "--partner",
        "Valley Times",
        "--scopes",
        "read",
        "--create-partner",
        "--contact-email",
        "api@valley.example",
    )
    partner = Partner.objects.get()
    assert (partner.name, partner.contact_email) == ("Valley Times", "api@valley.example")
    assert partner.account.username == "partner-valley-times" and "Created the partner" in err
    assert PartnerAPIKey.objects.get().partner == partner and PartnerAPIKey.objects.is_valid(last_line(out))


def test_create_partner_uses_a_partner_that_exists_already(partner):
    create_api_key("--partner", "Harbour Gazette", "--scopes", "read", "--create-partner")
    assert Partner.objects.count() == 1 and PartnerAPIKey.objects.get().partner == partner


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--partner", "Nobody", "--scopes", "read"],
            "There is no partner named “Nobody”. Add --create-partner",
        ),
        (["--partner", "Harbour Gazette", "--scopes", "read,admin"], "Unknown scope “admin”"),
        (["--partner", "Harbour Gazette", "--scopes", ","], "at least one scope"),
        (["--partner", "Harbour Gazette", "--scopes", "read", "--expires", "0"], "1 to 3650 days, not 0"),
        (["--partner", "Harbour Gazette", "--scopes", "read", "--expires", "a week"], "not “a week”"),
        (["--partner", "Harbour Gazette", "--scopes", "read", "--name", "n" * 51], "at most 50 characters"),
    ],
)
def test_a_refusal_is_a_clear_error_and_stores_nothing(partner, args, message):
    with pytest.raises(CommandError, match=message):
        create_api_key(*args)
    assert not PartnerAPIKey.objects.exists() and Partner.objects.count() == 1


def test_a_refused_key_leaves_no_new_partner_behind(django_user_model):
    users = django_user_model.objects.count()
    for args in (["--scopes", "everything"], ["--scopes", "read", "--expires", "-3"]):
        with pytest.raises(CommandError):
            create_api_key("--partner", "Valley Times", "--create-partner", *args)
    assert not Partner.objects.exists() and django_user_model.objects.count() == users


def test_the_scopes_are_required():
    with pytest.raises(CommandError, match="--scopes"):
        create_api_key("--partner", "Harbour Gazette")


@pytest.mark.django_db(transaction=True)
def test_from_the_shell_the_key_is_the_last_line_of_standard_output(tmp_path):
    """As other tools call it: a process of its own, exit status 0, the key on the last line."""
    partner_create(name="Harbour Gazette")
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": _database_url(),
        "FAST_PASSWORD_HASHER": "1",
        "CELERY_BROKER_URL": "",
        "HOME": str(tmp_path),
    }
    completed = subprocess.run(
        [sys.executable, "manage.py", "create_api_key", "--partner", "Harbour Gazette", "--scopes", "read"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert PartnerAPIKey.objects.is_valid(completed.stdout.splitlines()[-1])

    refused = subprocess.run(
        [sys.executable, "manage.py", "create_api_key", "--partner", "Nobody", "--scopes", "read"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and "There is no partner named “Nobody”" in refused.stderr
    assert refused.stdout == ""


def _database_url() -> str:
    """The test database this test's process uses, for the command's process."""
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}{port}/{settings['NAME']}"

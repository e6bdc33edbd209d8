"""Partners of the API and their keys: making a partner (with the account its keys act as), issuing keys,
revoking them.

- **A partner's account** is a user of its own: no usable password (nobody signs in as it), no role group,
  so it can do nothing in the workbench; the API lets its keys act as it (claims/api/authentication.py), and
  what a partner creates is recorded as that account's (claims/selectors/visibility.py then shows a partner
  its own objects). Its username is `partner-<slug of the name>`.
- **A key** is shown once, when it is issued: only its hash is stored (djangorestframework-api-key), beside
  a visible prefix that names it in lists, the page that issued it, and the log. Its scopes (claims.choices
  .ApiScope) are checked here for every door (the workbench form, the admin site, `create_api_key`), so a
  refusal reads the same everywhere. A key may expire; revoking one is immediate and cannot be undone.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from claims import key_cache
from claims.choices import ApiScope
from claims.errors import InputRejected
from claims.models import Partner, PartnerAPIKey

logger = logging.getLogger(__name__)

PARTNER_NAME_MAX = Partner._meta.get_field("name").max_length
EMAIL_MAX = Partner._meta.get_field("contact_email").max_length
KEY_NAME_MAX = PartnerAPIKey._meta.get_field("name").max_length
EXPIRES_DAYS_MAX = 3650  # ten years: a longer-lived key is better issued without an expiry, on purpose
SCOPES = [scope.value for scope in ApiScope]  # in the order lists show them
USERNAME_PREFIX = "partner-"


def scopes_clean(scopes: Iterable[str]) -> list[str]:
    """The scopes asked for, checked, without repeats, in the order of ApiScope."""
    if isinstance(scopes, str):
        scopes = scopes.split(",")
    asked = {str(scope).strip().lower() for scope in scopes} - {""}
    unknown = sorted(asked - set(SCOPES))
    if unknown:
        names = ", ".join(f"“{scope}”" for scope in unknown)
        raise InputRejected(
            f"Unknown scope{'s' if len(unknown) > 1 else ''} {names}: a key's scopes are "
            f"{', '.join(SCOPES[:-1])} and {SCOPES[-1]}."
        )
    if not asked:
        raise InputRejected(f"Give the key at least one scope: {', '.join(SCOPES[:-1])} or {SCOPES[-1]}.")
    return [scope for scope in SCOPES if scope in asked]


def partner_name_clean(name: str, *, exclude: Partner | None = None) -> str:
    """The name with its spaces tidied, refused when empty, too long, or taken (in any letter case) by a
    partner other than `exclude`."""
    name = " ".join(str(name).split())
    if not name:
        raise InputRejected("Name the partner (the organisation whose tools will use the API).")
    if len(name) > PARTNER_NAME_MAX:
        raise InputRejected(
            f"A partner's name has at most {PARTNER_NAME_MAX} characters; this one has {len(name)}."
        )
    others = Partner.objects.exclude(pk=exclude.pk) if exclude is not None and exclude.pk else Partner.objects
    if others.filter(name__iexact=name).exists():
        raise InputRejected(f"There is a partner named “{name}” already.")
    return name


def _contact_email_clean(email: str) -> str:
    email = str(email).strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise InputRejected(f"“{email}” is not an email address.") from None
    if len(email) > EMAIL_MAX:
        raise InputRejected(f"The contact email has at most {EMAIL_MAX} characters.")
    return email


def _free_username(name: str) -> str:
    User = get_user_model()
    max_length = User._meta.get_field("username").max_length
    # Names in scripts slugify to nothing in ASCII; the username validator accepts any letters.
    slug = slugify(name) or slugify(name, allow_unicode=True) or "partner"
    base = (USERNAME_PREFIX + slug)[: max_length - 4]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def partner_account_create(*, name: str, contact_email: str = ""):
    """The account a new partner's keys act as (the admin site saves the partner itself)."""
    User = get_user_model()
    account = User(
        username=_free_username(name),
        first_name=name[: User._meta.get_field("first_name").max_length],
        email=contact_email,
    )
    account.set_unusable_password()
    account.save()
    return account


@transaction.atomic
def partner_create(*, name: str, contact_email: str = "") -> Partner:
    name = partner_name_clean(name)
    contact_email = _contact_email_clean(contact_email)
    try:
        with transaction.atomic():
            account = partner_account_create(name=name, contact_email=contact_email)
            partner = Partner.objects.create(name=name, contact_email=contact_email, account=account)
    except IntegrityError:
        # Another request made a partner of this name (or took the username) between the check and now.
        raise InputRejected(f"There is a partner named “{name}” already.") from None
    logger.info("Partner %s created (account %s)", partner.pk, account.username)
    return partner


def expires_days_clean(expires_days) -> int | None:
    if expires_days is None or expires_days == "":
        return None
    if isinstance(expires_days, bool) or not isinstance(expires_days, int):
        try:
            expires_days = int(str(expires_days).strip())
        except ValueError:
            raise InputRejected(
                f"Give the expiry as a whole number of days (1 to {EXPIRES_DAYS_MAX}), not “{expires_days}”."
            ) from None
    if not 1 <= expires_days <= EXPIRES_DAYS_MAX:
        raise InputRejected(
            f"A key expires after 1 to {EXPIRES_DAYS_MAX} days, not {expires_days}; "
            "leave the expiry out for a key that does not expire."
        )
    return expires_days


@transaction.atomic
def api_key_create(
    *, partner: Partner, name: str, scopes: Iterable[str], expires_days: int | None = None, user=None
) -> tuple[PartnerAPIKey, str]:
    """Issue a key; returns it and the key itself, which is not stored and cannot be seen again."""
    name = " ".join(str(name).split())
    if not name:
        raise InputRejected("Name the key, for example after the tool that will use it.")
    if len(name) > KEY_NAME_MAX:
        raise InputRejected(f"A key's name has at most {KEY_NAME_MAX} characters; this one has {len(name)}.")
    scopes = scopes_clean(scopes)
    expires_days = expires_days_clean(expires_days)
    partner = Partner.objects.select_for_update().filter(pk=partner.pk).first()
    if partner is None:
        raise InputRejected("This partner has been removed.")
    if not partner.active:
        raise InputRejected(f"{partner.name}'s access is switched off: switch it on before issuing a key.")
    expiry = timezone.now() + timedelta(days=expires_days) if expires_days else None
    key, raw_key = PartnerAPIKey.objects.create_key(
        partner=partner,
        name=name,
        scopes=scopes,
        expiry_date=expiry,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    logger.info(
        "API key %s for partner %s issued (scopes %s) by %s",
        key.prefix,
        partner.pk,
        ",".join(scopes),
        getattr(user, "username", None) or "the command line",
    )
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, key: PartnerAPIKey, user=None) -> PartnerAPIKey:
    """Revoke at once (the next request with it is refused); revoking a revoked key changes nothing."""
    changed = PartnerAPIKey.objects.filter(pk=key.pk, revoked=False).update(revoked=True)
    key_cache.forget(key.prefix)  # `update` sends no signal: the key's cached row goes now
    if not changed and not PartnerAPIKey.objects.filter(pk=key.pk).exists():
        raise InputRejected("This key has been removed.")
    key.revoked = True
    if changed:
        logger.info(
            "API key %s of partner %s revoked by %s",
            key.prefix,
            key.partner_id,
            getattr(user, "username", None) or "the command line",
        )
    return key

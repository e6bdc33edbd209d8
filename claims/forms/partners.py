"""The forms of the partners pages: a new partner, and a new key for one.

They check the shape of what was typed; claims/services/partners.py judges it (a name taken, an unknown
scope, an expiry out of range), so the browser, the admin site and `create_api_key` refuse alike.
"""

from django import forms

from claims.choices import ApiScope
from claims.services.partners import EMAIL_MAX, EXPIRES_DAYS_MAX, KEY_NAME_MAX, PARTNER_NAME_MAX


class PartnerForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=PARTNER_NAME_MAX,
        help_text="The organisation whose tools will use the API, as its people would recognise it.",
        error_messages={"required": "Name the partner."},
    )
    contact_email = forms.EmailField(
        label="Contact email (optional)",
        required=False,
        max_length=EMAIL_MAX,
        help_text="Told when one of its webhook endpoints keeps failing and is switched off.",
        error_messages={"invalid": "Enter an email address, like tech@newsroom.example."},
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="Key name",
        max_length=KEY_NAME_MAX,
        help_text="What will use it, e.g. “CMS production”. Lists show it beside the key's prefix.",
        error_messages={"required": "Name the key, for example after the tool that will use it."},
    )
    scopes = forms.MultipleChoiceField(
        label="Scopes",
        choices=ApiScope.choices,
        initial=[ApiScope.READ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one scope.",
            "invalid_choice": "“%(value)s” is not a scope.",
        },
    )
    expires_days = forms.IntegerField(
        label="Expires after (days, optional)",
        required=False,
        min_value=1,
        max_value=EXPIRES_DAYS_MAX,
        # A text box with a numeric keyboard rather than a number spinner (which a scroll wheel changes).
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
        help_text=f"From 1 to {EXPIRES_DAYS_MAX:,} days. Leave it empty for a key that does not expire.",
        error_messages={
            "invalid": "Enter the expiry as a whole number of days.",
            "min_value": "A key lasts at least a day: enter 1 or more, or leave it empty.",
            "max_value": f"Enter {EXPIRES_DAYS_MAX:,} days or fewer, or leave it empty for no expiry.",
        },
    )

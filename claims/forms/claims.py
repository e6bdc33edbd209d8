"""Forms for reviewers' edits to claims.

They check shape only; the rules live in claims.services.claim_editing.
"""

from django import forms
from django.contrib.auth import get_user_model

from claims.choices import ClaimantKind
from claims.forms.common import VersionedForm
from claims.models import Claim
from claims.selectors.claim_editing import split_choices
from claims.services.claim_editing import CLAIMANT_MAX, NORMALISED_MAX, REASON_MAX


class ClaimSelectionForm(forms.Form):
    """A browser selection: the quote (W3C TextQuoteSelector) and where the page says it starts, in UTF-16."""

    exact = forms.CharField(
        strip=False, max_length=20_000, error_messages={"required": "Select some text first."}
    )
    prefix = forms.CharField(strip=False, required=False, max_length=500)
    suffix = forms.CharField(strip=False, required=False, max_length=500)
    utf16_start = forms.IntegerField(required=False, min_value=0)


class DismissForm(VersionedForm):
    reason = forms.CharField(
        label="Reason for dismissing",
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The one-click answer: not worth checking (a "No" for the check-worthiness model); no reason needed.
    not_checkworthy = forms.BooleanField(label="Not check-worthy", required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("reason") or "").strip() and not data.get("not_checkworthy"):
            raise forms.ValidationError("Give a reason for dismissing the claim.")
        return data


class RestoreForm(VersionedForm):
    pass


class RewordForm(VersionedForm):
    normalised_text = forms.CharField(
        label="Normalised wording",
        required=False,
        max_length=NORMALISED_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "A self-contained wording of the claim; its place in the article stays as it is. Empty clears it."
        ),
    )
    claimant = forms.CharField(
        label="Claimant",
        required=False,
        max_length=CLAIMANT_MAX,
        help_text="Who made the claim (a person or an organisation), if the article says. Empty clears it.",
    )
    claimant_kind = forms.ChoiceField(
        label="The claimant is",
        required=False,
        choices=[("", "Not said"), *ClaimantKind.choices],
    )


class AssignForm(VersionedForm):
    # Any user is accepted here; the service says clearly when someone may not be assigned.
    assignee = forms.ModelChoiceField(
        label="Assign to",
        queryset=get_user_model().objects.order_by("username"),
        required=False,
        empty_label="Nobody (unassign)",
    )


class MergeForm(VersionedForm):
    other = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    other_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    direction = forms.ChoiceField(
        required=False,
        choices=[("next", "next claim"), ("previous", "previous claim")],
        widget=forms.HiddenInput,
    )

    def clean(self):
        data = super().clean()
        if not data.get("other") and not data.get("direction"):
            raise forms.ValidationError("Choose the claim to merge with.")
        return data


class SplitForm(VersionedForm):
    """Where to split: an article offset (`at`), or the first words of the second part (`starts_with`)."""

    at = forms.IntegerField(label="Split before", required=False, min_value=0)
    starts_with = forms.CharField(
        label="Second part starts with",
        required=False,
        max_length=500,
        help_text="The first words of the second part, exactly as in the claim.",
    )

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        self.fields["at"].widget = forms.Select(
            choices=[("", "Choose where the second part starts")]
            + [(str(at), label) for at, label in split_choices(claim)]
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        at, starts_with = data.get("at"), (data.get("starts_with") or "").strip()
        if at is None and starts_with:
            at = self._offset_of(starts_with)
        if at is None:
            raise forms.ValidationError("Choose where the second part of the claim starts.")
        data["at"] = at
        return data

    def _offset_of(self, words: str) -> int:
        text = self.claim.text
        found = [i for i in range(1, len(text)) if text.startswith(words, i)]
        if not found:
            raise forms.ValidationError(f"“{words}” was not found after the start of the claim.")
        if len(found) > 1:
            raise forms.ValidationError(
                f"“{words}” occurs more than once in the claim: type a few more words."
            )
        return self.claim.start + found[0]

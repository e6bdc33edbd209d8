"""The form for citing a source for a claim: by URL (fetched in the background) or typed in by hand."""

from django import forms

from claims.choices import Stance
from claims.forms.common import VersionedForm
from claims.services import evidence as services

MODE_URL = "url"
MODE_MANUAL = "manual"


class EvidenceForm(forms.Form):
    """One form, two modes; the service checks everything again, this gives per-field messages."""

    mode = forms.ChoiceField(
        label="How do you cite it?",
        choices=[(MODE_URL, "By web address"), (MODE_MANUAL, "By hand (a call, a printed report…)")],
        widget=forms.RadioSelect,
        initial=MODE_URL,
    )
    url = forms.CharField(
        label="Web address",
        required=False,
        max_length=services.URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text="We fetch and archive the page in the background. Optional for a source by hand.",
    )
    stance = forms.ChoiceField(label="Stance", choices=Stance.choices)
    excerpt = forms.CharField(
        label="Quoted excerpt",
        required=False,
        max_length=services.EXCERPT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Copied word for word; it is checked against the archived copy.",
    )
    note = forms.CharField(
        label="Note", required=False, max_length=services.NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    title = forms.CharField(label="Title", required=False, max_length=services.TITLE_MAX)
    publisher = forms.CharField(
        label="Publisher or person", required=False, max_length=services.PUBLISHER_MAX
    )
    published_at = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    archived_text = forms.CharField(
        label="Text of the source",
        required=False,
        max_length=services.ARCHIVED_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Optional: a transcript or the relevant pages, archived so the excerpt can be checked.",
    )

    def clean(self):
        data = super().clean()
        mode = data.get("mode")
        if mode == MODE_URL and not (data.get("url") or "").strip():
            self.add_error("url", "Give the web address of the source.")
        if mode == MODE_MANUAL and not (data.get("title") or "").strip():
            self.add_error("title", "Give the source a title.")
        return data


class EvidenceDeleteForm(VersionedForm):
    """Withdrawing evidence carries the version the person saw (a merge may have moved it since)."""


class EvidenceEditForm(VersionedForm):
    """Correcting a piece of evidence: what it says about the claim, not which source it is."""

    stance = EvidenceForm.base_fields["stance"]
    excerpt = EvidenceForm.base_fields["excerpt"]
    note = EvidenceForm.base_fields["note"]

"""The export form: a format and the selection a report covers (claims/selectors/reports.py)."""

from django import forms

from claims.choices import ClaimStatus
from claims.exports import FORMATS
from claims.models import Rating
from claims.selectors.reports import ReportSelection

FORMAT_LABELS = {
    "pdf": "PDF",
    "html": "HTML (printable)",
    "csv": "CSV (spreadsheet)",
    "json": "JSON",
    "md": "Markdown",
    "claimreview": "ClaimReview (JSON-LD)",
}


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=[(name, FORMAT_LABELS.get(name, name)) for name in FORMATS])
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    date_from = forms.DateField(
        required=False, label="Verdicts from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(required=False, label="to", widget=forms.DateInput(attrs={"type": "date"}))
    publisher = forms.CharField(required=False, max_length=200, help_text="The article's site or publisher.")
    rating = forms.ModelChoiceField(
        queryset=Rating.objects.order_by("order"), to_field_name="slug", required=False, empty_label="Any"
    )
    reviewer = forms.CharField(required=False, max_length=150, help_text="The verdict author's username.")
    status = forms.MultipleChoiceField(
        choices=ClaimStatus.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Claim status"
    )
    with_drafts = forms.BooleanField(
        required=False,
        label="Include drafts (internal report)",
        help_text="Every claim of the selection, with verdicts not yet approved marked as drafts on every line. "
        "Without it, only published verdicts.",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The first date is after the second.")
        return cleaned

    def selection(self) -> ReportSelection:
        data = self.cleaned_data
        return ReportSelection(
            article_id=data.get("article"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            publisher=data.get("publisher", "").strip(),
            rating=data["rating"].slug if data.get("rating") else "",
            reviewer=data.get("reviewer", "").strip(),
            statuses=tuple(data.get("status") or ()),
        )

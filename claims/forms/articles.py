"""Forms for the article list filters and the three ways of adding an article."""

from django import forms
from django.conf import settings

from claims.selectors.articles import STATUS_AWAITING_APPROVAL, STATUS_NEEDS_REVIEW, STATUS_PUBLISHED

METHOD_PASTE = "paste"
METHOD_UPLOAD = "upload"
METHOD_URL = "url"


class ArticleFilterForm(forms.Form):
    q = forms.CharField(
        label="Search title and text",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. Hamas Moscow"}),
    )
    published_from = forms.DateField(
        label="Published from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(
        label="Published to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    publisher = forms.CharField(
        label="Publisher or site",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"list": "publisher-names"}),
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Any"),
            (STATUS_NEEDS_REVIEW, "Needs review (new or in-review claims)"),
            (STATUS_AWAITING_APPROVAL, "Awaiting approval"),
            (STATUS_PUBLISHED, "Has published verdicts"),
        ],
    )

    def filters(self) -> dict:
        """The valid filters, ignoring any that did not validate (the form shows why)."""
        data = self.cleaned_data if self.is_bound else {}
        return {
            "query": data.get("q") or "",
            "published_from": data.get("published_from"),
            "published_to": data.get("published_to"),
            "publisher": data.get("publisher") or "",
            "status": data.get("status") or "",
        }


class _AddForm(forms.Form):
    """The three forms share one page, so each gives its fields ids of its own (paste_url, url_url...)."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class PasteForm(_AddForm):
    id_prefix = METHOD_PASTE
    # Emptiness and size are judged by the ingest service, so every refusal reads the same way.
    text = forms.CharField(
        label="Article text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="A first line “date YYYY-MM-DD” is read as the publication date.",
    )
    title = forms.CharField(label="Title (optional)", required=False, max_length=500)
    url = forms.CharField(
        label="Original address (optional)",
        required=False,
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    published_at = forms.DateField(
        label="Publication date (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class UploadForm(_AddForm):
    id_prefix = METHOD_UPLOAD
    file = forms.FileField(
        label="File (.txt, .md or .html)",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.html,.htm"}),
    )
    title = forms.CharField(label="Title (optional)", required=False, max_length=500)

    def read_file(self) -> tuple[str, bytes]:
        """The file's name and at most one byte more than we accept, so the service can refuse it."""
        upload = self.cleaned_data["file"]
        return upload.name, upload.read(settings.INGEST_MAX_BYTES + 1)


class UrlForm(_AddForm):
    id_prefix = METHOD_URL
    url = forms.CharField(
        label="Web address of the article",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

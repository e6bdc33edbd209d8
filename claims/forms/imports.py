"""The editors' ClaimReview upload form: several files at once, each within the size the settings allow."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from claims.services.claimreviews import ImportFile

ACCEPTED = ".json,.jsonld,.jsonl,.ndjson,.html,.htm"
MAX_FILES = 50


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A FileField that takes several files (Django's documented recipe): cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ClaimReviewUploadForm(forms.Form):
    files = MultipleFileField(
        label="ClaimReview files",
        help_text=(
            "JSON-LD (single objects, arrays, @graph, a DataFeed), JSON Lines, a Google Fact Check Tools "
            "response, or saved fact-check pages (.html). Several files at once are fine."
        ),
    )
    saved_from = forms.URLField(
        label="Saved from (optional)",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="For saved pages: the address they came from, so their relative links can be resolved.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                f"Choose at most {MAX_FILES} files at a time (you chose {len(files)})."
            )
        limit = settings.CLAIMREVIEW_UPLOAD_MAX_BYTES
        too_large = [f.name for f in files if f.size > limit]
        if too_large:
            raise forms.ValidationError(
                f"{', '.join(too_large)}: larger than {filesizeformat(limit)}, the most one file may be. "
                "Split it, or ask an administrator to import it with manage.py import_claimreviews."
            )
        empty = [f.name for f in files if f.size == 0]
        if empty:
            raise forms.ValidationError(f"{', '.join(empty)}: the file is empty.")
        return files

    def import_files(self) -> list[ImportFile]:
        url = self.cleaned_data["saved_from"]
        return [ImportFile(name=f.name, data=f.read(), url=url) for f in self.cleaned_data["files"]]

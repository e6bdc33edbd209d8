"""Forms for verdicts, their review and the discussion. They check shape; the rules live in the services."""

from django import forms

from claims.forms.common import VersionedForm
from claims.models import Rating
from claims.services.comments import COMMENT_MAX_LENGTH
from claims.services.verdicts import RATIONALE_MAX_LENGTH, RETURN_COMMENT_MAX_LENGTH, SUMMARY_MAX_LENGTH

ACTION_SAVE = "save"
ACTION_SUBMIT = "submit"


class VerdictForm(forms.Form):
    rating = forms.ModelChoiceField(
        label="Rating",
        queryset=Rating.objects.filter(is_active=True),
        empty_label="Choose a rating…",
        error_messages={"required": "Choose a rating from the scale."},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"One or two sentences, at most {SUMMARY_MAX_LENGTH} characters.",
        error_messages={"required": "Write a summary of the verdict."},
    )
    rationale = forms.CharField(
        label="Rationale",
        required=False,
        max_length=RATIONALE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: *emphasis*, **strong**, lists, > quotes, [links](https://…).",
    )
    # The version the person started from (empty for a new verdict), for compare-and-set.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[(ACTION_SAVE, "Save draft"), (ACTION_SUBMIT, "Submit for review")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "verdict-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ReviewForm(VersionedForm):
    """Approve: only the version the editor reviewed."""


class ReturnForm(ReviewForm):
    comment = forms.CharField(
        label="What needs to change",
        max_length=RETURN_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what needs to change: returning a verdict needs a comment."},
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add a comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write something before posting a comment."},
    )

from django import forms


class VersionedForm(forms.Form):
    """An edit carries the version of the object the person saw, for compare-and-set."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

"""The form for registering a feed and changing one.

It checks the shape of what was typed; the feeds service judges the address (malformed, internal, already
registered), so every refusal of an address reads the same from the browser and the command line.
"""

from django import forms

from claims.services.feeds import NAME_MAX, POLL_MINUTES_MAX, POLL_MINUTES_MIN, URL_MAX


class FeedForm(forms.Form):
    url = forms.CharField(
        label="Feed address",
        max_length=URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/feed.xml", "autocomplete": "url"}),
        help_text="An RSS, Atom or JSON Feed address.",
        error_messages={"required": "Enter the feed’s web address."},
    )
    name = forms.CharField(
        label="Name (optional)",
        required=False,
        max_length=NAME_MAX,
        help_text="Leave it empty to use the feed’s own title.",
    )
    poll_minutes = forms.IntegerField(
        label="Poll every (minutes)",
        initial=60,
        min_value=POLL_MINUTES_MIN,
        max_value=POLL_MINUTES_MAX,
        # A text box with a numeric keyboard rather than a number spinner (which a scroll wheel changes).
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
        help_text=f"From {POLL_MINUTES_MIN} minutes to 7 days ({POLL_MINUTES_MAX:,} minutes).",
        error_messages={
            "required": "Say how often to poll the feed, in minutes.",
            "invalid": "Enter the polling interval as a whole number of minutes.",
            "min_value": f"Poll at most every {POLL_MINUTES_MIN} minutes: enter {POLL_MINUTES_MIN} or more.",
            "max_value": f"Poll at least once a week: enter {POLL_MINUTES_MAX:,} minutes (7 days) or fewer.",
        },
    )
    active = forms.BooleanField(label="Poll this feed", required=False, initial=True)
    fetch_pages = forms.BooleanField(
        label="Fetch each item’s full page",
        required=False,
        initial=True,
        help_text="Read the linked article in the background (where its site’s robots.txt allows), "
        "not only the feed’s summary.",
    )

    @classmethod
    def for_feed(cls, feed, data=None) -> "FeedForm":
        initial = {
            "url": feed.url,
            "name": feed.name,
            "poll_minutes": feed.poll_minutes,
            "active": feed.active,
            "fetch_pages": feed.fetch_pages,
        }
        return cls(data, initial=initial)

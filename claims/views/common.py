from django.shortcuts import redirect
from django.urls import reverse


def is_fragment_request(request) -> bool:
    """The page's own script asks for a fragment (the side panel) rather than a whole page."""
    return request.headers.get("X-Requested-With") == "fetch"


def claim_redirect(claim):
    """Back to the article with this claim selected in the side panel."""
    return redirect(f"{reverse('article_detail', args=[claim.article_id])}?claim={claim.pk}#claim-panel")

"""Data from outside the workbench, read into plain records: no Django and no models in this package.

claimreview.py reads schema.org ClaimReview files (JSON-LD, JSON Lines, DataFeeds, Google Fact Check Tools
answers, saved HTML pages) with the help of documents.py, values.py and ratings.py:

    from claims.outside.claimreview import parse_claimreviews

    result = parse_claimreviews(data, "politifact.html", url="https://...", ratings={"Falso": "false"})
    result.records   # ClaimReviewRecord, one per usable review
    result.errors    # [{"record": 3, "reason": "no claim text (claimReviewed is empty, ...)"}, ...]

Nothing is imported here, so that loading one module of the package does not load the others.
"""

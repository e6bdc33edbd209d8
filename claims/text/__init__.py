"""The text core: plain Python over plain strings, with no Django and no models.

Splitting an article into sentences, scoring check-worthiness, anchoring quotes in text that changes,
extracting an article from fetched bytes, canonical URLs and excerpt matching live here so that they can
be tested, benchmarked and reused without a database. `claims/services/` adapts them to the models.
"""

"""Related coverage: the retrieval engine that matches claims to earlier fact-checks and coverage.

Pure Python + numpy + the retrieval libraries (bm25s, the packaged MiniLM model): no Django here.
"""

"""Benchmark: sentence splitting + check-worthiness scoring against pysbd alone.

    .venv/bin/python bench/bench_splitting.py [--articles 1000] [--seed 7]

Generates news-like articles deterministically, then in one process times
  1. pysbd on its own (``Segmenter(char_span=False).segment`` on each whole article), and
  2. ``split_sentences`` + ``assess`` on every sentence (what ingest does),
and reports sentences/s, articles/s, the ratio full/pysbd and peak memory. Prints a Markdown table
and a JSON line; exits 1 when the full pipeline runs at less than half of pysbd's speed.
Needs no database and no Django settings.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pysbd  # noqa: E402

from claims.text.checkworthiness import assess  # noqa: E402
from claims.text.splitting import split_sentences  # noqa: E402

MIN_RATIO = 0.5

FIRST = ["Maria", "John", "Ahmed", "Olga", "Wei", "Fatima", "Pierre", "Amara", "Kenji", "Lucia"]
LAST = ["Garcia", "Smith", "Haddad", "Petrova", "Zhang", "Okafor", "Dubois", "Tanaka", "Rossi", "Abbas"]
TITLES = ["Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Sen.", "Gov.", "President", "Minister"]
ORGS = [
    "the U.S. Department of Energy",
    "the European Commission",
    "Acme Corp.",
    "the World Bank",
    "the U.N. Security Council",
    "St. Mary's Hospital",
    "the Federal Reserve",
    "Globex Inc.",
]
PLACES = ["Washington, D.C.", "Moscow", "Nairobi", "São Paulo", "the U.K.", "Berlin", "Jakarta", "Gaza"]
MONTHS = ["Jan.", "Feb.", "March", "April", "Aug.", "Sept.", "Oct.", "Dec."]
TOPICS = [
    "inflation",
    "unemployment",
    "the budget deficit",
    "vaccination rates",
    "oil exports",
    "housing prices",
    "carbon emissions",
    "wages",
]
VERBS_UP = ["rose", "increased", "climbed", "jumped", "grew"]
VERBS_DOWN = ["fell", "dropped", "declined", "slipped", "decreased"]
OPINIONS = [
    "It is essential that leaders act now to protect the most vulnerable.",
    "Many observers hope this will open the way to a brighter future.",
    "This shows a clear commitment to dialogue, which is important.",
    "We should not forget what is at stake here.",
    "Critics say the plan could potentially backfire, e.g. by raising costs.",
]


def _person(r: random.Random) -> str:
    return f"{r.choice(TITLES)} {r.choice(FIRST)} {r.choice(LAST)}"


def _sentence(r: random.Random) -> str:
    kind = r.randrange(9)
    topic, org, place = r.choice(TOPICS), r.choice(ORGS), r.choice(PLACES)
    a, b = round(r.uniform(0.5, 15), 1), round(r.uniform(0.5, 15), 1)
    if kind == 0:
        verb = r.choice(VERBS_UP if a > b else VERBS_DOWN)
        return (
            f"{topic.capitalize()} {verb} to {a}% in {r.choice(MONTHS)} {r.randint(2015, 2024)}, from {b}%."
        )
    if kind == 1:
        return (
            f'"We will not accept this," {_person(r)} said on {r.choice(MONTHS)} {r.randint(1, 28)}. '
            f'"The numbers speak for themselves."'
        )
    if kind == 2:
        return f"According to {org}, about {r.randint(2, 900)},000 people in {place} were affected."
    if kind == 3:
        return f"{_person(r)} arrived in {place} at 9 a.m. for talks with officials from {org}."
    if kind == 4:
        return (
            f"The company reported revenue of ${a} billion, i.e. {r.randint(2, 40)} percent more "
            f"than in {r.randint(2010, 2022)}."
        )
    if kind == 5:
        return f"Is {topic} really the problem... or is it something else?"
    if kind == 6:
        return r.choice(OPINIONS)
    if kind == 7:
        return f"Officials in {place} voted {r.randint(5, 60)} to {r.randint(1, 40)} to approve the measure."
    decade = r.choice(["1990s", "2000s"])
    page = r.randint(2, 99)
    return f"The report, published by {org} (see p. {page}), covers {topic} since the early {decade}."


def make_article(r: random.Random) -> str:
    parts = [
        f"# {r.choice(TOPICS).capitalize()} in {r.choice(PLACES)}",
        "",
        f"By {r.choice(FIRST)} {r.choice(LAST)}",
        "",
    ]
    for _ in range(r.randint(4, 8)):
        roll = r.random()
        if roll < 0.15:
            parts.append(f"{r.choice(['What happened', 'Background', 'Key numbers', 'Reaction'])}")
        elif roll < 0.3:
            parts.extend(
                f"{r.choice(['-', '*', '•', f'{i}.'])} {_sentence(r)}" for i in range(1, r.randint(2, 5))
            )
            parts.append("")
            continue
        parts.append(" ".join(_sentence(r) for _ in range(r.randint(2, 5))))
        parts.append("")
    return "\n".join(parts)


def _measure(fn, texts: list[str]) -> tuple[float, int]:
    gc.collect()
    started = time.perf_counter()
    count = 0
    for text in texts:
        count += fn(text)
    return time.perf_counter() - started, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    texts = [make_article(rng) for _ in range(args.articles)]
    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)

    def pysbd_only(text: str) -> int:
        return len(segmenter.segment(text))

    def full(text: str) -> int:
        spans = split_sentences(text)
        for span in spans:
            assess(span.text)
        return len(spans)

    for text in texts[:20]:  # warm-up: regex compilation, caches
        pysbd_only(text)
        full(text)

    pysbd_seconds, pysbd_sentences = _measure(pysbd_only, texts)
    full_seconds, full_sentences = _measure(full, texts)
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    # tracemalloc slows Python code several-fold, so peak allocation is measured in its own pass.
    tracemalloc.start()
    _measure(full, texts[:200])
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    result = {
        "articles": len(texts),
        "chars": sum(map(len, texts)),
        "pysbd_sentences": pysbd_sentences,
        "pysbd_sentences_per_s": round(pysbd_sentences / pysbd_seconds, 1),
        "pysbd_articles_per_s": round(len(texts) / pysbd_seconds, 1),
        "full_sentences": full_sentences,
        "full_sentences_per_s": round(full_sentences / full_seconds, 1),
        "full_articles_per_s": round(len(texts) / full_seconds, 1),
        "ratio_full_over_pysbd": round(pysbd_seconds / full_seconds, 3),
        "peak_rss_mib": round(rss_kib / 1024, 1),
        "tracemalloc_peak_mib_200_articles": round(traced_peak / 2**20, 2),
    }
    print("| pipeline | sentences | sentences/s | articles/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| pysbd alone | {pysbd_sentences} | {result['pysbd_sentences_per_s']:,.0f} "
        f"| {result['pysbd_articles_per_s']:,.1f} |"
    )
    print(
        f"| split_sentences + assess | {full_sentences} | {result['full_sentences_per_s']:,.0f} "
        f"| {result['full_articles_per_s']:,.1f} |"
    )
    print()
    print(
        f"ratio full/pysbd (articles/s): {result['ratio_full_over_pysbd']}; "
        f"peak RSS {result['peak_rss_mib']} MiB; "
        f"tracemalloc peak (200 articles) {result['tracemalloc_peak_mib_200_articles']} MiB"
    )
    print(json.dumps(result))
    if result["ratio_full_over_pysbd"] < MIN_RATIO:
        print(f"FAIL: full pipeline below {MIN_RATIO} of pysbd's speed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

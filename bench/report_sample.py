"""Write the sample verdict report in docs/: docs/report-sample.pdf and its first page, docs/report-sample.png.

A throwaway SQLite database in a temporary folder: migrated, the seed article ingested
(../shared/seed/000_9fe0ddd6bad35aa8.txt), and five demo verdicts written, submitted and approved through
the services, as reviewers and editors do. The verdicts, sources and excerpts are demo material for the
sample, marked as such: neutral notes on what the article claims, not fact-checks of record.

Run with `.venv/bin/python bench/report_sample.py` (needs pdftoppm from poppler-utils).
"""

import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared")) / "seed" / "000_9fe0ddd6bad35aa8.txt"
DOCS = ROOT / "docs"
DEMO = "*Demo verdict for the sample report: not a fact-check of record.*"
DEMO_PUBLISHER = "Demo Wire (sample source)"

# (how the claim starts, rating slug, summary, rationale, [(stance, source title, excerpt)])
VERDICTS = [
    (
        "This unexpected visit comes shortly after",
        "mostly-true",
        "The visit did follow the attack of 7 October 2023 by a few weeks; “unexpected” is the article’s word.",
        f"{DEMO}\n\nThe order of events matches the public record: the attack on Israel came first, the delegation’s "
        "visit to Moscow later that month. Whether the visit was *unexpected* is a characterisation, not a fact "
        "the sources state, so the rating stops short of **True**.",
        [
            (
                "supports",
                "Demo: timeline of the October 2023 attack and its aftermath",
                "The attack began on 7 October.",
            ),
            (
                "context",
                "Demo: Moscow confirms talks with a Hamas delegation",
                "The foreign ministry confirmed the meeting.",
            ),
        ],
    ),
    (
        "Led by Moussa Abu Marzouk",
        "true",
        "Reports of the visit name Moussa Abu Marzouk as the head of the delegation.",
        f"{DEMO}\n\nThe sources cited name the same delegation leader as the article. The article itself says the "
        "content of the meetings was not disclosed; this verdict covers who led the delegation, not what was said.",
        [
            (
                "supports",
                "Demo: Hamas delegation led by Abu Marzouk holds talks in Moscow",
                "The delegation was led by Moussa Abu Marzouk.",
            ),
        ],
    ),
    (
        "In parallel, Russia is also actively engaging",
        "unverifiable",
        "No date for a visit by Mahmud Abbas had been announced when the article was published.",
        f"{DEMO}\n\nThat a visit is *expected soon* cannot be checked against a published schedule. The rating "
        "can be revisited once a date is announced or the visit takes place.",
        [
            (
                "context",
                "Demo: Kremlin briefing on contacts with the Palestinian Authority",
                "No date has been set for the visit.",
            ),
        ],
    ),
    (
        "Russia’s outreach to both Hamas and Israel",
        "missing-context",
        "The article presents an opinion about Russia’s “impartiality” as a finding.",
        f"{DEMO}\n\n“Commitment to impartiality” is an assessment, and the article gives no source for it. Readers "
        "would need the views of the other parties, including Israel’s response to the visit, to weigh it.",
        [
            (
                "context",
                "Demo: Israel’s foreign ministry responds to the Moscow visit",
                "Israel criticised the invitation.",
            ),
            (
                "refutes",
                "Demo: analysts on Russia’s role as a mediator",
                "Analysts questioned whether Moscow is seen as neutral.",
            ),
        ],
    ),
    (
        "As the Hamas delegation’s visit to Moscow marks",
        "half-true",
        "The visit was among the first foreign trips of Hamas officials after the attack, not the only one.",
        f"{DEMO}\n\nThe visit to Moscow followed the attack, but “the first engagement” overstates what the sources "
        "show: officials of the group also held talks elsewhere in the same weeks.",
        [
            (
                "context",
                "Demo: Hamas officials’ foreign contacts after 7 October",
                "Officials also met mediators in Doha.",
            ),
        ],
    ),
]


def setup(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["JOB_RUNNER"] = "eager"
    os.environ["COVERAGE_AUTO_JOBS"] = "false"  # no embedding model for a sample
    os.environ.setdefault("ORGANISATION_NAME", "Harbour Fact Desk (demo)")
    os.environ.setdefault("PUBLIC_BASE_URL", "https://factcheck.example")

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def person(username: str, first_name: str, last_name: str, *, role: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username=username, first_name=first_name, last_name=last_name)
    user.groups.add(Group.objects.get(name=role))
    return user


def write_demo_verdicts() -> None:
    from claims.models import Rating
    from claims.services.evidence import evidence_add_manual
    from claims.services.ingest import article_ingest_text
    from claims.services.verdicts import verdict_approve, verdict_save, verdict_submit

    reviewer = person("rhea", "Rhea", "Lindqvist", role="reviewer")
    editor = person("omar", "Omar", "Haddad", role="editor")
    article = article_ingest_text(
        text=SEED.read_text(encoding="utf-8"),
        user=reviewer,
        title="Hamas delegation in Moscow for talks (demo article)",
        url="https://news.example/world/hamas-delegation-moscow",
    ).article
    article.site_name = "News Example"
    article.save(update_fields=["site_name"])
    for start, slug, summary, rationale, sources in VERDICTS:
        claim = article.claims.get(text__startswith=start)
        for n, (stance, title, excerpt) in enumerate(sources):
            evidence_add_manual(
                claim=claim,
                title=title,
                publisher=DEMO_PUBLISHER,
                published_at=datetime.date(2023, 10, 26 + n),
                url=f"https://wire.example/demo/{claim.pk}-{n}",
                archived_text=f"Demo archive. {excerpt} (Sample text for the report.)",
                stance=stance,
                excerpt=excerpt,
                user=reviewer,
            )
        verdict = verdict_save(
            claim=claim,
            rating=Rating.objects.get(slug=slug),
            summary=summary,
            rationale=rationale,
            user=reviewer,
        )
        verdict = verdict_submit(verdict=verdict, user=reviewer, expected_version=verdict.version)
        verdict_approve(verdict=verdict, user=editor, expected_version=verdict.version)


def write_sample() -> tuple[Path, Path]:
    from django.contrib.auth import get_user_model

    from claims.exports import build_report
    from claims.exports.pdf import pdf_bytes
    from claims.models import Article
    from claims.selectors.reports import ReportSelection

    editor = get_user_model().objects.get(username="omar")
    article = Article.objects.get()
    report = build_report(
        user=editor,
        selection=ReportSelection(article_id=article.pk),
        title="Verdict report: Hamas delegation in Moscow",
    )
    pdf = DOCS / "report-sample.pdf"
    pdf.write_bytes(pdf_bytes(report))
    png = DOCS / "report-sample.png"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(png.with_suffix("")),
        ],
        check=True,
    )
    return pdf, png


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        setup(Path(folder) / "sample.sqlite3")
        write_demo_verdicts()
        pdf, png = write_sample()
    print(f"Wrote {pdf.relative_to(ROOT)} ({pdf.stat().st_size:,} bytes) and {png.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

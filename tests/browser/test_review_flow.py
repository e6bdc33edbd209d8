"""The reviewer workbench in a real browser: from a pasted article to a published verdict.

Each test drives Debian's headless Chromium against a live server on the test database. Sources are
served by a local site on the fetch allow-list; nothing leaves this machine.
"""

import re

import pytest
from playwright.sync_api import expect

from claims.choices import ClaimOrigin, ClaimStatus, VerdictStatus
from claims.models import Article, Claim, Evidence
from claims.services.ingest import article_ingest_text
from claims.services.verdicts import verdict_save, verdict_submit
from tests.factories import rating
from tests.support.local_site import LocalSite, Page

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Moscow talks | Wire Service</title>
<meta name="author" content="Wire Desk"><meta property="og:site_name" content="Wire Service"></head><body>
<article><h1>Hamas delegation in Moscow</h1>
<p>A Hamas delegation led by Moussa Abu Marzouk held talks at the Russian foreign ministry on Thursday.</p>
<p>Officials said Palestinian Authority president Mahmoud Abbas was also expected in Moscow soon.</p>
</article></body></html>"""

SELECT_TEXT = """(needle) => {
  const container = document.getElementById("article-text");
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let total = 0, node;
  while ((node = walker.nextNode())) { nodes.push([node, total]); total += node.data.length; }
  const start = container.textContent.indexOf(needle);
  if (start < 0) throw new Error("not in the article: " + needle);
  const locate = (pos) => { for (const [n, offset] of nodes) if (pos <= offset + n.data.length) return [n, pos - offset]; };
  const range = document.createRange();
  range.setStart(...locate(start));
  range.setEnd(...locate(start + needle.length));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
}"""


def test_a_claim_goes_from_pasted_article_to_published_verdict(
    sign_in, screenshot, alice, carol, seed_text, settings
):
    with LocalSite({"/moscow-talks": Page(body=SOURCE_PAGE.encode())}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.host]

        # A reviewer adds the seed article by paste and sees its claims highlighted in place.
        page = sign_in(alice)
        page.get_by_role("link", name="Add article").click()
        page.get_by_label("Article text").fill(seed_text)
        page.get_by_role("region", name="Paste text").get_by_label("Title (optional)").fill(
            "Hamas delegation visits Moscow"
        )
        page.get_by_role("button", name="Add and split into claims").click()
        expect(page.locator("#article-text a.claim").first).to_be_visible()
        article = Article.objects.get()
        assert page.locator("#article-text a.claim").count() >= article.claims.count() >= 12
        assert page.locator("#article-text").text_content() == article.text
        screenshot(page, "article-page")

        # She makes a claim by selecting text, with the keyboard shortcut.
        page.evaluate(SELECT_TEXT, "Moussa Abu Marzouk, a senior member of the organization")
        expect(page.locator("#make-claim-button")).to_be_visible()
        page.keyboard.press("c")
        expect(page.locator("[data-claim-panel]")).to_contain_text("Moussa Abu Marzouk, a senior member")
        claim = Claim.objects.get(origin=ClaimOrigin.MANUAL)
        assert claim.text == "Moussa Abu Marzouk, a senior member of the organization"
        assert article.text[claim.start : claim.end] == claim.text

        # She attaches a source served by a local page; it is fetched, archived and the excerpt checked.
        page.wait_for_load_state("load")  # the shortcut keys are bound once the page's script has run
        page.keyboard.press("s")
        panel = page.locator("#claim-panel")
        expect(panel.get_by_label("Web address")).to_be_visible()
        panel.get_by_label("Web address").fill(site.url("/moscow-talks"))
        panel.get_by_label("Stance").select_option("supports")
        panel.get_by_label("Quoted excerpt").fill("A Hamas delegation led by Moussa Abu Marzouk held talks")
        panel.get_by_role("button", name="Add source").click()
        expect(page.locator("#claim-panel")).to_contain_text("Wire Service")
        evidence = Evidence.objects.select_related("source").get(claim=claim)
        assert evidence.source.archived_text and evidence.excerpt_verified is True

        # She proposes a verdict and submits it for review.
        panel = page.locator("#claim-panel")
        panel.get_by_label("Rating").select_option(label="True")
        panel.get_by_label("Summary").fill("Abu Marzouk led the delegation, as wire reports confirm.")
        panel.get_by_label("Rationale").fill("The **wire report** names him as the head of the delegation.")
        panel.get_by_role("button", name="Submit for review").click()
        expect(page.locator("#claim-panel")).to_contain_text("Awaiting approval")
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.AWAITING_APPROVAL
        screenshot(page.locator("#claim-panel"), "claim-panel")

        # Who did what is visible: the claim's history opens in the panel.
        page.locator("#claim-panel summary", has_text="History").click()
        expect(page.locator("#claim-panel .history-list")).to_contain_text("Alice")

        # An editor approves it, and the claim shows as published.
        editor = sign_in(carol)
        expect(editor.locator("main")).to_contain_text("Moussa Abu Marzouk, a senior member")
        editor.goto(f"/claims/{claim.pk}/")
        editor.get_by_role("button", name="Approve and publish").click()
        expect(editor.locator("#claim-panel")).to_contain_text("Published")
        claim.refresh_from_db()
        assert claim.status == ClaimStatus.PUBLISHED
        assert claim.verdicts.get().approver == carol
        mark = editor.locator(f'#article-text a.claim[data-claim="{claim.pk}"]').first
        expect(mark).to_have_class(re.compile(r"status-published"))
        editor.goto("/")
        screenshot(editor, "dashboard", full_page=True)


def test_a_claim_selected_in_emoji_and_non_latin_text_is_stored_exactly(sign_in, alice):
    text = "Der Bürgermeister 👍🏽 sagte am Montag: «東京は大きい», und 🇺🇦 Київ прийняв 12 рішень."
    article = article_ingest_text(text=text, title="Unicode", user=alice).article
    page = sign_in(alice)
    page.goto(f"/articles/{article.pk}/")
    for needle in ("東京は大きい", "🇺🇦 Київ прийняв 12"):
        page.evaluate(SELECT_TEXT, needle)
        page.keyboard.press("c")
        expect(page.locator("[data-claim-panel]")).to_contain_text(needle)
        assert Claim.objects.filter(article=article, text=needle, origin=ClaimOrigin.MANUAL).exists()


def test_two_people_editing_the_same_verdict_the_later_save_is_refused(sign_in, alice, bob):
    article = article_ingest_text(text="The port handled 2 million containers in 2023.", user=alice).article
    claim = article.claims.get()
    verdict_save(claim=claim, rating=rating("mostly-true"), summary="Close.", rationale="", user=alice)

    first, second = sign_in(alice), sign_in(bob)
    for page in (first, second):
        page.goto(f"/claims/{claim.pk}/verdict/")
    first.get_by_label("Summary").fill("Alice's wording.")
    first.get_by_role("button", name="Save draft").click()
    expect(first.locator("main")).not_to_contain_text("not saved")

    second.get_by_label("Summary").fill("Bob's wording.")
    second.get_by_role("button", name="Save draft").click()
    conflict = second.locator(".conflict")
    expect(conflict).to_contain_text("not saved")
    expect(conflict).to_contain_text("Alice")
    expect(conflict).to_contain_text("Alice's wording.")
    assert claim.verdicts.get().summary == "Alice's wording."


def test_nobody_can_approve_their_own_verdict(sign_in, alice, carol, dan):
    article = article_ingest_text(text="Unemployment fell to 4.1% in March.", user=carol).article
    claim = article.claims.get()
    verdict = verdict_save(claim=claim, rating=rating("true"), summary="Right.", rationale="", user=carol)
    verdict_submit(verdict=verdict, user=carol, expected_version=verdict.version)

    for person in (carol, alice):  # the author, and a reviewer without the right to approve
        page = sign_in(person)
        page.goto(f"/claims/{claim.pk}/")
        expect(page.locator("#claim-panel")).to_contain_text("Awaiting approval")
        expect(page.get_by_role("button", name="Approve and publish")).to_have_count(0)

    other_editor = sign_in(dan)
    other_editor.goto(f"/claims/{claim.pk}/")
    expect(other_editor.get_by_role("button", name="Approve and publish")).to_have_count(1)
    claim.verdicts.get(status=VerdictStatus.SUBMITTED)


def test_keyboard_moves_between_claims_and_lists_the_keys(sign_in, alice):
    article = article_ingest_text(
        text="Prices rose 4% in May. Exports fell 2%. Imports were flat.", user=alice
    ).article
    first, second = article.claims.order_by("start")[:2]
    page = sign_in(alice)
    page.goto(f"/articles/{article.pk}/")

    page.keyboard.press("j")
    expect(page.locator(f'[data-claim-panel="{first.pk}"]')).to_be_visible()
    page.keyboard.press("j")
    expect(page.locator(f'[data-claim-panel="{second.pk}"]')).to_be_visible()
    page.keyboard.press("k")
    expect(page.locator(f'[data-claim-panel="{first.pk}"]')).to_be_visible()
    page.keyboard.press("e")
    expect(page.get_by_label("Rating")).to_be_focused()
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    expect(page.locator("#keys-dialog")).to_be_visible()
    expect(page.locator("#keys-dialog")).to_contain_text("Next / previous claim")


def test_one_click_dismisses_an_opinion_as_not_check_worthy(sign_in, alice, seed_text):
    article = article_ingest_text(text=seed_text, user=alice).article
    claim = article.claims.order_by("start").first()
    page = sign_in(alice)
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    panel = page.locator("#claim-panel")

    panel.get_by_text("Dismiss", exact=True).click()  # the disclosure
    panel.get_by_role("button", name="Not check-worthy: dismiss").click()  # no reason typed: none needed

    expect(page.get_by_text("Claim dismissed as not check-worthy")).to_be_visible()
    claim.refresh_from_db()
    assert (claim.status, claim.not_checkworthy) == (ClaimStatus.DISMISSED, True)

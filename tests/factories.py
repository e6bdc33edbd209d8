import hashlib

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from claims.models import Article, Claim, Comment, Evidence, Job, Rating, Source, Verdict
from claims.services.verdicts import cite_claim_evidence

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """UserFactory(role="reviewer") puts the user in that role's group."""
        if extracted:
            user.groups.add(Group.objects.get(name=extracted))
        user.save()


class ArticleFactory(factory.django.DjangoModelFactory):
    """A stored article without claims; use the ingest services when the claims matter."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    text = factory.Sequence(
        lambda n: f"The council approved budget number {n} on Tuesday. It cost 5 million euros."
    )
    content_hash = factory.LazyAttribute(lambda a: hashlib.sha256(a.text.encode()).hexdigest())
    ingest_method = "paste"


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim over the first sentence-sized span of its article (override start/end as needed)."""

    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda c: c.article.text.find(".") + 1 or len(c.article.text))
    text = factory.LazyAttribute(lambda c: c.article.text[c.start : c.end])
    checkworthiness = 0.7
    kind = "factual"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    publisher = "Example Gazette"


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    stance = "supports"
    excerpt = "A quoted passage."
    author = factory.SubFactory(UserFactory)


def rating(slug: str = "false") -> Rating:
    """One of the default ratings the migration ships."""
    return Rating.objects.get(slug=slug)


class VerdictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Verdict

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(rating)
    summary = "The figure is wrong."
    rationale = "The **official** report says otherwise."
    author = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A published verdict always has an approver (not its author) and a publication time.
        if kwargs.get("status") == "published":
            if kwargs.get("approver") is None:
                kwargs["approver"] = UserFactory()
            kwargs.setdefault("published_at", timezone.now())
        verdict = super()._create(model_class, *args, **kwargs)
        if verdict.status == "published":
            # As approving does: the verdict cites the claim's evidence as it stands (create that first).
            cite_claim_evidence(verdict=verdict)
        return verdict


def cited_as_published(verdict: Verdict) -> Verdict:
    """Make a published verdict cite its claim's evidence as it stands now, as if all of it had been there
    when the verdict was approved (for specifications that add evidence after making the verdict)."""
    verdict.cited_evidence.all().delete()
    cite_claim_evidence(verdict=verdict)
    return verdict


class JobFactory(factory.django.DjangoModelFactory):
    """A queued URL job, as if its request had just committed (not handed over: enqueued_at is empty)."""

    class Meta:
        model = Job

    kind = "ingest_url"
    url = factory.Sequence(lambda n: f"https://example.org/page/{n}")
    created_by = factory.SubFactory(UserFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory)
    body = "Worth a second look."


# Three claims, one per sentence: the article most claim-editing specifications work on.
BUDGET_TEXT = (
    "The council approved the budget on Tuesday. It cost 5 million euros. Critics said it was far too high."
)
BUDGET_SENTENCES = [
    "The council approved the budget on Tuesday.",
    "It cost 5 million euros.",
    "Critics said it was far too high.",
]


def budget_claims(article) -> list:
    """One claim per sentence of BUDGET_TEXT in `article`, in order."""
    made = []
    for sentence in BUDGET_SENTENCES:
        start = article.text.index(sentence)
        made.append(ClaimFactory(article=article, start=start, end=start + len(sentence)))
    return made


def fresh(obj):
    """The row as the database now has it."""
    return type(obj).objects.get(pk=obj.pk)

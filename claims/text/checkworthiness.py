"""A transparent check-worthiness score for one sentence.

Database-free. Each feature is a word list or a regular expression with a hand-set weight; the
weights are summed with a bias and squashed through a logistic function. Nothing here is fitted
to a data set: the weights encode what fact-checkers look for (numbers, named actors, events that
happened, attributed statements) and what they pass over (advocacy, hedges, personal feelings,
questions, pleasantries), so the score should carry over to text unlike any we have seen.

Every feature that fires is listed in ``Assessment.reasons`` so a reviewer can see why a sentence
was ranked where it was.

Word lists are matched against the sentence's lower-cased tokens (a set intersection and a few
substring tests) rather than as regex alternations, which keeps ``assess`` at tens of thousands of
sentences a second.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["CHECKWORTHY_THRESHOLD", "KINDS", "Assessment", "assess"]

# Kinds of claim: the same values as claims.choices.ClaimKind, which the models store.
FACTUAL = "factual"
STATISTICAL = "statistical"
QUOTE = "quote"
PREDICTION = "prediction"
OPINION = "opinion"
QUESTION = "question"
OTHER = "other"
KINDS = (FACTUAL, STATISTICAL, QUOTE, PREDICTION, OPINION, QUESTION, OTHER)

# A sentence is "check-worthy" at or above this score: with the bias below, it takes about two
# independent factual signals (a number and a named actor, an event and a date, ...) that no
# opinion signal cancels.
CHECKWORTHY_THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float  # in [0, 1]
    kind: str  # one of KINDS
    reasons: tuple[str, ...]


# --- matching helpers ------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"\w+(?:'\w+)*")


class _Tokens:
    """The sentence as lower-case tokens: a first-position index and a space-joined string."""

    __slots__ = ("index", "joined")

    def __init__(self, text: str):
        tokens = _TOKEN_RE.findall(text.lower())
        # Reversed, so the first occurrence of a repeated token wins.
        self.index = dict(zip(reversed(tokens), range(len(tokens) - 1, -1, -1), strict=True))
        self.joined = f" {' '.join(tokens)} "


class _Lexicon:
    """A word list; multi-word entries are matched as whole-token phrases."""

    __slots__ = ("words", "phrases")

    def __init__(self, entries: str):
        items = {" ".join(e.lower().replace("’", "'").split()) for e in entries.split("|")} - {""}
        self.words = frozenset(i for i in items if " " not in i)
        self.phrases = tuple(sorted((f" {i} " for i in items if " " in i), key=len, reverse=True))

    def hits(self, tokens: _Tokens) -> list[str]:
        """Distinct entries found: phrases (the more specific) first, then words in text order."""
        found = [p.strip() for p in self.phrases if p in tokens.joined]
        words = self.words.intersection(tokens.index)
        if words:
            # A word already counted inside a phrase ("believe" in "i believe") is not a second hit.
            inside = {w for phrase in found for w in phrase.split()}
            found.extend(sorted(words - inside, key=tokens.index.__getitem__))
        return found

    def first(self, tokens: _Tokens) -> str | None:
        for phrase in self.phrases:
            if phrase in tokens.joined:
                return phrase.strip()
        words = self.words.intersection(tokens.index)
        return min(words, key=tokens.index.__getitem__) if words else None


# --- factual signals ----------------------------------------------------------------------------

_DIGIT_NUMBER_RE = re.compile(r"[$€£¥]?\d+(?:[.,]\d+)*(?:\s?%|\s?per\s?cent\b|\s?percent\b)?")
_NUMBER_WORDS = _Lexicon(
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fifteen|twenty|thirty|"
    "forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|"
    "billion|billions|trillion|trillions|dozen|dozens|half|twice|triple|double|a third|a quarter|"
    "tens of thousands|one in|one of every|one out of"
)
_PERCENT_WORDS = _Lexicon("percent|per cent|percentage|percentage points|percentage point")
_MONEY_RE = re.compile(
    r"[$€£¥]\s?\d+(?:[.,]\d+)*(?:\s?(?:million|billion|trillion|bn)\b)?|"
    r"\d\s?(?:dollars|euros|pounds|cents|rubles|roubles|yuan|yen)\b|"
    r"(?:million|billion|trillion)\s+(?:dollars|euros|pounds)\b",
    re.IGNORECASE,
)
_YEAR_RE = re.compile(r"(?<![\d.,$])(?:1[89]\d\d|20\d\d)(?![\d%])|(?<!\w)['’]\d0s\b")
_DATE_WORD_RE = re.compile(
    r"\b(?=[JFAOSNDMTW])(?:January|February|April|June|July|August|September|October|November|"
    r"December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
_AMBIGUOUS_MONTH_RE = re.compile(
    r"\b(?:May|March|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d|"
    r"\b(?:in|since|by|until|last|early|late|mid-?)\s+(?:May|March)\b"
)
_YEAR_ONLY_RE = re.compile(r"(?:1[89]\d\d|20\d\d)")
_DATE_PHRASES = _Lexicon(
    "last year|this year|next year|last month|this month|next month|last week|this week|next week|"
    "past year|past decade|"
    "last decade|past month|last century|yesterday|in the last|in the past|over the past|"
    "over the last|years ago|months ago|weeks ago|days ago|decades ago|for the first time"
)
_TITLE_RE = re.compile(
    r"\b(?:President|Vice[- ]President|Prime\s+Minister|Minister|Senator|Sen\.|Governor|Gov\.|"
    r"Secretary|Chancellor|Ambassador|General|Gen\.|Admiral|Mayor|Judge|Justice|Congressman|"
    r"Congresswoman|Representative|Rep\.|Speaker|Chairman|Chairwoman|Director|King|Queen|Prince|"
    r"Pope|Commissioner|Premier|CEO|Chief|Spokesman|Spokeswoman|Spokesperson|Congress|Parliament|"
    r"Senate|Kremlin|Pentagon|White\s+House|Supreme\s+Court|United\s+Nations|UN|EU|NATO)\b"
)
_ATTRIBUTION = _Lexicon(
    "said|says|told|tells|claimed|claims|according to|announced|announces|reported|reports|"
    "stated|states that|confirmed|confirms|denied|denies|admitted|testified|revealed that|disclosed that|"
    "declared|insisted|warned|acknowledged|estimated|estimates|found that|shows that|showed that|"
    "wrote|quoted|quoting|alleged|alleges|told reporters|in a statement"
)
_COMPARISON = _Lexicon(
    "more than|less than|fewer than|greater than|at least|at most|as many as|as much as|"
    "the largest|the biggest|the highest|the lowest|the smallest|the most|the least|"
    "the first|the only|record|largest|biggest|highest|lowest|fastest|slowest|"
    "increased|increase|increases|decreased|decrease|doubled|tripled|quadrupled|halved|rose|risen|"
    "fell|fallen|grew|grown|dropped|declined|decline|surged|soared|plunged|jumped|cut|cuts|raised|"
    "higher|lower|times as|times more|compared to|compared with|than any|than ever|"
    "number one|up from|down from|is up|is down|are up|are down|went up|went down"
)
_EVENTS = _Lexicon(
    "launched|arrived|killed|voted|led|signed|passed|vetoed|won|lost|attacked|invaded|elected|"
    "appointed|approved|rejected|created|built|spent|closed|opened|fired|hired|sent|sold|bought|paid|"
    "banned|met|visited|arrested|died|injured|wounded|destroyed|bombed|held|released|ordered|sued|"
    "charged|convicted|sentenced|introduced|sponsored|opposed|proposed|supported|funded|imposed|"
    "lifted|withdrew|deployed|captured|seized|fled|resigned|founded|established|enacted|repealed|"
    "ratified|negotiated|abstained|campaigned|served|collected|received|granted|shot|struck|crashed|"
    "exploded|erupted|occurred|happened|began|ended|took office|came to power|resulted in|"
    "retaliated|launches|arrives|meets|visits|vetoes|signs|votes|announced|cut|raised|reduced|"
    "added|eliminated|shut down|took|gave|made|went|came|got"
)
_PAST_PARTICIPLE_RE = re.compile(
    r"\b(?:has|have|had|was|were)\s+(?:not\s+|never\s+|already\s+)?\w+(?:ed|en|wn)\b"
)
_TOPICS = _Lexicon(
    "tax|taxes|jobs|unemployment|deficit|deficits|debt|budget|inflation|economy|wages|income|poverty|"
    "crime|murders|deaths|casualties|troops|soldiers|nuclear|weapons|missiles|oil|gas|energy|"
    "health care|healthcare|insurance|medicare|medicaid|social security|law|laws|bill|legislation|"
    "treaty|sanctions|population|gdp|trade|tariffs|exports|imports|emissions|vaccine|vaccines|"
    "hospital|hospitals|election|elections|ballots|polls|immigrants|refugees|border|military|army|"
    "navy|war|ceasefire|attack|airstrike|bombardment|prices|interest rates|students|schools|"
    "crimes|arrests|spending|funding|revenue|profits|sales|growth|delegation|officials|government|"
    "talks|agreement|deal|visit|conflict"
)
_QUANTITY = _Lexicon(
    "every|none of|most of|majority|minority|number of|amount of|percent of|share of|rate of|"
    "all of|each year|a year|per year|annually|per capita|on average|average|total|in total|"
    "nearly|almost|approximately|roughly"
)
_QUOTE_RE = re.compile(r"[\"“«„]\s*\S[^\"“”«»„]*\s[^\"“”«»„]*\S\s*[\"”»“]")

# --- signals against --------------------------------------------------------------------------------

_HEDGES = _Lexicon(
    "may|might|could|perhaps|possibly|potentially|probably|presumably|seems|seem|seemed|"
    "appears to|appear to|likely|unlikely|arguably|somewhat|some may|could potentially|"
    "it is possible|maybe"
)
_ADVOCACY = _Lexicon(
    "it is essential|it is important|it is crucial|it is vital|it is necessary|it is imperative|"
    "it is time|it's essential|it's important|it's crucial|it's time|should|shouldn't|"
    "must|mustn't|need to|needs to|ought to|have to|has to|got to|let's|let us|let me|"
    "we need|we must|we should|it's up to|is key|is crucial|is essential|is vital|is important|"
    "highlights the importance|underscores the need"
)
_OPINIONS = _Lexicon(
    "hope|hopes|hopeful|believe|believes|think|thinks|feel|feels|brighter|important|importance|"
    "constructive|commitment to|committed to|highlights|underscores|demonstrates|showcases|"
    "signifies|reflects|great|greatest|wonderful|terrible|horrible|awful|good|bad|wrong|fair|unfair|"
    "proud|deserve|deserves|want|wants|wish|dream|vision|values|love|agree|disagree|opinion|"
    "clearly|obviously|really|truly|deeply|certainly|of course|frankly|absolutely|simply|"
    "controversial|comprehensive|peaceful|meaningful|crucial|essential|vital|remarkable|"
    "fostering|promote|promoting|strive|aspirations|determination|impartiality|balanced perspective|"
    "irrespective|regardless|embrace|ideal|ultimately|undoubtedly|indeed|"
    "strong|stronger|weak|dangerous|ridiculous|outrageous|disgrace|shame|tragic|tremendous|"
    "excellent|fantastic|incredible|amazing|beautiful|sad|happy|glad|pleased|worried|"
    "afraid|fear|trust|respect|confident|optimistic|pessimistic|encouraging|fundamental|"
    "in my view|i think|i believe|my view"
)
_FIRST_SINGULAR = frozenset({"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"})
_FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves", "we're", "we've", "we'd", "we'll"})
_GREETINGS = _Lexicon(
    "thank you|thanks|thank|good evening|good morning|good night|goodnight|welcome|"
    "congratulations|hello|ladies and gentlemen|appreciate|applause|laughter|god bless"
)
_FUTURE = _Lexicon(
    "will|won't|shall|going to|gonna|expected to|is set to|are set to|is due to|are due to|forecast|"
    "forecasts|predicts|predicted|plans to|plan to|intends to|intend to|is poised to|projected to|"
    "is about to|in the coming|soon|i'll|we'll|you'll|he'll|she'll|they'll|it'll"
)

# --- named entities: capitalised sequences ----------------------------------------------------------

_CAP = r"(?:[A-ZÀ-ÖØ-Þ](?:\.[A-Z])+\.?|[A-ZÀ-ÖØ-Þ][\w'’\-]*)"
_CONNECTOR = r"(?:of|the|de|del|della|da|di|du|des|al|el|bin|ibn|von|van|der|den|la|le|y)"
_ENTITY_RE = re.compile(rf"(?<![\w'’]){_CAP}(?:\s+(?:{_CONNECTOR}\s+(?:the\s+)?)?{_CAP})*")
# Words that are capitalised for grammar, not because they name something.
_NOT_ENTITIES = frozenset(
    "i i'm i've i'd i'll i’m i’ve i’d i’ll ok okay mr mrs ms dr mr. mrs. ms. dr. st. god yes no "
    "sir madam oh well so and but or the a an january february march april may june july august "
    "september october november december monday tuesday wednesday thursday friday saturday sunday".split()
)
_SENTENCE_START_WORDS = frozenset(
    "a an the this that these those there here it its it's it’s he she they we you i his her their "
    "our your my in on at by for from with as while when where if although though because since "
    "after before during but and or so yet also however meanwhile moreover furthermore still then "
    "now today yesterday some many most all every each both no not one two led according".split()
)
_BEFORE_START = frozenset("\"“”‘'(:;—-–[«")


def _entities(sentence: str) -> list[str]:
    """Capitalised names in the sentence, skipping capitals that only mark a sentence start."""
    found: list[str] = []
    first_alpha = next((i for i, ch in enumerate(sentence) if ch.isalnum()), 0)
    for match in _ENTITY_RE.finditer(sentence):
        words = match.group().split()
        start = match.start()
        before = sentence[:start].rstrip()
        if start <= first_alpha or (before and before[-1] in _BEFORE_START):
            # A capital at the start of a sentence says nothing; a name may still follow it.
            if len(words) == 1 or words[0].lower().rstrip(".") in _SENTENCE_START_WORDS:
                words = words[1:]
                while words and words[0].lower() in ("of", "the"):
                    words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        if len(name) < 2 or name.lower() in _NOT_ENTITIES or name in found:
            continue
        found.append(name)
    return found


# --- weights ---------------------------------------------------------------------------------------

_BIAS = -1.5
_W_NUMBER = 1.4
_W_NUMBER_WORD = 0.9
_W_PERCENT = 0.5
_W_MONEY = 0.5
_W_DATE = 0.6
_W_ENTITY = (0.7, 0.45, 0.3)  # first, second, third named entity: diminishing returns
_W_TITLE = 0.3
_W_ATTRIBUTION = 0.5
_W_COMPARISON = 0.7
_W_EVENT = 0.7
_W_PAST_PARTICIPLE = 0.3
_W_TOPIC = 0.5
_W_QUANTITY = 0.25
_W_HEDGE = -0.6
_W_ADVOCACY = -1.0
_W_OPINION = (-0.6, -0.4, -0.3)  # each further marker counts less
_W_FIRST_SINGULAR = -0.3
_W_FIRST_PLURAL = -0.15
_W_QUESTION = -1.6
_W_FUTURE = -0.4
_W_GREETING = -1.8
_W_VERY_SHORT = -1.5  # fewer than 5 words
_W_SHORT = -0.5  # 5 to 7 words


def assess(sentence: str) -> Assessment:
    """Score one sentence for check-worthiness and say what kind of claim it is."""
    text = " ".join(sentence.replace("’", "'").split())
    if not text:
        return Assessment(score=_sigmoid(_BIAS + _W_VERY_SHORT), kind=OTHER, reasons=())
    tokens = _Tokens(text)
    logit = _BIAS
    # Weight of what states a checkable fact (numbers, dates, events...), against the weight of
    # what makes it a view; names and topics alone say what a sentence is about, not which it is.
    fact = 0.0
    opinion = 0.0
    reasons: list[str] = []

    def fire(weight: float, reason: str, *, factual: bool = False, opinionated: bool = False) -> None:
        nonlocal logit, fact, opinion
        logit += weight
        if factual:
            fact += weight
        if opinionated:
            opinion -= weight
        reasons.append(reason)

    number_match = _DIGIT_NUMBER_RE.search(text)
    number = number_match.group().strip() if number_match else None
    number_word = None if number else _NUMBER_WORDS.first(tokens)
    if number:
        fire(_W_NUMBER, f"contains a number ({number})", factual=True)
    elif number_word:
        fire(_W_NUMBER_WORD, f"contains a number ({number_word})", factual=True)
    percent = "%" in text or _PERCENT_WORDS.first(tokens) is not None
    if percent:
        fire(_W_PERCENT, "percentage", factual=True)
    money = _MONEY_RE.search(text)
    if money:
        fire(_W_MONEY, f"money: {money.group()}", factual=True)
    date = _date(text, tokens)
    if date:
        fire(_W_DATE, f"date: {date}", factual=True)

    entities = _entities(text)
    for weight, name in zip(_W_ENTITY, entities, strict=False):
        fire(weight, f"names an entity: {name}")
    title = _TITLE_RE.search(text)
    if title:
        fire(_W_TITLE, f"title or institution: {title.group()}")
    attribution = _ATTRIBUTION.first(tokens)
    if attribution:
        fire(_W_ATTRIBUTION, f"attribution verb: {attribution}", factual=True)
    comparison = _COMPARISON.first(tokens)
    if comparison:
        fire(_W_COMPARISON, f"comparison or change: {comparison}", factual=True)
    event = _EVENTS.first(tokens)
    if event:
        fire(_W_EVENT, f"event verb: {event}", factual=True)
    elif _PAST_PARTICIPLE_RE.search(text):
        fire(_W_PAST_PARTICIPLE, "past tense", factual=True)
    topic = _TOPICS.first(tokens)
    if topic:
        fire(_W_TOPIC, f"verifiable topic: {topic}")
    quantity = _QUANTITY.first(tokens)
    if quantity:
        fire(_W_QUANTITY, f"quantity: {quantity}")

    hedge = _HEDGES.first(tokens)
    if hedge:
        fire(_W_HEDGE, f"hedge: {hedge}", opinionated=True)
    advocacy = _ADVOCACY.first(tokens)
    if advocacy:
        fire(_W_ADVOCACY, f"opinion marker: {advocacy}", opinionated=True)
    for weight, word in zip(_W_OPINION, _OPINIONS.hits(tokens), strict=False):
        fire(weight, f"opinion marker: {word}", opinionated=True)
    first_singular = _FIRST_SINGULAR.intersection(tokens.index)
    first_plural = _FIRST_PLURAL.intersection(tokens.index)
    if first_singular:
        word = min(first_singular, key=tokens.index.__getitem__)
        fire(
            _W_FIRST_SINGULAR, f"first person: {'I' + word[1:] if word[0] == 'i' else word}", opinionated=True
        )
    elif first_plural:
        fire(_W_FIRST_PLURAL, f"first person: {min(first_plural, key=tokens.index.__getitem__)}")
    future = _FUTURE.first(tokens)
    if future:
        fire(_W_FUTURE, f"future: {future}")

    is_question = text.rstrip("\"'”»)] ").endswith("?")
    if is_question:
        fire(_W_QUESTION, "question")
    if _GREETINGS.first(tokens):
        fire(_W_GREETING, "greeting or thanks")
    n_words = len(tokens.joined.split())
    if n_words < 5:
        fire(_W_VERY_SHORT, "very short sentence")
    elif n_words < 8:
        fire(_W_SHORT, "short sentence")
    has_quote = _QUOTE_RE.search(text) is not None
    if has_quote:
        reasons.append("quotation")

    if is_question:
        kind = QUESTION
    elif has_quote or attribution:
        kind = QUOTE
    elif percent or money or number_word or (number and not _only_years(text)):
        kind = STATISTICAL
    elif future:
        kind = PREDICTION
    elif opinion > 0 and opinion >= fact:
        kind = OPINION
    elif entities or event or date or comparison:
        kind = FACTUAL
    else:
        kind = OTHER
    return Assessment(score=_sigmoid(logit), kind=kind, reasons=tuple(reasons))


def _only_years(text: str) -> bool:
    """Whether every number in the text is a year (a date, not a statistic)."""
    return all(_YEAR_ONLY_RE.fullmatch(m.group()) for m in _DIGIT_NUMBER_RE.finditer(text))


def _date(text: str, tokens: _Tokens) -> str | None:
    year = _YEAR_RE.search(text)
    if year:
        return year.group()
    named = _DATE_WORD_RE.search(text)
    if named:
        return named.group()
    month = _AMBIGUOUS_MONTH_RE.search(text)
    if month:
        return month.group()
    return _DATE_PHRASES.first(tokens)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))

"""Names a researcher would write: topics named by a phrase their titles use, themes by
the phrases spread across their topics.

A candidate is a whole phrase of the titles: 1-5 words between punctuation and function
words ("of", "and" and "to" may join words inside one: "Mixture of experts"), never
starting or ending inside a hyphenated compound ("Low-rank", not "rank"). A topic's name
is the candidate its titles use most (weighted towards its central papers), times how much
of the phrase's use in the corpus is this topic's and a bonus for each word up to three,
among those at least MIN_TITLES of its titles use that are neither a fragment of a longer
fixed phrase (FRAGMENT_SHARE of their occurrences with the same word beside them) nor a
modifier of longer ones ("Temporal action" in "Temporal action localization"). It is
cased and hyphenated as the papers write it, an acronym the papers define follows its
expansion, and topics that would share a name are told apart by a second phrase. A
theme's name joins the phrase most of its topics over-use to the one best covering the
rest. Pure functions of the titles and abstracts: no model, no download.
benchmarks/RESULTS.md ("Names a researcher would write") measures this and the
alternatives.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from scipy import sparse


def _words(text: str) -> list[str]:
    """The words of a long literal, one word list per constant below."""
    return text.split()


# Words that end a phrase (function words, and words titles use around a name).
STOP_WORDS = frozenset(
    _words(
        """a about above across after afterwards again against all almost alone along already
    also although always am among amongst an and another any anyhow anyone anything anyway
    anywhere are around as at be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond both but by can cannot could
    do does doing done down due during each eg either else elsewhere enough etc even ever
    every everyone everything everywhere except for former formerly from further get go had
    has have he hence her here hereafter hereby herein hereupon hers herself him himself his
    how however i ie if in inc indeed into is it its itself latter latterly may me meanwhile
    might mine moreover mostly much must my myself namely neither never nevertheless no
    nobody none noone nor not nothing now nowhere of off often on once only onto or other
    others otherwise our ours ourselves out over per perhaps please rather same seem seemed
    seeming seems several she should since so some somehow someone something sometime
    sometimes somewhere still such than that the their them themselves then thence there
    thereafter thereby therefore therein thereupon these they this those though through
    throughout thru thus to together too toward towards under until up upon us very via was
    we were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whom whose why will with
    within without would yet you your yours yourself yourselves
    using use based beyond versus vs novel new approach approaches method methods framework
    study revisiting rethinking towards improving improved toward make makes making can
    let lets what's when's is are does"""
    )
)
# Function words that may join the words of one phrase ("Simultaneous localization and
# mapping", "Learning to rank", "Theory of mind").
JOINERS = frozenset({"of", "and", "to"})
# Words no name is made of alone (nor of these alone: "Deep neural networks").
GENERIC = frozenset(
    _words(
        """learning deep neural network model method algorithm system data analysis task problem
    application training representation paper result performance theory structure
    information approach technique framework tool evaluation benchmark dataset study image
    feature"""
    )
)
# Words that qualify a name and never end one ("Robust", "Transformer-based").
MODIFIERS = frozenset(
    _words(
        """efficient robust adaptive optimal fast scalable general simple effective unified
    large small online improved better end free aware driven agnostic guided enhanced based
    multi single high low non self semi deep neural"""
    )
)
# A word ending so is an adjective more often than not: no name ends with one
# ("Self-supervised", "High-dimensional"), unless it is one of NOUNS.
ADJECTIVE_ENDINGS = (
    "al",
    "ive",
    "ous",
    "ic",
    "able",
    "ible",
    "ary",
    "ful",
    "less",
    "ed",
    "ant",
    "ile",
)
NOUNS = frozenset(
    _words(
        """retrieval signal interval removal proposal arrival tutorial animal journal manual
    objective alternative derivative perspective narrative summary dictionary boundary
    vocabulary library binary speed seed feed embed logic music topic traffic graphic
    trial material potential differential integral polynomial capital hospital terminal
    principal individual survival approval renewal rehearsal reversal criminal rival
    ideal medical vessel kernel pixel voxel channel label model panel level novel tunnel
    travel total goal portal metal radical mammal fossil tool pool school protocol symbol
    rationale global local neural hybrid red bed shed need hundred breed
    plant variant assistant agent constant gradient coefficient student participant
    restaurant tenant infant elephant merchant accountant defendant covariant invariant
    quadrant dopant reactant profile file tile missile textile percentile quantile"""
    )
)
MAX_WORDS = 5
# A phrase that stands on its own in fewer than this share of the titles using it modifies
# a longer phrase there ("Medical image" in "Medical Image Segmentation"): no name.
MIN_HEAD_SHARE = 0.2
# How much more a phrase written on its own counts towards its written form than one
# written as a modifier.
HEAD_FORM = 10
# Titles of its topic a name must occur in (fewer only where no phrase reaches it).
MIN_TITLES = 3
# A phrase is a fragment when at least this share of its occurrences in its topic's texts
# has the same word right before it, or the same word right after it.
FRAGMENT_SHARE = 0.8
# How much the most central paper of a topic counts against its least central (linear).
CENTRAL_WEIGHT = 3.0
# Title use against abstract use in a phrase's coverage of a topic.
TITLE_SHARE = 0.7
# A phrase's score is coverage x precision ** PRECISION_POWER x (1 + LENGTH_BONUS per
# word after the first, up to 3 words): longer phrases say more.
PRECISION_POWER = 0.5
LENGTH_BONUS = 1.0
# The same for theme names: a theme's phrase should be its own more than a topic's need be.
THEME_PRECISION_POWER = 1.0
THEME_LENGTH_BONUS = 1.0
# A theme name's second phrase speaks for several of its topics: it covers at least
# SECOND_MIN_TOPICS of them, or topics holding SECOND_MIN_SHARE of its papers ("Image
# classification and convolutional neural networks", not "... and black-box attack",
# the words of one topic in thirty).
SECOND_MIN_TOPICS = 2
SECOND_MIN_SHARE = 0.2
# A one-word second phrase counts this much ("Reinforcement learning and motion planning"
# rather than "... and robots"; "3D point clouds and depth estimation", not "... and camera").
SECOND_ONE_WORD = 0.5
# A second phrase held by fewer than this share of the theme's titles counts
# proportionally less: the theme's papers write it as a name ("Object detection and
# semantic segmentation", not "... and segmentation networks").
SECOND_TITLE_SHARE = 0.02
# Most words (other than joiners) of each of a theme name's two phrases.
THEME_WORDS = 3
# Candidates a topic's name is looked for among, best first.
N_TRIED = 40
WORD = re.compile(r"[^\W_]+")
SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+)([^\W_]+)")
# A parenthesised acronym (after the words it abbreviates: "large language models (LLMs)").
DEFINITION = re.compile(r"\(\s*([^\W_][\w-]{0,10}?)\s*\)")


def fold(word: str) -> str:
    """A word's plural folded: "models" -> "model", "LLMs" -> "llm" (lower-cased)."""
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normal_words(text: str) -> list[str]:
    """A text as the fragment definition reads it: lower-cased, punctuation as spaces."""
    return WORD.findall(text.lower())


def stem(word: str) -> str:
    """Porter stem of a lower-cased word (snowballstemmer's original Porter algorithm)."""
    return _stemmer().stemWord(word.lower())


@cache
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


def stems(phrase: str) -> set[str]:
    return {stem(word) for word in normal_words(phrase) if word not in STOP_WORDS}


def title_chunks(title: str) -> list[list[tuple[str, str]]]:
    """A title's runs of words between punctuation, each word with the separator before
    it ("" at a run's start, " ", "-" or "/")."""
    chunks: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    end = 0
    for match in WORD.finditer(title):
        gap = title[end : match.start()]
        end = match.end()
        if current and gap in ("-", "/", "\u2010", "\u2013") and gap.strip():
            current.append((match.group(), "-" if gap != "/" else "/"))
        elif current and gap.isspace() and gap:
            current.append((match.group(), " "))
        else:
            if current:
                chunks.append(current)
            current = [(match.group(), "")]
    if current:
        chunks.append(current)
    return chunks


def title_phrases(
    title: str,
) -> Iterable[tuple[tuple[str, ...], tuple[tuple[str, str], ...], bool]]:
    """Every candidate phrase of a title: (key, surface, head), the key its folded
    lower-case words, the surface its (word, separator) pairs as written, head whether
    it stands as a noun phrase of its own there (no word of the phrase's run follows it:
    "Temporal action" in "Temporal Action Localization" does not)."""
    for chunk in title_chunks(title):
        lower = [word.lower() for word, _ in chunk]
        for start in range(len(chunk)):
            if lower[start] in STOP_WORDS or chunk[start][1] in ("-", "/"):
                continue
            for stop in range(start + 1, min(start + MAX_WORDS, len(chunk)) + 1):
                inner = lower[stop - 1]
                if inner in STOP_WORDS and inner not in JOINERS:
                    break
                if inner in STOP_WORDS:
                    continue
                if stop < len(chunk) and chunk[stop][1] in ("-", "/"):
                    continue  # would end inside a compound
                words = chunk[start:stop]
                head = stop == len(chunk) or lower[stop] in STOP_WORDS
                yield (tuple(fold(w) for w in lower[start:stop]), tuple(words), head)


def long_form(short: str, before: str) -> str | None:
    """The words just before a parenthesised acronym that it abbreviates, as written; None
    where they are not there. The acronym's capitals (and digits) are first matched to
    the initials of the last words (hyphenated parts counted as words, "of" and "and"
    skippable): "self-supervised learning (SSL)"; else each of its letters, right to
    left, in order in the text, the first at the start of a word (Schwartz and Hearst's
    algorithm): "neural radiance fields (NeRF)"."""
    letters = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
    if not (2 <= len(letters) <= 10) or sum(c.isupper() for c in letters) < 2:
        return None
    if not before or before.rstrip()[-1:] in ".;:!?,)":
        return None
    tokens = list(WORD.finditer(before))
    capitals = [c.lower() for c in letters if c.isupper() or c.isdigit()]
    matched = _initials(capitals, [t.group().lower() for t in tokens])
    if matched is None:
        matched = _schwartz_hearst(letters.lower(), [t.group().lower() for t in tokens])
    if matched is None or matched > MAX_WORDS + 2:
        return None
    expansion = before[tokens[-matched].start() :].strip()
    if len(normal_words(expansion)) > MAX_WORDS + 1 or normal_words(expansion)[0] in STOP_WORDS:
        return None
    return expansion


def _initials(capitals: list[str], words: list[str]) -> int | None:
    """How many of the last words' initials spell `capitals` (stop words may be skipped)."""
    need, used = len(capitals) - 1, 0
    for word in reversed(words):
        used += 1
        if need >= 0 and word[0] == capitals[need]:
            need -= 1
            if need < 0:
                return used
        elif word in JOINERS or word in {"the", "for", "in", "on", "over"}:
            continue
        else:
            return None
    return None


def _schwartz_hearst(letters: str, words: list[str]) -> int | None:
    words = words[-min(len(letters) + 5, 2 * len(letters)) :]
    text = " ".join(words)
    s, i = len(letters) - 1, len(text) - 1
    while s >= 0:
        c = letters[s]
        if not c.isalnum():
            s -= 1
            continue
        while i >= 0 and (text[i] != c or (s == 0 and i > 0 and text[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = text.rfind(" ", 0, i + 1) + 1
    return len(text[start:].split())


@dataclass
class Phrases:
    """The candidate phrases of a corpus and where they occur.

    keys: each candidate's folded lower-case words; head: the share of the titles holding
    it where it stands on its own (see title_phrases); title, text: papers x candidates,
    True where the paper's title (text: title or abstract) holds it; forms: each
    candidate's surfaces as the titles write them (counted HEAD_FORM times where it stands
    on its own); casing: how the abstracts write each word inside a sentence; acronyms:
    key -> the acronym the papers define for it (most often).
    """

    keys: list[tuple[str, ...]]
    head: np.ndarray
    title: sparse.csr_matrix
    text: sparse.csr_matrix
    forms: list[Counter]
    casing: dict[str, Counter]
    acronyms: dict[tuple[str, ...], str] = field(default_factory=dict)

    @property
    def index(self) -> dict[tuple[str, ...], int]:
        if not hasattr(self, "_index"):
            self._index = {key: i for i, key in enumerate(self.keys)}
        return self._index


def acronym_definitions(
    titles: Sequence[str], abstracts: Sequence[str]
) -> tuple[dict[tuple[str, ...], str], dict[str, tuple[str, ...]], dict[tuple[str, ...], str]]:
    """Acronyms the papers define: expansion key -> acronym as written, the acronym's
    folded lower-case form -> expansion key, and expansion key -> the expansion as most
    often written; each defined in at least two papers, the
    acronym standing for that expansion in most of its definitions."""
    by_acronym: dict[str, Counter] = defaultdict(Counter)
    forms: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    written_as: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    written: dict[tuple[str, ...], str] = {}
    for title, abstract in zip(titles, abstracts, strict=True):
        seen = set()
        for text in (title, abstract or ""):
            if "(" not in text:
                continue
            for match in DEFINITION.finditer(text):
                short = match.group(1)
                expansion = long_form(short, text[max(0, match.start() - 120) : match.start()])
                if expansion is None:
                    continue
                key = tuple(fold(w) for w in normal_words(expansion))
                if (key, fold(short)) in seen:
                    continue
                seen.add((key, fold(short)))
                by_acronym[fold(short)][key] += 1
                forms[key][short] += 1
                written_as[key][expansion] += 1
    acronyms, expansions = {}, {}
    for short, keys in by_acronym.items():
        (key, count), total = keys.most_common(1)[0], sum(keys.values())
        if count >= 2 and count >= 0.6 * total and len(key) >= 2:
            expansions[short] = key
            acronyms[key] = forms[key].most_common(1)[0][0]
            written[key] = written_as[key].most_common(1)[0][0]
    return acronyms, expansions, written


def word_casing(abstracts: Sequence[str], vocabulary: set[str]) -> dict[str, Counter]:
    """How the abstracts write each word of `vocabulary` inside a sentence (words opening
    a sentence not counted)."""
    every: Counter = Counter()
    opening: Counter = Counter()
    for abstract in abstracts:
        if abstract:
            every.update(WORD.findall(abstract))
            opening.update(SENTENCE_START.findall(abstract))
    casing: dict[str, Counter] = defaultdict(Counter)
    for word, n in (every - opening).items():
        lower = word.lower()
        if lower in vocabulary:
            casing[lower][word] += n
    return casing


def find_phrases(
    titles: Sequence[str], abstracts: Sequence[str], *, min_papers: int = 2
) -> Phrases:
    """Every candidate phrase of the titles that at least `min_papers` titles use, with
    the papers whose title and whose title or abstract holds it."""
    acronyms, expansions, written = acronym_definitions(titles, abstracts)
    title_keys: list[set[tuple[str, ...]]] = []
    forms: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    heads: Counter = Counter()
    counts: Counter = Counter()
    for title in titles:
        keys = set()
        for key, surface, head in title_phrases(title):
            if len(key) == 1 and key[0] in expansions and _is_acronym(surface[0][0]):
                keys.add(expansions[key[0]])  # "LLMs" counts as "large language models"
                heads[expansions[key[0]]] += head
            keys.add(key)
            # A name is written as the phrase stands on its own ("Point clouds").
            forms[key][surface] += HEAD_FORM if head else 1
            heads[key] += head
        title_keys.append(keys)
        counts.update(keys)
    for key, expansion in written.items():
        if not forms[key]:  # titles that only ever use the acronym
            forms[key][tuple(title_chunks(expansion)[0])] += 1
    keys = sorted(key for key, n in counts.items() if n >= min_papers)
    index = {key: i for i, key in enumerate(keys)}
    title = _rows(([index[k] for k in row if k in index] for row in title_keys), len(keys))
    abstract = _rows(_holding(abstracts, index, expansions), len(keys))
    text = ((title + abstract) > 0).tocsr()
    vocabulary = {word.lower() for key in keys for surface in forms[key] for word, _ in surface}
    return Phrases(
        keys=keys,
        head=np.array([heads[key] / max(counts[key], 1) for key in keys]),
        title=title,
        text=text,
        forms=[forms[key] for key in keys],
        casing=word_casing(abstracts, vocabulary),
        acronyms={key: short for key, short in acronyms.items() if key in index},
    )


def _is_acronym(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2


def _rows(rows: Iterable[list[int]], n_columns: int) -> sparse.csr_matrix:
    indptr, indices = [0], []
    for row in rows:
        indices.extend(sorted(set(row)))
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.ones(len(indices), dtype=bool), indices, indptr), shape=(len(indptr) - 1, n_columns)
    )


def _holding(
    texts: Sequence[str], index: dict[tuple[str, ...], int], expansions: dict
) -> Iterable[list[int]]:
    """Each text's candidates (of `index`), found by walking the candidates' prefixes."""
    prefixes = {key[:n] for key in index for n in range(2, len(key) + 1)}
    firsts = {key[0] for key in index}
    acronym_index = {short: index[key] for short, key in expansions.items() if key in index}
    folded: dict[str, str] = {}
    for text in texts:
        words = []
        for word in WORD.findall(text.lower()) if text else []:
            if word not in folded:
                folded[word] = fold(word)
            words.append(folded[word])
        found = []
        for start, first in enumerate(words):
            if first in acronym_index:
                found.append(acronym_index[first])
            if first not in firsts:
                continue
            phrase = (first,)
            if phrase in index:
                found.append(index[phrase])
            for stop in range(start + 2, min(start + MAX_WORDS, len(words)) + 1):
                phrase = (*phrase, words[stop - 1])
                if phrase not in prefixes:
                    break
                if phrase in index:
                    found.append(index[phrase])
        yield found


def display(
    phrases: Phrases, column: int, sentence_start: bool = True, acronym: bool = True
) -> str:
    """A candidate as the papers write it: each gap hyphenated or spaced as most titles
    have it, each word cased as the abstracts write it inside a sentence (acronyms and
    words such as "NeRF" as the titles write them), and the
    acronym the papers define for it after it. The first letter is capitalised where
    the name starts a sentence."""
    surfaces = phrases.forms[column]
    key = phrases.keys[column]
    length = Counter(len(surface) for surface in surfaces.elements()).most_common(1)[0][0]
    chosen = [s for s in surfaces.elements() if len(s) == length]
    words = []
    for position in range(length):
        written = Counter(surface[position][0] for surface in chosen)
        separator = Counter(surface[position][1] for surface in chosen).most_common(1)[0][0]
        inside = phrases.casing.get(written.most_common(1)[0][0].lower())
        words.append((_cased(written, inside), separator))
    name = "".join(separator + word for word, separator in words).strip(" -/")
    if sentence_start and name[:1].islower():
        name = name[0].upper() + name[1:]
    short = phrases.acronyms.get(key)
    if short and acronym and len(key) > 1:
        name = f"{name} ({short})"
    return name


def _cased(written: Counter, inside: Counter | None) -> str:
    """A word cased as researchers write it mid-sentence."""
    form = written.most_common(1)[0][0]
    special = [
        w
        for w in written.elements()
        if _is_acronym(w) or any(c.isdigit() for c in w) or (len(w) == 1 and w.isupper())
    ]
    if special and len(special) * 2 >= sum(written.values()):
        return Counter(special).most_common(1)[0][0]
    if inside:
        best = inside.most_common(1)[0][0]
        capitalised = sum(n for w, n in inside.items() if w[:1].isupper())
        if _is_acronym(best):
            return best
        if capitalised * 2 > sum(inside.values()):
            return best
        return form.lower()
    return form.lower() if not _is_acronym(form) else form


def acceptable(
    key: tuple[str, ...], surfaces: Counter, head: float = 1.0, defined: bool = False
) -> bool:
    """Whether a candidate could name something: not generic words alone ("Deep neural
    networks"), nor a phrase ending in a modifier ("robust", "based"), an adjective
    ("Self-supervised"), a modifying compound ("Few-shot") or a number, nor a phrase
    that mostly modifies a longer one (`head`: the share of its titles where it does
    not, below MIN_HEAD_SHARE). An "and" joins the words of one name only where the
    papers define an acronym for the whole (`defined`: "Simultaneous localization and
    mapping (SLAM)") or a hyphen joins it ("Vision-and-language navigation"): elsewhere it
    joins two names."""
    last = key[-1]
    if last in MODIFIERS or last.isdigit():
        return False
    if all(word.isdigit() or word in GENERIC or word in MODIFIERS for word in key):
        return False
    surface = surfaces.most_common(1)[0][0]
    if _is_acronym(surface[-1][0]):
        return True
    if head < MIN_HEAD_SHARE:
        return False
    if (
        "and" in key
        and not defined
        and any(w.lower() == "and" and sep != "-" for w, sep in surface)
    ):
        return False
    if len(surface) > 1 and all(sep == "-" for _, sep in surface[1:]):
        # One hyphenated compound is mostly a modifier ("Few-shot", "Vision-language"),
        # unless it ends in a noun of action or state ("Fine-tuning", "Re-identification").
        return last.endswith(("ing", "tion", "ment", "ness", "ity", "sis", "ics"))
    if last.endswith(ADJECTIVE_ENDINGS) and last not in NOUNS:
        return False
    return len(key) > 1 or len(last) > 2


class Context:
    """The texts of one group of papers, to tell whether a phrase is a fragment there."""

    def __init__(self, texts: Iterable[str]):
        self.words: list[str | None] = []
        for text in texts:
            self.words += [fold(word) for word in normal_words(text or "")] + [None]
        self.at: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(self.words):
            if word is not None:
                self.at[word].append(position)

    def is_fragment(
        self, key: Sequence[str], share: float = FRAGMENT_SHARE, acronym: str | None = None
    ) -> bool:
        """At least `share` of the phrase's occurrences have the same word before them,
        or the same word after them (its own `acronym` after it is no other word: the
        papers define it so, "large language models (LLMs)")."""
        own = fold(acronym) if acronym else None
        before, after, n = Counter(), Counter(), 0
        length = len(key)
        for position in self.at.get(key[0], []):
            if tuple(self.words[position : position + length]) != tuple(key):
                continue
            n += 1
            if position > 0 and self.words[position - 1] is not None:
                before[self.words[position - 1]] += 1
            end = position + length
            following = self.words[end] if end < len(self.words) else None
            if following is not None and following != own:
                after[following] += 1
        if n == 0:
            return False
        most = max([*before.values(), *after.values(), 0])
        return most >= share * n


def central_weights(topic_ids: np.ndarray, centrality: np.ndarray | None) -> np.ndarray:
    """Each paper's weight in its topic's name: CENTRAL_WEIGHT for its most central paper
    down to 1 for its least central, linearly in rank."""
    weights = np.ones(len(topic_ids))
    if centrality is None:
        return weights
    for topic in np.unique(topic_ids):
        members = np.flatnonzero(topic_ids == topic)
        order = members[np.argsort(-np.asarray(centrality)[members], kind="stable")]
        weights[order] = np.linspace(CENTRAL_WEIGHT, 1.0, len(order)) if len(order) > 1 else 1.0
    return weights


def group_matrix(groups: np.ndarray, n_groups: int, weights: np.ndarray | None = None):
    """groups x papers, each paper's weight in its group's row (papers in group -1 in none)."""
    held = np.flatnonzero(groups >= 0)
    values = np.ones(len(held)) if weights is None else weights[held]
    return sparse.csr_matrix((values, (groups[held], held)), shape=(n_groups, len(groups)))


def topic_scores(
    phrases: Phrases, topic_index: np.ndarray, n_topics: int, weights: np.ndarray
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """(score, titles): topics x candidates. score = coverage x precision, coverage the
    (centrality-weighted) share of the topic's papers whose title holds it (TITLE_SHARE)
    or whose text does, precision the share of the corpus's papers holding it that are
    the topic's; titles the number of the topic's titles holding it."""
    weighted = group_matrix(topic_index, n_topics, weights)
    plain = group_matrix(topic_index, n_topics)
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    title = phrases.title.astype(np.float64)
    text = phrases.text.astype(np.float64)
    coverage = TITLE_SHARE * (weighted @ title) + (1 - TITLE_SHARE) * (weighted @ text)
    coverage = sparse.diags(1 / np.maximum(totals, 1e-12)) @ coverage
    in_topic = plain @ text
    corpus = np.asarray(text.sum(axis=0)).ravel()
    precision = sparse.csr_matrix(in_topic @ sparse.diags(1 / np.maximum(corpus, 1)))
    precision.data **= PRECISION_POWER
    score = sparse.csr_matrix(coverage.multiply(precision) @ sparse.diags(length_weights(phrases)))
    return score, sparse.csr_matrix(plain @ title)


def length_weights(phrases: Phrases, bonus: float | None = None) -> np.ndarray:
    """Each candidate's weight for its length (words other than joiners, up to 3)."""
    bonus = LENGTH_BONUS if bonus is None else bonus
    return np.array(
        [1 + bonus * (min(sum(w not in JOINERS for w in key), 3) - 1) for key in phrases.keys]
    )


def ranked(score_row, titles_row, min_titles: int, keys: Sequence[tuple]) -> list[int]:
    """Candidate columns of one group, best first (the longer of equals), held by at least
    min_titles titles."""
    held = dict(zip(titles_row.indices, titles_row.data, strict=True))
    columns = [c for c in score_row.indices if held.get(c, 0) >= min_titles]
    values = dict(zip(score_row.indices, score_row.data, strict=True))
    return sorted(columns, key=lambda c: (-round(values[c], 12), -len(keys[c]), c))


def phrase_stems(phrases: Phrases, column: int) -> set[str]:
    """The stems of a candidate's words and of the acronym the papers define for it."""
    key = phrases.keys[column]
    found = {stem(word) for word in key if word not in STOP_WORDS}
    if key in phrases.acronyms:
        found.add(stem(fold(phrases.acronyms[key])))
    return found


def best_phrases(
    phrases: Phrases,
    score: sparse.csr_matrix,
    titles: sparse.csr_matrix,
    context: "Context",
    group: int,
    n: int,
) -> list[int]:
    """The group's n best candidates that are no fragment there and could name something,
    no two sharing a stem; held by MIN_TITLES titles, fewer where none is."""
    for min_titles in range(MIN_TITLES, 0, -1):
        found: list[int] = []
        used: set[str] = set()
        for column in ranked(score.getrow(group), titles.getrow(group), min_titles, phrases.keys)[
            :N_TRIED
        ]:
            key = phrases.keys[column]
            if not acceptable(
                key, phrases.forms[column], phrases.head[column], key in phrases.acronyms
            ):
                continue
            key_stems = phrase_stems(phrases, column)
            if key_stems & used or context.is_fragment(key, acronym=phrases.acronyms.get(key)):
                continue
            found.append(column)
            used |= key_stems
            if len(found) == n:
                return found
        if found:
            return found
    return []


def topic_names(
    titles: Sequence[str],
    abstracts: Sequence[str],
    topic_ids: np.ndarray,
    centrality: np.ndarray | None = None,
    *,
    fallback: dict[int, str] | None = None,
    phrases: Phrases | None = None,
) -> dict[int, str]:
    """Each topic's name (topic ids >= 0; outliers, -1, get none).

    A topic without a usable phrase (no title phrase in two of its papers) keeps its
    `fallback` name (the keyword label), or "topic <id>".
    """
    topic_ids = np.asarray(topic_ids)
    real = np.array(sorted(set(topic_ids.tolist()) - {-1}), dtype=np.int64)
    if not len(real):
        return {}
    phrases = phrases or find_phrases(titles, abstracts)
    index = np.where(topic_ids >= 0, np.searchsorted(real, topic_ids), -1)
    weights = central_weights(index, centrality)
    score, held = topic_scores(phrases, index, len(real), weights)
    choices: dict[int, list[int]] = {}
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(len(real) + 1))
    for row in range(len(real)):
        # One topic's texts at a time: all of them as words would take gigabytes at scale.
        members = order[bounds[row] : bounds[row + 1]]
        context = Context(text for i in members for text in (titles[i], abstracts[i]))
        choices[row] = best_phrases(phrases, score, held, context, row, 3)
    names = {
        int(real[row]): display(phrases, columns[0]) if columns else None
        for row, columns in choices.items()
    }
    seconds = {
        int(real[row]): [display(phrases, c) for c in columns[1:]]
        for row, columns in choices.items()
    }
    for topic, name in names.items():
        if name is None:
            names[topic] = (fallback or {}).get(topic) or f"topic {topic}"
    return distinguish(names, seconds)


def distinguish(names: dict[int, str], seconds: dict[int, list[str]]) -> dict[int, str]:
    """Names unique: those whose words have the same stems get their best second phrase
    ("Graph neural networks: expressive power"), then a number where still shared."""
    groups: dict[frozenset, list[int]] = defaultdict(list)
    for item, name in names.items():
        groups[frozenset(stems(name))].append(item)
    result = dict(names)
    for members in groups.values():
        if len(members) < 2:
            continue
        taken: set[frozenset] = set()
        for item in members:
            for second in seconds.get(item, []):
                if frozenset(stems(second)) not in taken:
                    taken.add(frozenset(stems(second)))
                    result[item] = f"{names[item]}: {second}"
                    break
    counts = Counter(result.values())
    seen: Counter = Counter()
    for item, name in result.items():
        if counts[name] > 1:
            seen[name] += 1
            result[item] = f"{name} ({seen[name]})"
    return result


def theme_names(
    titles: Sequence[str],
    abstracts: Sequence[str],
    topic_ids: np.ndarray,
    theme_of_topic: dict[int, int],
    *,
    fallback: dict[int, str] | None = None,
    phrases: Phrases | None = None,
) -> dict[int, str]:
    """Each theme's name: its phrase spread most across its topics ("Robot learning"),
    joined by "and" to the phrase that best covers the topics that one misses.

    A phrase covers a topic of a theme that over-uses it (the share of the topic's papers
    holding it at least one in ten and twice the share among the papers outside the
    theme); its score in a theme is the share of the theme's papers in topics it covers,
    times the share of its occurrences that are in the theme (to PRECISION_POWER), times
    its length weight. So the words of one large topic do not name its theme.
    """
    topic_ids = np.asarray(topic_ids)
    themes = sorted(set(theme_of_topic.values()))
    if not themes:
        return {}
    phrases = phrases or find_phrases(titles, abstracts)
    real = np.array(sorted(theme_of_topic), dtype=np.int64)
    topic_index = np.where(np.isin(topic_ids, real), np.searchsorted(real, topic_ids), -1)
    theme_row = {theme: i for i, theme in enumerate(themes)}
    theme_index = np.array([theme_row[theme_of_topic[int(t)]] for t in real])
    paper_theme = np.where(topic_index >= 0, theme_index[np.maximum(topic_index, 0)], -1)
    text = phrases.text.astype(np.float64)
    per_topic = group_matrix(topic_index, len(real)) @ text  # papers of each topic holding it
    sizes = np.bincount(topic_index[topic_index >= 0], minlength=len(real)).astype(float)
    share = sparse.csr_matrix(sparse.diags(1 / np.maximum(sizes, 1)) @ per_topic)
    in_theme = sparse.csr_matrix(group_matrix(paper_theme, len(themes)) @ text)
    corpus = np.asarray(text.sum(axis=0)).ravel()
    precision = sparse.csr_matrix(in_theme @ sparse.diags(1 / np.maximum(corpus, 1)))
    theme_titles = sparse.csr_matrix(group_matrix(paper_theme, len(themes)) @ phrases.title)
    n_papers = int((topic_index >= 0).sum())
    names: dict[int, str] = {}
    seconds: dict[int, list[str]] = {}
    for theme, row in theme_row.items():
        members = np.flatnonzero(theme_index == row)
        weights = sizes[members] / max(sizes[members].sum(), 1)
        inside = in_theme.getrow(row).toarray().ravel()
        outside = (corpus - inside) / max(n_papers - sizes[members].sum(), 1)
        rows = share[members].tocoo()
        over = (rows.data >= 0.1) & (rows.data >= 2 * outside[rows.col])
        covers = sparse.csr_matrix(
            (np.ones(over.sum()), (rows.row[over], rows.col[over])), shape=rows.shape
        )
        coverage = np.asarray(covers.T @ weights).ravel()
        prec = precision.getrow(row).toarray().ravel() ** THEME_PRECISION_POWER
        held = theme_titles.getrow(row).toarray().ravel()
        context = Context(
            text for i in np.flatnonzero(paper_theme == row) for text in (titles[i], abstracts[i])
        )
        chosen = _theme_phrases(
            phrases, coverage, prec, held, covers, weights, context, sizes[members].sum()
        )
        if not chosen:
            names[theme] = (fallback or {}).get(theme) or f"theme {theme}"
            seconds[theme] = []
            continue
        if len(chosen) == 1:
            names[theme] = display(phrases, chosen[0])
        else:  # no acronyms: "Large language models and reasoning", not "... (LLMs) and"
            names[theme] = " and ".join(
                [
                    display(phrases, chosen[0], acronym=False),
                    display(phrases, chosen[1], sentence_start=False, acronym=False),
                ]
            )
        seconds[theme] = [display(phrases, c) for c in chosen[2:]]
    return distinguish(names, seconds)


def _theme_phrases(
    phrases, coverage, precision, held, covers, weights, context, n_papers=0.0
) -> list[int]:
    """The theme's best phrase, then the one best covering, with its length weight, the
    topics that one misses (half its whole coverage counts too), then a third likewise
    (for telling near-duplicate themes apart). The second and third speak for several
    topics (SECOND_MIN_TOPICS, SECOND_MIN_SHARE), a single word counts SECOND_ONE_WORD,
    and one held by few of the theme's `n_papers` titles less (SECOND_TITLE_SHARE)."""
    length = length_weights(phrases, THEME_LENGTH_BONUS)
    score = coverage * precision * length
    order = [c for c in np.argsort(-score, kind="stable")[: 20 * N_TRIED] if score[c] > 0]
    usable = []
    for column in order:
        key = phrases.keys[column]
        if held[column] < MIN_TITLES or not acceptable(
            key, phrases.forms[column], phrases.head[column]
        ):
            continue
        if sum(word not in JOINERS for word in key) > THEME_WORDS or "and" in key:
            continue  # long, or an "and" of its own in a name joined by "and"
        if context.is_fragment(key, acronym=phrases.acronyms.get(key)):
            continue
        usable.append(column)
        if len(usable) >= N_TRIED:
            break
    if not usable:
        return []
    chosen = [usable[0]]
    used = phrase_stems(phrases, usable[0])
    covered = np.asarray(covers[:, usable[0]].todense()).ravel() > 0
    for _ in range(2):
        best, best_score = None, 0.0
        for column in usable:
            key_stems = phrase_stems(phrases, column)
            if column in chosen or key_stems & used:
                continue
            topics_covered = np.asarray(covers[:, column].todense()).ravel() > 0
            if (
                topics_covered.sum() < SECOND_MIN_TOPICS
                and weights[topics_covered].sum() < SECOND_MIN_SHARE
            ):
                continue
            gain = float(weights[topics_covered & ~covered].sum()) + 0.5 * coverage[column]
            value = gain * precision[column] * length[column]
            if len(phrases.keys[column]) == 1:
                value *= SECOND_ONE_WORD
            value *= min(1.0, held[column] / max(MIN_TITLES, SECOND_TITLE_SHARE * n_papers))
            if value > best_score:
                best, best_score = column, value
        if best is None:
            break
        chosen.append(best)
        used |= phrase_stems(phrases, best)
        covered |= np.asarray(covers[:, best].todense()).ravel() > 0
    return chosen

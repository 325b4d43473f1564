"""Topic and theme names (topics.names) on small hand-made corpora."""

import numpy as np

from topics.names import (
    Context,
    distinguish,
    find_phrases,
    long_form,
    stems,
    theme_names,
    topic_names,
)

FILLERS = str.split(
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber "
    "basalt cedar dune ember fjord garnet harbor iris jade kelp lagoon"
)


def corpus(topics: dict[str, tuple[str, str]], per_topic: int = 6):
    """Titles, abstracts and topic ids from (title, abstract) templates, each paper's
    template filled with its own word so that only the template repeats."""
    titles, abstracts, ids = [], [], []
    words = iter(FILLERS * 4)
    for topic, (title, abstract) in enumerate(topics.values()):
        for _ in range(per_topic):
            word = next(words)
            titles.append(title.format(w=word.capitalize()))
            abstracts.append(abstract.format(w=word))
            ids.append(topic)
    return titles, abstracts, np.array(ids)


TOPICS = {
    "sensing": (
        "Low-Rank Matrix Sensing with {w} Measurements",
        "We study low-rank matrix sensing when the measurements are {w}. The low-rank "
        "matrix sensing problem has a benign landscape.",
    ),
    "nerf": (
        "NeRF for {w} Scenes",
        "Neural radiance fields (NeRF) render {w} scenes. We train a NeRF on each scene.",
    ),
    "llm": (
        "LLMs as {w} Reasoners",
        "Large language models (LLMs) reason about {w} questions; we prompt LLMs.",
    ),
    "navigation": (
        "Vision-Language Navigation in {w} Houses",
        "An agent follows instructions in vision-language navigation through {w} rooms.",
    ),
}


def test_topics_are_named_by_whole_phrases_cased_as_the_papers_write_them():
    titles, abstracts, ids = corpus(TOPICS)
    names = topic_names(titles, abstracts, ids)
    # Whole phrase, not the fragments "Matrix sensing" or "Rank matrix"; hyphen kept,
    # cased as a sentence writes it (the titles are in title case).
    assert names[0] == "Low-rank matrix sensing"
    # An acronym the abstracts define follows its expansion, counted with titles using it.
    assert names[1] == "Neural radiance fields (NeRF)"
    assert names[2] == "Large language models (LLMs)"
    assert names[3] == "Vision-language navigation"


def test_an_acronym_without_a_definition_keeps_its_own_casing():
    topics = {
        "nerf": ("NeRF for {w} Scenes", "We train a NeRF on {w} scenes."),
        "other": ("Protein Folding of {w} Chains", "Protein folding of {w} chains."),
    }
    titles, abstracts, ids = corpus(topics)
    assert topic_names(titles, abstracts, ids)[0] == "NeRF"


def test_fragments_are_told_by_the_word_beside_them():
    context = Context(["low rank matrix sensing", "the low rank matrix sensing", "matrix sensing"])
    assert context.is_fragment(["rank", "matrix"])  # always after "low"
    assert context.is_fragment(["matrix", "sensing"], share=0.6)  # 2 of 3 after "rank"
    assert not context.is_fragment(["matrix", "sensing"])
    assert not context.is_fragment(["low", "rank", "matrix", "sensing"])


def test_acronyms_are_matched_to_the_words_they_abbreviate():
    assert long_form("SSL", "we study self-supervised learning") == "self-supervised learning"
    assert long_form("LLMs", "Large Language Models") == "Large Language Models"
    assert long_form("SLAM", "for simultaneous localization and mapping") == (
        "simultaneous localization and mapping"
    )
    assert long_form("NeRF", "neural radiance fields") == "neural radiance fields"
    assert long_form("MOT", "results on the benchmark") is None


def test_modifiers_and_generic_words_name_nothing():
    topics = {
        "fewshot": (
            "Few-Shot Learning with {w} Prototypes",
            "Few-shot learning from {w} examples with a robust model.",
        ),
        "other": ("Protein Folding of {w} Chains", "Protein folding of {w} chains."),
    }
    titles, abstracts, ids = corpus(topics)
    # "Few-shot" alone is a modifier; "Learning" is generic.
    assert topic_names(titles, abstracts, ids)[0] == "Few-shot learning"


def test_near_duplicate_names_are_told_apart_by_a_second_phrase_without_repeated_stems():
    topics = {
        "offline": (
            "Offline Datasets for Reinforcement Learning: {w}",
            "Reinforcement learning from offline datasets of {w}.",
        ),
        "reward": (
            "Reinforcement Learning with Reward Shaping and {w}",
            "Reinforcement learning with reward shaping of {w}.",
        ),
        "other": ("Protein Folding of {w} Chains", "Protein folding of {w} chains."),
    }
    titles, abstracts, ids = corpus(topics)
    names = topic_names(titles, abstracts, ids)
    assert len(set(names.values())) == 3
    assert names[0].startswith("Reinforcement learning: ") or names[0] == "Offline datasets"
    for name in names.values():
        phrases = name.split(": ")
        if len(phrases) == 2:
            assert not stems(phrases[0]) & stems(phrases[1]), name


def test_distinguish_leaves_no_two_names_alike():
    names = distinguish(
        {0: "Graph neural networks", 1: "Graph neural network", 2: "Protein folding"},
        {0: ["Expressive power", "Graph isomorphism"], 1: ["Expressive power"], 2: []},
    )
    assert names[0] == "Graph neural networks: expressive power" or names[0].endswith("power")
    assert names[1] != names[0] and names[1].startswith("Graph neural network")
    assert names[2] == "Protein folding"
    same = distinguish({0: "Protein folding", 1: "Protein folding"}, {0: [], 1: []})
    assert len(set(same.values())) == 2


def test_a_theme_is_named_by_what_its_topics_share_not_by_its_largest_topic():
    topics = {
        # theme 0: three topics that all speak of dark matter; the largest is about
        # galaxy rotation curves, which the others never mention.
        "rotation": (
            "Galaxy Rotation Curves and Dark Matter in {w}",
            "Galaxy rotation curves of {w} galaxies trace dark matter halos.",
        ),
        "lensing": (
            "Dark Matter Lensing by {w} Clusters",
            "Weak lensing maps dark matter in the {w} cluster.",
        ),
        "dwarfs": (
            "Dark Matter in {w} Dwarf Spheroidals",
            "Dwarf spheroidals of {w} hold dark matter.",
        ),
        # theme 1
        "folding": ("Protein Folding of {w} Chains", "Protein folding of {w} chains."),
        "docking": ("Protein Docking with {w} Scores", "Protein docking scored by {w}."),
    }
    titles, abstracts, ids = corpus(topics)
    ids = np.where(ids == 0, 0, ids)  # topic 0 twice the size of the others
    titles += [f"Galaxy Rotation Curves and Dark Matter in {w}" for w in FILLERS[:6]]
    abstracts += ["Galaxy rotation curves trace dark matter halos."] * 6
    ids = np.concatenate([ids, np.zeros(6, dtype=int)])
    names = theme_names(titles, abstracts, ids, {0: 0, 1: 0, 2: 0, 3: 1, 4: 1})
    assert names[0].startswith("Dark matter"), names
    assert names[1].startswith("Protein"), names
    assert len(set(names.values())) == 2


def test_phrases_stop_at_punctuation_and_function_words():
    phrases = find_phrases(
        ["Sparse Coding: A Study of Dictionaries", "Sparse Coding for Dictionaries"] * 2, [""] * 4
    )
    assert ("sparse", "coding") in phrases.index
    assert ("coding", "a") not in phrases.index and ("coding", "for") not in phrases.index
    assert not any("study" in key for key in phrases.keys)


def test_a_topic_whose_titles_share_no_phrase_keeps_its_fallback_name():
    titles = ["Protein Folding", "Protein Folding", "Protein Folding", "A", "The", "Of"]
    ids = np.array([0, 0, 0, 1, 1, 1])
    names = topic_names(titles, [""] * 6, ids, fallback={0: "protein", 1: "misc, other"})
    assert names == {0: "Protein folding", 1: "misc, other"}


def test_a_theme_names_second_a_phrase_several_topics_share_not_a_generic_word():
    # theme 0: every topic speaks of dark matter in galaxies; two of its four of
    # gravitational lensing. "Galaxies" is in every title, but one word says less.
    topics = {
        "lensing": (
            "Dark Matter and Gravitational Lensing in {w} Galaxies",
            "Gravitational lensing maps dark matter in {w} galaxies.",
        ),
        "arcs": (
            "Gravitational Lensing Arcs and Dark Matter of {w} Galaxies",
            "Arcs from gravitational lensing trace dark matter in {w} galaxies.",
        ),
        "halos": (
            "Dark Matter Halos of {w} Galaxies",
            "Halos of dark matter surround {w} galaxies.",
        ),
        "rotation": (
            "Dark Matter from Rotation Curves of {w} Galaxies",
            "Rotation curves of {w} galaxies reveal dark matter.",
        ),
        # theme 1
        "folding": ("Protein Folding of {w} Chains", "Protein folding of {w} chains."),
        "docking": ("Protein Docking with {w} Scores", "Protein docking scored by {w}."),
    }
    titles, abstracts, ids = corpus(topics)
    names = theme_names(titles, abstracts, ids, {0: 0, 1: 0, 2: 0, 3: 0, 4: 1, 5: 1})
    assert names[0] == "Dark matter and gravitational lensing", names


def test_a_theme_names_second_no_phrase_of_one_small_topic():
    # theme 0: six dark matter topics; one (a sixth of its papers) of weak gravitational
    # lensing, two of dwarf galaxies (which a protein topic's papers study too).
    topics = {
        "lensing": (
            "Dark Matter and Weak Gravitational Lensing by {w}",
            "Weak gravitational lensing maps dark matter in {w}.",
        ),
        "dwarfs": (
            "Dark Matter in Dwarf Galaxies near {w}",
            "Dwarf galaxies near {w} hold dark matter.",
        ),
        "spheroidals": (
            "Dwarf Galaxies and Dark Matter in {w}",
            "Dark matter in the dwarf galaxies of {w}.",
        ),
        "halos": ("Dark Matter Halos of {w}", "Halos of dark matter around {w}."),
        "rotation": ("Dark Matter and Rotation of {w}", "Rotation of {w} and dark matter."),
        "axions": ("Axion Dark Matter from {w}", "Axions from {w} as dark matter."),
        # theme 1
        "folding": ("Protein Folding in Dwarf Galaxies of {w}", "Protein folding of {w}."),
        "docking": ("Protein Docking with {w} Scores", "Protein docking scored by {w}."),
    }
    titles, abstracts, ids = corpus(topics)
    theme_of = {topic: int(topic >= 6) for topic in range(8)}
    names = theme_names(titles, abstracts, ids, theme_of)
    assert names[0] == "Dark matter and dwarf galaxies", names

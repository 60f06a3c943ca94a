"""The ``rare-words`` blocking pass (``block(keys, rare_words=True)``): titles that differ in
the middle or in word order still meet through their rarest shared word."""

from __future__ import annotations

from review.corpus.dedup.block import RARE_WINDOW, block, rare_word_pairs
from review.corpus.dedup.keys import build_keys
from review.corpus.normalise import normalise_fields

#: Ten unrelated titles, so that the words of the pair below are rare among them.
OTHERS = [f"Hospital outcomes of {topic} in primary care" for topic in (
    "asthma", "diabetes", "obesity", "migraine", "anaemia", "psoriasis", "gout", "eczema", "glaucoma", "sepsis")]
#: The same paper: words reordered and a word changed in the middle, so that neither end of
#: its title matches and no other key (DOI, pages, fingerprint, start, end) is there.
PAIR = ["Telephone peer support for postpartum depression: a randomised trial",
        "A randomised trial: postpartum depression and peer support by telephone"]


def _pairs(candidates) -> set[tuple[int, int]]:
    return set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))


def _keys(titles: list[str]):
    return build_keys([{**normalise_fields({"title": t, "authors": [f"Author{i}, A"]}), "id": i}
                       for i, t in enumerate(titles, start=1)])


def test_rare_words_pass_finds_titles_the_other_passes_miss() -> None:
    keys = _keys([*OTHERS, *PAIR])
    first, second = len(OTHERS), len(OTHERS) + 1
    assert (first, second) not in _pairs(block(keys))  # the default passes miss it
    with_rare = block(keys, rare_words=True)
    assert (first, second) in _pairs(with_rare)
    assert with_rare.passes["rare-words"] >= 1 and "rare-words" not in block(keys).passes


def test_rare_word_pairs_uses_the_rarest_shared_long_words_only() -> None:
    titles = ["alpha beta zeta", "beta zeta gamma", "beta omega", "beta kappa", "the cat", "the cat sat",
              "solo words here"]
    left, right = rare_word_pairs(titles)
    pairs = {tuple(sorted(p)) for p in zip(left.tolist(), right.tolist(), strict=True)}
    assert (0, 1) in pairs and (2, 3) in pairs  # through "zeta" (2 titles), and "beta"
    assert not any(i in p for p in pairs for i in (4, 5))  # "the", "cat": under four letters
    assert not any(6 in p for p in pairs)  # words no other title has


def test_a_common_word_pairs_each_title_with_a_few_neighbours_only() -> None:
    titles = [f"common {i:03d}x" for i in range(200)]
    left, _ = rare_word_pairs(titles)
    assert 0 < len(left) <= len(titles) * (RARE_WINDOW - 1)  # not quadratic


def test_no_shared_word_no_pair() -> None:
    left, right = rare_word_pairs(["alpha", "gamma", "ab cd"])
    assert len(left) == len(right) == 0

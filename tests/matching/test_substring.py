"""Substring recall from the gram lists: the same postings as a brute-force check of every text."""

import random

import numpy as np
import pytest
from conftest import BATTERY, NEED, PACKAGING, STEEL

from matchmaker.matching import Matcher
from matchmaker.matching.substring import Grams, doc_text, term_keys
from matchmaker.matching.text import normalise

CHARS = "锂离子电池正极材料能量密度循环寿命食品包装聚乳酸高炉余热回收的和在了PLCscr5G-.% "


def contains(text: str, term: str) -> bool:
    """What ILIKE '%term%' answered (plus NFKC): the normalised term, spaces aside, within one field."""
    t = "".join(ch for ch in normalise(term) if ord(ch) > 32)
    return bool(t) and any(t in part for part in text.split("\n"))


def brute(docs: list[dict], kind: str, terms: list[str]) -> list[str]:
    live = [d for d in docs if d["kind"] == kind]
    terms = [t for t in terms if normalise(t).strip()]
    return sorted(d["id"] for d in live if terms and all(contains(doc_text(d), t) for t in terms))


def random_docs(seed: int, n: int = 150) -> list[dict]:
    rng = random.Random(seed)
    text = lambda k: "".join(rng.choice(CHARS) for _ in range(k))  # noqa: E731
    return [
        {
            "id": f"{kind[0]}{i}",
            "kind": kind,
            "title": text(8),
            "description": text(rng.randint(0, 60)),
            "keywords": [text(3), text(2)],
            "advantages": text(5),
        }
        for i, kind in ((i, rng.choice(("achievement", "need"))) for i in range(n))
    ]


@pytest.mark.parametrize("seed", range(4))
def test_containing_equals_a_scan_of_every_text(seed):
    rng = random.Random(seed)
    docs = random_docs(seed)
    m = Matcher().fit(docs)
    for _ in range(60):
        terms = ["".join(rng.choice(CHARS) for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 2))]
        for kind in ("achievement", "need"):
            assert sorted(m.containing(terms, kind)) == brute(docs, kind, terms), terms


def test_keywords_inside_longer_words_and_case(matcher):
    assert matcher.containing(["电池"], "achievement") == ["a1"]  # 锂离子电池: one word to the segmenter
    assert matcher.containing(["离子电"], "achievement") == ["a1"]
    assert sorted(matcher.containing(["高"], "achievement")) == ["a1", "a3"]
    assert matcher.containing(["电池", "包装"], "achievement") == []
    assert matcher.containing(["能量密度"], "need") == ["n1"]
    assert matcher.containing(["  "], "need") == [] and matcher.containing([], "need") == []
    m = Matcher().fit([dict(BATTERY, title="ＰＬＣ控制的电池产线")])
    assert m.containing(["plc"], "achievement") == ["a1"] and m.containing(["PLC"], "achievement") == ["a1"]


def test_follows_add_remove_save_and_compaction(matcher, tmp_path):
    matcher.add(dict(PACKAGING, id="a9", title="锂电池回收"))
    matcher.remove("a1")
    assert matcher.containing(["电池"], "achievement") == ["a9"]
    matcher.add(dict(BATTERY, id="a1"))  # back, as a new row
    assert sorted(matcher.containing(["电池"], "achievement")) == ["a1", "a9"]
    matcher.remove("a9")
    matcher.save(tmp_path / "idx")  # save compacts: the delta and the tombstones fold into the base
    loaded = Matcher.load(tmp_path / "idx", mmap=True)
    assert loaded.containing(["电池"], "achievement") == ["a1"]
    assert sorted(loaded.containing(["高"], "achievement")) == ["a1", "a3"]
    docs = [BATTERY, PACKAGING, STEEL, NEED]
    for term in ("包装", "余热", "正极", "炉"):
        assert sorted(loaded.containing([term], "achievement")) == brute(docs, "achievement", [term])


def test_build_in_chunks_matches_one_text_at_a_time(monkeypatch):
    import matchmaker.matching.substring as substring

    monkeypatch.setattr(substring, "CHUNK", 1 << 3)  # several chunks and the scatter between them
    texts = [doc_text(d) for d in random_docs(7, 40)]
    chunked = Grams.build(texts)
    for key in set(k for t in texts for k in substring.text_keys(t).tolist()):
        expected = [i for i, t in enumerate(texts) if key in set(substring.text_keys(t).tolist())]
        assert chunked.rows_of(key).tolist() == expected
    assert len(term_keys("电池")) == 1 and len(term_keys("锂电池")) == 2 and len(term_keys("电")) == 1
    forked = Grams.build(texts, workers=2)  # the chunks cut by forked processes: the same arrays
    for name in Grams.ARRAYS:
        assert np.array_equal(getattr(forked, name), getattr(chunked, name))


@pytest.mark.parametrize("block", [1, 1 << 3, 1 << 24])
def test_compaction_renumbers_the_lists_as_a_fresh_build_of_the_live_texts(monkeypatch, block):
    import matchmaker.matching.substring as substring

    monkeypatch.setattr(substring, "REMAP_BLOCK", block)  # keys a few entries at a time, or all at once
    rng = random.Random(block)
    texts = [doc_text(d) for d in random_docs(11, 60)]
    grams = Grams.build(texts[:40])
    for r, t in enumerate(texts[40:], start=40):  # added since the base, some with grams no base text has
        grams.add(r, t + "氢能" * (r % 3 == 0))
    final = {r: t + "氢能" * (r >= 40 and r % 3 == 0) for r, t in enumerate(texts)}
    old = np.array(rng.sample(range(60), 45), np.int64)  # a permutation of the live rows, dead ones left out
    fresh = Grams.build([final[r] for r in old.tolist()])
    remapped = grams.remapped(old, 40)
    for name in Grams.ARRAYS:
        assert np.array_equal(getattr(remapped, name), getattr(fresh, name)), name


def test_compaction_keeps_an_added_posting_without_text():
    grams = Grams.empty()
    grams.add(0, "氢能电池")
    grams.add(1, "")  # no gram at all: its row is known from the compaction's list only
    remapped = grams.remapped(np.array([1, 0], np.int64), 0)
    assert remapped.rows_of(term_keys("氢能")[0]).tolist() == [1] and remapped.text_at(0) == b""

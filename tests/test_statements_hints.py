"""The whole-article scans of statements._hinted against the hints tried sentence by
sentence (statements._hinted_one_by_one), on real text: every text of eval/claims, and
texts made of their fragments, which hold units, compass words and abbreviations,
coordinates and the words around them as reporters write them."""

from __future__ import annotations

import json
import random
from pathlib import Path

from geomap import statements
from geomap.records import Sentence
from geomap.text import split_sentences, to_plain

CLAIMS = Path(__file__).resolve().parents[1] / "eval" / "claims"


def _claims_texts() -> list[str]:
    texts = []
    for path in sorted(CLAIMS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(to_plain(json.loads(line)["text"], "plain"))
    return texts


def _agree(text: str, spans: list[tuple[int, int]]) -> bool:
    """Whether the sentences hold a hint; the two ways agree on which do."""
    sentences = tuple(Sentence(i, a, b) for i, (a, b) in enumerate(spans))
    expected = statements._hinted_one_by_one(text, sentences)
    assert statements._hinted(text, sentences) == expected, (text, spans)
    return any(expected)


def test_the_scans_find_the_sentences_of_every_claims_text():
    texts = _claims_texts()
    assert len(texts) > 500
    hinted = 0
    for text in texts:
        hinted += _agree(text, [(s.start, s.end) for s in split_sentences(text)])
    assert hinted > len(texts) / 2  # the corpus states distances: most texts hold a hint


def test_the_scans_find_the_sentences_of_texts_made_of_real_fragments():
    # Fragments cut at random from the claims texts (a few characters to a few words), so
    # that the letters around each unit, compass word, abbreviation and number are the ones
    # real text puts there, and also cut through words; joined at random, often with upper
    # case, and cut into sentences as split_sentences does and at random spaces.
    texts = _claims_texts()
    rng = random.Random(7)
    checked = 0
    for _ in range(4_000):
        parts = []
        for _ in range(rng.randint(2, 14)):
            source = rng.choice(texts)
            a = rng.randrange(len(source))
            part = source[a : a + rng.randint(1, 40)]
            if rng.random() < 0.2:
                part = part.upper()
            parts.append(part)
        text = rng.choice(["", " ", "\n"]).join(parts)
        spaces = [i for i, c in enumerate(text) if c.isspace()]
        cuts = sorted(set(rng.sample(spaces, min(len(spaces), rng.randint(3, 10)))))
        bounds = [0, *cuts, len(text)]
        for spans in (
            [(s.start, s.end) for s in split_sentences(text)],
            [(a + rng.randint(0, 1), b) for a, b in zip(bounds, bounds[1:]) if a < b],
        ):
            _agree(text, spans)
            checked += len(spans) >= 4
    assert checked > 3_000


def test_sentences_out_of_order_or_overlapping_are_read_one_by_one():
    # The scans need sentences in order and apart; any others are read one by one, and the
    # two ways agree on them too.
    texts = [t for t in _claims_texts() if len(split_sentences(t)) >= 5]
    rng = random.Random(11)
    for text in texts[:300]:
        spans = [(s.start, s.end) for s in split_sentences(text)]
        shuffled = spans[:]
        while shuffled == spans:
            rng.shuffle(shuffled)
        i = rng.randrange(len(spans) - 1)
        overlapping = [*spans[:i], (spans[i][0], spans[i + 1][0] + 1), *spans[i + 1 :]]
        _agree(text, shuffled)
        _agree(text, overlapping)

"""The geoparser's entry point: text in, a Document of resolved place mentions out."""

from __future__ import annotations

import gc

from geomap.claims import check_document, support_hook
from geomap.extract import extract
from geomap.gazetteer import Gazetteer
from geomap.records import Document
from geomap.resolve import ClaimSupport, resolve
from geomap.statements import find_claims
from geomap.text import split_sentences, to_plain

_DEFAULT: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer, opened once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Gazetteer.open()
    return _DEFAULT


#: How many collections of the middle generation a full garbage collection waits for in
#: geomap's own processes (:func:`collect_for_a_corpus`; Python's default is 10).
FULL_COLLECTION_AFTER = 100


def collect_for_a_corpus() -> None:
    """Set this process's garbage collector for parsing article after article: a full
    collection after :data:`FULL_COLLECTION_AFTER` collections of the middle generation,
    not 10. geomap's commands, its local batch workers and the workers of a Dask cluster
    it starts call it, as the process is theirs; :func:`parse` never does, as a library
    leaves the collector to its caller.

    A first pass over a corpus fills the lookup caches with long-lived objects (some
    60,000 after LGL's 588 articles), and each full collection walks every object of the
    process: with Python's defaults, collections took a tenth to a sixth of that pass (a
    full one 10 to 30 ms), and found next to nothing to free (a parse leaves almost no
    reference cycles: 7 objects in LGL's first pass). Young objects are collected as
    before."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_AFTER))


def parse(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    gazetteer: Gazetteer | None = None,
    format: str = "plain",
    id: str | None = None,
    claim_support: ClaimSupport | None = None,
) -> Document:
    """Parse an article: sentences, place and demonym mentions, each resolved and explained,
    and the distance claims between them, judged (``Document.checks``).

    A candidate that makes a stated distance consistent is preferred (``claim_support``,
    by default built from the article's own claims).

    ``format`` is "plain", "markdown" or "html"; offsets refer to the plain text, which is
    ``Document.text``. ``gazetteer`` defaults to the bundled one (opened once per process).

    >>> doc = parse("Fighting reached Rawa, Iraq.")
    >>> [(m.text, m.place.country) for m in doc.places]
    [('Rawa', 'IQ'), ('Iraq', 'IQ')]
    """
    plain = to_plain(text, format)
    sentences = split_sentences(plain)
    if not plain.strip():
        return Document(plain, sentences, (), title=title, url=url, id=id)
    gaz = gazetteer if gazetteer is not None else default_gazetteer()
    mentions = extract(plain, sentences, gaz)
    claims = find_claims(Document(plain, sentences, mentions))
    if claim_support is None and claims:
        claim_support = support_hook(Document(plain, sentences, mentions), claims=claims)
    mentions = resolve(plain, sentences, mentions, gaz, claim_support=claim_support)
    doc = Document(plain, sentences, mentions, title=title, url=url, id=id)
    # Found again now that the mentions are resolved: "the town" refers back to a town.
    return check_document(doc, gaz) if claims else doc


__all__ = ["FULL_COLLECTION_AFTER", "collect_for_a_corpus", "default_gazetteer", "parse"]

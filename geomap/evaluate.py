"""Scoring a geoparser against a gold corpus (the format of ``shared/eval/README.md``).

Recognition compares predicted spans with all gold spans (``toponyms`` and ``unresolved``):
*exact* counts a prediction right when its offsets equal a gold span's; *overlap* when it
shares a character with one (precision counts predictions touching a gold span, recall gold
spans touched by a prediction). Demonym mentions are predictions too: the gold counts
adjectival demonyms as toponyms resolved to their country.

Resolution is scored on the resolved gold spans (``toponyms``). End to end, each gold span
is paired with the predicted mention that overlaps it (the longest overlap) and only pairs
with a chosen place count. With ``gold_spans=True`` the gold spans themselves are resolved,
with what the text says beside each as the extractor reads it (a type word, "Becker and
Clay counties"; a direction word, "southern Mexico"), and a span without any candidate counts
as the largest possible error, 20,039 km.

Error is the great-circle distance in km between the chosen place and the gold point.
Accuracy@161 is the share of errors of at most 161 km (100 miles). AUC is the area under
the curve of sorted log errors (Jurgens et al. 2015, as computed by Gritta et al. 2018):

    AUC = sum_{i=1}^{n-1} (ln(1 + e_(i)) + ln(1 + e_(i+1))) / 2  /  ((n - 1) ln 20039)

with errors e sorted ascending; 0 is perfect, 1 is every answer at the antipode.

Every gold span is also scored on its own (:class:`GoldResult`), so that the figures can be
broken down by the GeoNames feature class of the gold (:func:`feature_type`): the share of
gold toponyms whose name the gazetteer offers no candidate (:func:`has_candidate`; demonyms
aside: they never reach the gazetteer), counting the spans the annotators left unresolved
(streets, buildings), and Accuracy@161 on the gold spans and end to end.

The LGL convention of the project: rules are tuned only on the *dev* half (articles whose
``crc32(id)`` is even, :func:`half`); the *held-out* half is only ever scored.
"""

from __future__ import annotations

import math
import statistics
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from geomap.demonyms import is_demonym
from geomap.extract import (
    abbreviation_matches,
    lookup,
    lookup_name,
    other_names,
    read_context,
)
from geomap.gazetteer import Gazetteer
from geomap.records import Mention, Place
from geomap.resolve import distance_km, resolve
from geomap.text import sentence_at, split_sentences

#: Half the Earth's circumference: the error of a span left unresolved.
MAX_ERROR_KM = 20039.0
#: Feature types the figures are broken down by, in report order.
FEATURE_TYPES = ("PPL*", "ADM1", "ADM2", "PCL*", "water/other")
HALVES = ("dev", "held-out")


def feature_type(code: str) -> str:
    """The report group of a GeoNames feature code: "PPLA" -> "PPL*", "PCLI" -> "PCL*";
    codes other than populated places, first- and second-level divisions and countries
    (seas, rivers, parks, continents, "ADMD"...) -> "water/other"."""
    if code.startswith("PPL"):
        return "PPL*"
    if code.startswith("PCL"):
        return "PCL*"
    if code in ("ADM1", "ADM2"):
        return code
    return "water/other"


def half(article_id: str) -> str:
    """The LGL half an article belongs to: "dev" when ``crc32(id)`` is even, else
    "held-out"."""
    return "dev" if zlib.crc32(article_id.encode("utf-8")) % 2 == 0 else "held-out"


@dataclass(frozen=True, slots=True)
class GoldResult:
    """How one gold span fared: resolving the gold span itself, and end to end."""

    #: A :data:`FEATURE_TYPES` entry, or "unresolved" for a gold span the annotators left
    #: without a place (streets, buildings, places they could not find: no errors then).
    feature: str
    demonym: bool
    #: Whether the gazetteer offers the name any candidate (:func:`has_candidate`).
    candidate: bool
    gold_span_km: float | None  # MAX_ERROR_KM when no place was chosen
    #: Error of the recognised mention overlapping the span; None when none was
    #: recognised or it has no place (end-to-end scores only count the others).
    end_to_end_km: float | None = None


@dataclass(frozen=True, slots=True)
class Scores:
    """Recognition and resolution figures over a corpus."""

    articles: int
    gold_spans: int
    predicted: int
    exact_tp: int
    overlap_tp_predicted: int
    overlap_tp_gold: int
    resolved_gold: int
    scored: int
    errors_km: tuple[float, ...]
    gold_spans_mode: bool = False
    #: One per resolved gold span, for the breakdown by feature type.
    gold: tuple[GoldResult, ...] = ()

    @property
    def precision(self) -> float:
        return self.exact_tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.exact_tp / self.gold_spans if self.gold_spans else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def precision_overlap(self) -> float:
        return self.overlap_tp_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall_overlap(self) -> float:
        return self.overlap_tp_gold / self.gold_spans if self.gold_spans else 0.0

    @property
    def f1_overlap(self) -> float:
        return _f1(self.precision_overlap, self.recall_overlap)

    @property
    def accuracy_161(self) -> float:
        e = self.errors_km
        return sum(1 for x in e if x <= 161) / len(e) if e else 0.0

    @property
    def mean_error_km(self) -> float:
        return statistics.fmean(self.errors_km) if self.errors_km else 0.0

    @property
    def median_error_km(self) -> float:
        return statistics.median(self.errors_km) if self.errors_km else 0.0

    @property
    def auc(self) -> float:
        return auc_log_error(self.errors_km)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def auc_log_error(errors_km: Iterable[float]) -> float:
    """Area under the sorted log-error curve, normalised to [0, 1] (see the module doc)."""
    logs = sorted(math.log(1 + e) for e in errors_km)
    if len(logs) < 2:
        return logs[0] / math.log(MAX_ERROR_KM) if logs else 0.0
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:]))
    return area / ((len(logs) - 1) * math.log(MAX_ERROR_KM))


def _gold_mentions(text: str, spans: list[dict]) -> tuple[Mention, ...]:
    sentences = split_sentences(text)
    out = []
    for span in sorted(spans, key=lambda s: s["start"]):
        s, e = span["start"], span["end"]
        kind = "demonym" if is_demonym(text[s:e]) else "place"
        out.append(Mention(s, e, text[s:e], sentence_at(sentences, s), kind))
    return tuple(out)


def evaluate(articles: Iterable[dict], *, gazetteer: Gazetteer, gold_spans: bool = False) -> Scores:
    """Score the geoparser on gold articles (dicts with ``text``, ``toponyms``,
    ``unresolved``); pure apart from gazetteer lookups.

    The gold spans are always resolved too (for :attr:`Scores.gold`); with ``gold_spans``
    the articles are not parsed, and recognition and end-to-end figures are left out.
    """
    from geomap.parse import parse

    n_articles = n_gold = n_pred = exact = ov_pred = ov_gold = n_resolved = 0
    errors: list[float] = []
    results: list[GoldResult] = []
    for article in articles:
        text = article["text"]
        toponyms = sorted(article.get("toponyms", []), key=lambda t: t["start"])
        gold = toponyms + article.get("unresolved", [])
        n_articles += 1
        n_resolved += len(toponyms)
        gold_mentions = read_context(text, _gold_mentions(text, toponyms))
        by_span = {
            (m.start, m.end): m
            for m in resolve(text, split_sentences(text), gold_mentions, gazetteer)
        }
        on_gold = [by_span.get((t["start"], t["end"])) for t in toponyms]
        end_to_end: list[float | None] = [None] * len(toponyms)
        if gold_spans:
            errors += [_error(m.place if m else None, t) for m, t in zip(on_gold, toponyms)]
        else:
            mentions = parse(text, gazetteer=gazetteer).mentions
            n_gold += len(gold)
            n_pred += len(mentions)
            gold_set = {(g["start"], g["end"]) for g in gold}
            exact += sum(1 for m in mentions if (m.start, m.end) in gold_set)
            ov_pred += sum(1 for m in mentions if any(_overlap(m, g) for g in gold))
            ov_gold += sum(1 for g in gold if any(_overlap(m, g) for m in mentions))
            end_to_end = _end_to_end(mentions, toponyms)
            errors += [e for e in end_to_end if e is not None]
        results += _gold_results(gazetteer, article, on_gold, end_to_end)
    return Scores(
        n_articles,
        n_gold,
        n_pred,
        exact,
        ov_pred,
        ov_gold,
        n_resolved,
        len(errors),
        tuple(errors),
        gold_spans,
        tuple(results),
    )


def _end_to_end(mentions: Sequence[Mention], toponyms: list[dict]) -> list[float | None]:
    """For each resolved gold span, the error of the parsed mention overlapping it most
    (None where none overlaps or that mention has no place)."""
    out: list[float | None] = []
    for t in toponyms:
        best = max(
            (m for m in mentions if _overlap(m, t)),
            key=lambda m: min(m.end, t["end"]) - max(m.start, t["start"]),
            default=None,
        )
        out.append(_error(best.place, t) if best is not None and best.place is not None else None)
    return out


def _gold_results(
    gazetteer: Gazetteer,
    article: dict,
    on_gold: list[Mention | None],
    end_to_end: list[float | None],
) -> list[GoldResult]:
    """One result per gold span of ``article``: the resolved ones with the mention resolved
    on the gold span (``on_gold``) and the parsed one's error, then the unresolved ones."""
    text = article["text"]
    toponyms = sorted(article.get("toponyms", []), key=lambda t: t["start"])
    results = []
    for m, t, e2e in zip(on_gold, toponyms, end_to_end):
        place = m.place if m else None
        demonym = m is not None and m.kind == "demonym"
        results.append(
            GoldResult(
                feature_type(t.get("feature_code", "")),
                demonym,
                demonym or has_candidate(gazetteer, text[t["start"] : t["end"]]),
                _error(place, t),
                e2e,
            )
        )
    for t in article.get("unresolved", []):
        name = text[t["start"] : t["end"]]
        results.append(
            GoldResult("unresolved", is_demonym(name), has_candidate(gazetteer, name), None)
        )
    return results


def _overlap(m: Mention, g: dict) -> bool:
    return m.start < g["end"] and g["start"] < m.end


def _error(place: Place | None, gold: dict) -> float:
    if place is None:
        return MAX_ERROR_KM
    return distance_km(place, Place("", "", gold["lat"], gold["lon"], "city"))


def format_scores(scores: Scores) -> str:
    """The figures as a short text report."""
    lines = [f"articles                {scores.articles}"]
    if not scores.gold_spans_mode:
        lines += [
            f"gold spans              {scores.gold_spans}",
            f"predicted spans         {scores.predicted}",
            f"recognition (exact)     P {scores.precision:.3f}  R {scores.recall:.3f}  "
            f"F1 {scores.f1:.3f}",
            f"recognition (overlap)   P {scores.precision_overlap:.3f}  "
            f"R {scores.recall_overlap:.3f}  F1 {scores.f1_overlap:.3f}",
        ]
    mode = "gold spans" if scores.gold_spans_mode else "end to end"
    lines += [
        f"resolution ({mode}): {scores.scored} of {scores.resolved_gold} resolved gold spans "
        "scored",
        f"Accuracy@161km          {scores.accuracy_161:.3f}",
        f"mean error              {scores.mean_error_km:.0f} km",
        f"median error            {scores.median_error_km:.1f} km",
        f"AUC of log error        {scores.auc:.3f}",
    ]
    if scores.gold:
        lines += ["", *format_by_type(scores.gold, end_to_end=not scores.gold_spans_mode)]
    return "\n".join(lines)


def has_candidate(gazetteer: Gazetteer, name: str) -> bool:
    """Whether the gazetteer offers a name any candidate, before the article's context is
    read: under the name as the parser looks it up ("Okla." as Oklahoma, "Pott Co." as
    Pott County), an abbreviation, a county's name without "County" ("Henrico") or another
    name it may stand for ("Urals", ``extract.other_names``).
    Spelling variants, which depend on the article's context, do not count."""
    looked_up = lookup_name(name)
    return bool(
        lookup(gazetteer, looked_up)
        or abbreviation_matches(gazetteer, name)
        or any(lookup(gazetteer, f"{looked_up} {w}") for w in ("County", "Parish"))
        or any(lookup(gazetteer, other) for other, _ in other_names(looked_up))
    )


def format_by_type(results: Sequence[GoldResult], *, end_to_end: bool = True) -> list[str]:
    """Lines of a table: per feature type of the gold, the gold spans, the share of them
    whose name the gazetteer offers no candidate (demonyms aside), Accuracy@161 on gold
    spans and (with ``end_to_end``) end to end, with how many spans that scored. The
    "unresolved" gold spans have no point: they count in the no-candidate share only."""
    head = f"{'by feature type':<16}{'gold':>6}{'no candidate':>14}{'Acc@161 gold spans':>20}"
    lines = [head + (f"{'Acc@161 end to end':>20}" if end_to_end else "")]
    for label in (*FEATURE_TYPES, "resolved", "unresolved", "all"):
        group = [
            r
            for r in results
            if label == "all"
            or r.feature == label
            or (label == "resolved" and r.feature != "unresolved")
        ]
        if not group:
            continue
        places = [r for r in group if not r.demonym]
        missing = sum(1 for r in places if not r.candidate)
        share = f"{missing / len(places):.1%} ({missing})" if places else "-"
        located = [r for r in group if r.gold_span_km is not None]
        line = (
            f"{label:<16}{len(group):>6}{share:>14}"
            f"{_accuracy(r.gold_span_km for r in located if r.gold_span_km is not None):>20}"
        )
        if end_to_end:
            scored = [r.end_to_end_km for r in located if r.end_to_end_km is not None]
            line += f"{_accuracy(scored) + (f' ({len(scored)})' if scored else ''):>20}"
        lines.append(line)
    return lines


def _accuracy(errors: Iterable[float]) -> str:
    errors = list(errors)
    return f"{sum(1 for e in errors if e <= 161) / len(errors):.3f}" if errors else "-"


__all__ = [
    "FEATURE_TYPES",
    "MAX_ERROR_KM",
    "GoldResult",
    "Scores",
    "auc_log_error",
    "evaluate",
    "feature_type",
    "format_by_type",
    "format_scores",
    "half",
    "has_candidate",
]

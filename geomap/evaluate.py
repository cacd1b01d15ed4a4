"""Scoring a geoparser against a gold corpus (the format of ``shared/eval/README.md``).

Recognition compares predicted spans with all gold spans (``toponyms`` and ``unresolved``):
*exact* counts a prediction right when its offsets equal a gold span's; *overlap* when it
shares a character with one (precision counts predictions touching a gold span, recall gold
spans touched by a prediction). Demonym mentions are predictions too: the gold counts
adjectival demonyms as toponyms resolved to their country.

Resolution is scored on the resolved gold spans (``toponyms``). End to end, each gold span
is paired with the predicted mention that overlaps it (the longest overlap) and only pairs
with a chosen place count. With ``gold_spans=True`` the gold spans themselves are resolved,
and a span without any candidate counts as the largest possible error, 20,039 km.

Error is the great-circle distance in km between the chosen place and the gold point.
Accuracy@161 is the share of errors of at most 161 km (100 miles). AUC is the area under
the curve of sorted log errors (Jurgens et al. 2015, as computed by Gritta et al. 2018):

    AUC = sum_{i=1}^{n-1} (ln(1 + e_(i)) + ln(1 + e_(i+1))) / 2  /  ((n - 1) ln 20039)

with errors e sorted ascending; 0 is perfect, 1 is every answer at the antipode.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from geomap.demonyms import country_of
from geomap.gazetteer import Gazetteer
from geomap.records import Mention, Place
from geomap.resolve import distance_km, resolve
from geomap.text import sentence_at, split_sentences

#: Half the Earth's circumference: the error of a span left unresolved.
MAX_ERROR_KM = 20039.0


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
        kind = "demonym" if country_of(text[s:e]) else "place"
        out.append(Mention(s, e, text[s:e], sentence_at(sentences, s), kind))
    return tuple(out)


def evaluate(
    articles: Iterable[dict], *, gazetteer: Gazetteer, gold_spans: bool = False
) -> Scores:
    """Score the geoparser on gold articles (dicts with ``text``, ``toponyms``,
    ``unresolved``); pure apart from gazetteer lookups."""
    from geomap.parse import parse

    n_articles = n_gold = n_pred = exact = ov_pred = ov_gold = n_resolved = 0
    errors: list[float] = []
    for article in articles:
        text = article["text"]
        toponyms = article.get("toponyms", [])
        gold = toponyms + article.get("unresolved", [])
        n_articles += 1
        n_resolved += len(toponyms)
        if gold_spans:
            mentions = resolve(text, split_sentences(text), _gold_mentions(text, toponyms),
                               gazetteer)
            by_span = {(m.start, m.end): m for m in mentions}
            for t in toponyms:
                m = by_span.get((t["start"], t["end"]))
                errors.append(_error(m.place if m else None, t))
            continue
        mentions = parse(text, gazetteer=gazetteer).mentions
        n_gold += len(gold)
        n_pred += len(mentions)
        gold_set = {(g["start"], g["end"]) for g in gold}
        exact += sum(1 for m in mentions if (m.start, m.end) in gold_set)
        ov_pred += sum(1 for m in mentions if any(_overlap(m, g) for g in gold))
        ov_gold += sum(1 for g in gold if any(_overlap(m, g) for m in mentions))
        for t in toponyms:
            best = max((m for m in mentions if _overlap(m, t)),
                       key=lambda m: min(m.end, t["end"]) - max(m.start, t["start"]),
                       default=None)
            if best is not None and best.place is not None:
                errors.append(_error(best.place, t))
    return Scores(n_articles, n_gold, n_pred, exact, ov_pred, ov_gold, n_resolved,
                  len(errors), tuple(errors), gold_spans)


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
    return "\n".join(lines)


__all__ = ["MAX_ERROR_KM", "Scores", "auc_log_error", "evaluate", "format_scores"]

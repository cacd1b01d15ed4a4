"""Score the location-statement finder against annotated real text (``eval/claims/``).

A gold record is a passage copied from a published page with the statements it makes
(``eval/claims/README.md``). Each passage is parsed as an article; every statement geomap
reports (judged, located or unattached) is a prediction. A prediction matches a gold
statement when

- the value agrees (within 1 %, after unit conversion; both absent for a direction alone)
  and the direction agrees (equal codes, or both absent); for coordinates, the point lies
  within 0.01 degrees;
- the reference agrees: geomap's reference span overlaps the gold reference as written
  (for coordinates there is none);
- and, for the strict score, the subject agrees: its span overlaps the gold subject (or,
  for a coreference, geomap attached the same antecedent name).

Recall is counted per gold kind (place, unnamed, coreference, coordinates), strict and
without the subject; precision over all predictions (a prediction matching no gold
statement is wrong, whatever its status); the non-distance passages must give none.
Records are split by site into a part for tuning and a part only measured:
``crc32(site) % 2 == 0`` is "tune".
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geomap.errors import InputError
from geomap.records import ClaimCheck, Document
from geomap.statements import UNIT_KM

KINDS = ("place", "unnamed", "coreference", "coordinates")
SPLITS = ("tune", "measure")


def split_of(site: str) -> str:
    """The part a site's records belong to."""
    return "tune" if zlib.crc32(site.encode("utf-8")) % 2 == 0 else "measure"


@dataclass
class Score:
    """Counts for one part of the corpus."""

    gold: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)  # value, direction, reference
    strict: Counter[str] = field(default_factory=Counter)  # and the subject
    predicted: int = 0
    correct: int = 0
    negatives: int = 0
    false_on_negatives: int = 0
    records: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    #: (id, gold statements, found without the subject, found strictly, wrong predictions)
    per_record: list[tuple[str, int, int, int, int]] = field(default_factory=list)

    def recall(self, kind: str | None = None, *, strict: bool = True) -> float:
        hits = self.strict if strict else self.found
        total = self.gold[kind] if kind else sum(self.gold.values())
        got = hits[kind] if kind else sum(hits.values())
        return got / total if total else float("nan")

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else float("nan")


def read_records(path: str | Path) -> list[dict[str, Any]]:
    """The records of a corpus file (JSON Lines); InputError names the line of a bad one."""
    records = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(f"not JSON ({err.msg})", path=str(path), line=number) from None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError("a record needs a 'text' string", path=str(path), line=number)
            record.setdefault("site", "")
            record.setdefault("claims", [])
            record["_line"] = number
            records.append(record)
    return records


def _spans(text: str, needle: str | None) -> list[tuple[int, int]]:
    if not needle:
        return []
    out, start = [], text.find(needle)
    while start >= 0:
        out.append((start, start + len(needle)))
        start = text.find(needle, start + 1)
    return out


def _overlaps(span: tuple[int, int] | None, spans: Sequence[tuple[int, int]]) -> bool:
    return span is not None and any(span[0] < e and s < span[1] for s, e in spans)


def _value_km(gold: dict[str, Any]) -> float | None:
    if gold.get("value") is None:
        return None
    return float(gold["value"]) * UNIT_KM.get(gold.get("unit") or "km", 1.0)


def matches(doc: Document, check: ClaimCheck, gold: dict[str, Any], *, strict: bool) -> bool:
    """Whether a reported statement is the gold one (see the module docstring)."""
    claim, text = check.claim, doc.text
    if gold.get("kind") == "coordinates":
        if claim.point is None or gold.get("lat") is None:
            return False
        if abs(claim.point[0] - gold["lat"]) > 0.011 or abs(claim.point[1] - gold["lon"]) > 0.011:
            return False
    else:
        if claim.point is not None:
            return False
        value = _value_km(gold)
        if (value is None) != (claim.low_km is None):
            return False
        if value is not None and abs(claim.low_km - value) > 0.01 * value + 1e-9:  # type: ignore[operator]
            return False
        if (gold.get("direction") or None) != (claim.direction or None):
            return False
        reference = claim.reference
        if reference is None or not _overlaps(
            (reference.start, reference.end), _spans(text, gold.get("reference"))
        ):
            return False
    if not strict:
        return True
    subject = claim.subject
    if subject is None:
        return False
    if _overlaps((subject.start, subject.end), _spans(text, gold.get("subject"))):
        return True
    antecedent = gold.get("antecedent")
    if antecedent and subject.mention is not None:
        mention = doc.mentions[subject.mention]
        return _overlaps((mention.start, mention.end), _spans(text, antecedent))
    return False


def score_record(doc: Document, record: dict[str, Any], score: Score) -> None:
    """Add one record's counts to ``score``."""
    golds = record["claims"]
    score.records += 1
    if not golds:
        score.negatives += 1
    checks = list(doc.checks)
    score.predicted += len(checks)
    used_strict: set[int] = set()
    used_loose: set[int] = set()
    for gold in golds:
        kind = gold.get("kind", "place")
        score.gold[kind] += 1
        strict = next(
            (
                i
                for i, c in enumerate(checks)
                if i not in used_strict and matches(doc, c, gold, strict=True)
            ),
            None,
        )
        loose = next(
            (
                i
                for i, c in enumerate(checks)
                if i not in used_loose and matches(doc, c, gold, strict=False)
            ),
            None,
        )
        if strict is not None:
            used_strict.add(strict)
            score.strict[kind] += 1
        if loose is not None:
            used_loose.add(loose)
            score.found[kind] += 1
        if strict is None:
            score.misses.append(
                {
                    "id": record.get("id"),
                    "kind": kind,
                    "gold": gold,
                    "found": loose is not None,
                    "text": record["text"],
                    "predicted": [_brief(doc, c) for c in checks],
                }
            )
    wrong = 0
    for i, check in enumerate(checks):
        if i in used_loose:
            score.correct += 1
        else:
            wrong += 1
            if not golds:
                score.false_on_negatives += 1
            score.wrong.append(
                {"id": record.get("id"), "claim": _brief(doc, check), "text": record["text"]}
            )
    score.per_record.append(
        (str(record.get("id")), len(golds), len(used_loose), len(used_strict), wrong)
    )


def _brief(doc: Document, check: ClaimCheck) -> str:
    claim = check.claim
    subject = claim.subject.text if claim.subject else "?"
    reference = claim.reference.text if claim.reference else "?"
    what = f"{claim.point}" if claim.point else f"{claim.low_km} km {claim.direction or ''}".strip()
    return f"[{check.status}] {subject} <- {reference}: {what} «{claim.text}»"


def evaluate(files: Iterable[str | Path], *, parse=None) -> dict[str, Score]:
    """Scores per part ("tune", "measure", "all") over the records of ``files``."""
    if parse is None:
        from geomap.parse import parse
    scores = {name: Score() for name in (*SPLITS, "all")}
    for path in files:
        for record in read_records(path):
            doc = parse(record["text"], id=record.get("id"), url=record.get("url"))
            for name in (split_of(record["site"]), "all"):
                score_record(doc, record, scores[name])
    return scores


def report(scores: dict[str, Score]) -> str:
    """The figures as a table, one column per part."""
    names = [n for n in ("tune", "measure", "all") if scores[n].records]
    lines = [f"{'':34}" + "".join(f"{n:>18}" for n in names)]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"{label:34}" + "".join(f"{v:>18}" for v in values))

    row("records (negatives)", [f"{scores[n].records} ({scores[n].negatives})" for n in names])
    for kind in KINDS:
        row(f"recall {kind}", [_ratio(scores[n].strict[kind], scores[n].gold[kind]) for n in names])
        row(
            "  without subject",
            [_ratio(scores[n].found[kind], scores[n].gold[kind]) for n in names],
        )
    row(
        "recall, all kinds",
        [_ratio(sum(scores[n].strict.values()), sum(scores[n].gold.values())) for n in names],
    )
    row(
        "precision (all statements)",
        [_ratio(scores[n].correct, scores[n].predicted) for n in names],
    )
    row(
        "statements on negatives",
        [f"{scores[n].false_on_negatives} in {scores[n].negatives}" for n in names],
    )
    return "\n".join(lines)


def _ratio(hit: int, total: int) -> str:
    return f"{hit / total:.3f} ({hit}/{total})" if total else "-"


__all__ = ["KINDS", "Score", "evaluate", "matches", "read_records", "report", "split_of"]

"""Scoring against a gold corpus."""

from __future__ import annotations

import math

import pytest

from geomap.evaluate import (
    MAX_ERROR_KM,
    auc_log_error,
    evaluate,
    feature_type,
    format_scores,
    half,
    has_candidate,
)

ROWS = [
    ("country:IQ", "Iraq", "", "33", "44", "country", "IQ", "", "38000000", "t"),
    ("gn:r", "Ramadi", "", "33.42", "43.31", "city", "IQ", "Anbar", "223500", "t"),
]


@pytest.fixture(scope="module")
def gaz(make_gazetteer):
    return make_gazetteer(ROWS)


ARTICLE = {
    "id": "1",
    "text": "Clashes in Ramadi, Iraq and Fallujah.",
    "toponyms": [
        {"start": 11, "end": 17, "name": "Ramadi", "lat": 33.42, "lon": 43.31},
        {"start": 19, "end": 23, "name": "Iraq", "lat": 33.0, "lon": 44.0},
        {"start": 28, "end": 36, "name": "Fallujah", "lat": 33.35, "lon": 43.78},
    ],
}


def test_end_to_end_scores(gaz):
    scores = evaluate([ARTICLE], gazetteer=gaz)
    assert (scores.gold_spans, scores.predicted, scores.exact_tp) == (3, 2, 2)
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(0.8)
    assert scores.scored == 2 and scores.accuracy_161 == 1.0
    assert "Accuracy@161km          1.000" in format_scores(scores)


def test_gold_spans_count_unknown_names_as_largest_error(gaz):
    scores = evaluate([ARTICLE], gazetteer=gaz, gold_spans=True)
    assert scores.scored == 3
    assert max(scores.errors_km) == MAX_ERROR_KM
    assert scores.accuracy_161 == pytest.approx(2 / 3)


def test_auc_bounds():
    assert auc_log_error([0.0, 0.0]) == 0.0
    assert auc_log_error([MAX_ERROR_KM, MAX_ERROR_KM]) == pytest.approx(
        math.log(1 + MAX_ERROR_KM) / math.log(MAX_ERROR_KM)
    )


def test_breakdown_by_feature_type(gaz):
    article = {
        **ARTICLE,
        "toponyms": [
            {**ARTICLE["toponyms"][0], "feature_code": "PPLA"},
            {**ARTICLE["toponyms"][1], "feature_code": "PCLI"},
            {**ARTICLE["toponyms"][2], "feature_code": "PPL"},
        ],
    }
    scores = evaluate([article], gazetteer=gaz)
    assert [(r.feature, r.candidate) for r in scores.gold] == [
        ("PPL*", True),
        ("PCL*", True),
        ("PPL*", False),
    ]
    # Fallujah has no candidate: a gold-span error, and not recognised end to end.
    assert scores.gold[2].gold_span_km == MAX_ERROR_KM and scores.gold[2].end_to_end_km is None
    table = format_scores(scores).split("by feature type")[1].splitlines()
    assert table[1].split() == ["PPL*", "2", "50.0%", "(1)", "0.500", "1.000", "(1)"]
    assert table[2].split() == ["PCL*", "1", "0.0%", "(0)", "1.000", "1.000", "(1)"]
    assert table[-1].split()[:5] == ["all", "3", "33.3%", "(1)", "0.667"]


def test_feature_types_and_halves():
    assert [feature_type(c) for c in ("PPLC", "ADM1", "ADM2", "PCLS", "STM", "ADMD", "")] == [
        "PPL*",
        "ADM1",
        "ADM2",
        "PCL*",
        "water/other",
        "water/other",
        "water/other",
    ]
    assert half("4") == "dev" and half("1") == "held-out"  # crc32 0xf3b61b38, 0x83dcefb7


def test_unresolved_gold_spans_count_in_the_no_candidate_share_only(gaz):
    article = {**ARTICLE, "unresolved": [{"start": 28, "end": 36, "name": "Fallujah"}]}
    scores = evaluate([article], gazetteer=gaz, gold_spans=True)
    assert [(r.feature, r.candidate, r.gold_span_km) for r in scores.gold[3:]] == [
        ("unresolved", False, None)
    ]
    rows = {
        line.split()[0]: line.split()[1:]
        for line in format_scores(scores).splitlines()
        if line.split() and line.split()[0] in ("resolved", "unresolved", "all")
    }
    assert rows["unresolved"] == ["1", "100.0%", "(1)", "-"]
    assert rows["all"][:3] == ["4", "50.0%", "(2)"]
    assert has_candidate(gaz, "Ramadi") and not has_candidate(gaz, "Fallujah")

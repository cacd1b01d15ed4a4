"""Scoring against a gold corpus."""

from __future__ import annotations

import math

import pytest

from geomap.evaluate import MAX_ERROR_KM, auc_log_error, evaluate, format_scores

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
        math.log(1 + MAX_ERROR_KM) / math.log(MAX_ERROR_KM))

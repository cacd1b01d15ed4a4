"""Resolution: namesakes chosen by the evidence a reader uses."""

from __future__ import annotations

import dataclasses
import inspect
import math
import random

import pytest

from geomap.extract import extract
from geomap.records import CONFIDENT, Candidate, Mention, Place, Sentence
from geomap.resolve import WEIGHTS, resolve
from geomap.text import split_sentences

ROWS = [
    ("country:IQ", "Iraq", "", "33", "44", "country", "IQ", "", "38000000", "t"),
    ("country:PL", "Poland", "", "52", "20", "country", "PL", "", "38000000", "t"),
    ("country:ID", "Indonesia", "", "-5", "120", "country", "ID", "", "270000000", "t"),
    ("gn:iq", "Rāwah", "Rawa", "34.48", "41.92", "city", "IQ", "Anbar", "13000", "t"),
    ("gn:pl", "Rawa Mazowiecka", "Rawa", "51.76", "20.25", "city", "PL", "Lodz", "17770", "t"),
    ("gn:id", "Rawa", "", "-6.2", "106.8", "city", "ID", "Jakarta", "0", "t"),
    ("gn:q", "Al Qā’im", "Al-Qaim", "34.39", "40.99", "city", "IQ", "Anbar", "74100", "t"),
    ("gn:lodz", "Łódź", "Lodz", "51.77", "19.45", "city", "PL", "Lodz", "700000", "t"),
    ("admin1:IQ.01", "Anbar", "", "32.9", "41.6", "admin1", "IQ", "Anbar", "600000", "t"),
    ("gn:ambar", "Ambar", "Anbar", "39", "33", "city", "TR", "", "5063", "t"),
    (
        "cross:h",
        "Husaybah crossing",
        "Husaybah",
        "34.3975",
        "40.977",
        "border_crossing",
        "IQ",
        "Anbar",
        "0",
        "t",
    ),
    ("gn:h", "Husaybah town", "Husaybah", "25", "45", "city", "SA", "", "20000", "t"),
    ("country:MX", "Mexico", "", "23", "-102", "country", "MX", "", "112000000", "t"),
    (
        "admin1:MX.15",
        "Mexico",
        "Estado de Mexico",
        "19.4",
        "-99.6",
        "admin1",
        "MX",
        "Mexico",
        "14000000",
        "t",
    ),
    (
        "gn:mxc",
        "Mexico City",
        "Mexico|Ciudad de Mexico",
        "19.43",
        "-99.13",
        "city",
        "MX",
        "Mexico City",
        "12300000",
        "t",
    ),
    ("gn:oax", "Oaxaca", "", "17.06", "-96.72", "city", "MX", "Oaxaca", "255000", "t"),
    (
        "admin1:AU.04",
        "Queensland",
        "QLD|Qld.",
        "-22",
        "144",
        "admin1",
        "AU",
        "Queensland",
        "4000000",
        "t",
    ),
    ("gn:bne", "Brisbane", "", "-27.47", "153.03", "city", "AU", "Queensland", "2000000", "t"),
    ("gn:qld", "Qld", "", "10", "10", "city", "NG", "", "500", "t"),
    (
        "admin2:US.27005",
        "Becker County",
        "",
        "46.93",
        "-95.67",
        "admin2",
        "US",
        "Minnesota",
        "33000",
        "t",
    ),
    (
        "admin2:US.27027",
        "Clay County",
        "",
        "46.89",
        "-96.49",
        "admin2",
        "US",
        "Minnesota",
        "59000",
        "t",
    ),
    (
        "admin2:US.27167",
        "Wilkin County",
        "",
        "46.36",
        "-96.47",
        "admin2",
        "US",
        "Minnesota",
        "6500",
        "t",
    ),
    ("gn:becker", "Becker", "", "45.39", "-93.87", "city", "US", "Minnesota", "4500", "t"),
    ("gn:clay", "Clay", "", "43.18", "-76.17", "city", "US", "New York", "58000", "t"),
    ("gn:col-oh", "Columbus", "", "39.96", "-83.0", "city", "US", "Ohio", "787033", "t"),
    ("gn:col-ga", "Columbus", "", "32.46", "-84.99", "city", "US", "Georgia", "206922", "t"),
    ("gn:col-tx", "Columbus", "", "29.71", "-96.54", "city", "US", "Texas", "3629", "t"),
    (
        "admin2:US.48201",
        "Harris County",
        "",
        "29.86",
        "-95.39",
        "admin2",
        "US",
        "Texas",
        "4000000",
        "t",
    ),
    (
        "admin2:US.13145",
        "Harris County",
        "",
        "32.73",
        "-84.9",
        "admin2",
        "US",
        "Georgia",
        "30000",
        "t",
    ),
    ("curated:middle-east", "Middle East", "", "29", "41", "region", "", "", "0", "t", "", "2500"),
    # Taveuni, Fiji, which the 180th meridian crosses, and a namesake in Romania.
    ("gn:waiyevo", "Waiyevo", "", "-16.7906", "179.9886", "city", "FJ", "Northern", "0", "t"),
    ("gn:matei-fj", "Matei", "", "-16.6906", "-179.8833", "city", "FJ", "Northern", "0", "t"),
    ("gn:matei-ro", "Matei", "", "47.0167", "24.2833", "city", "RO", "Bistrita", "1900", "t"),
    ("gn:me", "Middle East", "", "39.3", "-76.6", "city", "US", "Maryland", "1872", "t"),
]


@pytest.fixture(scope="module")
def gaz(make_gazetteer):
    return make_gazetteer(ROWS)


def resolved(text, gaz):
    sentences = split_sentences(text)
    return resolve(text, sentences, extract(text, sentences, gaz), gaz)


def place_of(text, gaz, name):
    return next(m for m in resolved(text, gaz) if m.text == name)


@pytest.mark.parametrize(
    "text, country",
    [
        ("Iraqi troops entered Rawa after fighting near Al-Qaim.", "IQ"),
        ("Rawa, Poland, lies near Lodz.", "PL"),
        ("The floods hit Rawa in Indonesia.", "ID"),
    ],
    ids=["demonym-and-neighbour", "comma-qualifier", "in-qualifier"],
)
def test_namesakes_by_context(gaz, text, country):
    mention = place_of(text, gaz, "Rawa")
    assert mention.place.country == country
    assert 0 < mention.confidence <= 1
    assert mention.reason


def test_runner_ups_and_reason_explain_choice(gaz):
    mention = place_of("Iraqi troops entered Rawa after fighting near Al-Qaim.", gaz, "Rawa")
    assert {c.place.country for c in mention.candidates} == {"PL", "ID"}
    assert "Iraq" in mention.reason and "km from Al-Qaim" in mention.reason


def test_type_word_picks_kind(gaz):
    assert place_of("Fighting in Anbar province.", gaz, "Anbar").place.kind == "admin1"
    m = place_of("They held the Husaybah crossing.", gaz, "Husaybah")
    assert m.place.kind == "border_crossing"
    assert "'crossing'" in m.reason


def test_demonym_resolves_to_its_country(gaz):
    m = next(m for m in resolved("Iraqi forces advanced.", gaz) if m.kind == "demonym")
    assert (m.place.id, m.confidence) == ("country:IQ", 1.0)


def test_claim_support_hook_can_tip_the_balance(gaz):
    text = "Rawa is quiet."
    sentences = split_sentences(text)
    mentions = extract(text, sentences, gaz)
    calls = []

    def support(index, place, chosen):
        calls.append(index)
        return 10.0 if place.country == "ID" else 0.0

    out = resolve(text, sentences, mentions, gaz, claim_support=support)
    assert out[0].place.country == "ID"
    assert calls and set(calls) == {0}


def test_a_direction_word_names_a_part_of_the_country(gaz):
    text = (
        "A magnitude 7.4 earthquake struck southern Mexico on Tuesday, shaking buildings in "
        "Mexico City and Oaxaca."
    )
    mexico = place_of(text, gaz, "Mexico")
    assert (mexico.place.id, mexico.part) == ("country:MX", "south")
    assert "part (south)" in mexico.reason
    assert place_of(text, gaz, "Oaxaca").part == ""


def test_an_abbreviation_counts_only_with_its_country_in_context(gaz):
    queensland = place_of("Floods cut roads near Brisbane, Qld, on Monday.", gaz, "Qld")
    assert queensland.place.id == "admin1:AU.04"
    assert queensland.reason.startswith("abbreviation of Queensland")
    alone = place_of("Floods cut roads in Qld on Monday.", gaz, "Qld")
    assert alone.place is None
    assert alone.reason == (
        "abbreviation of Queensland (AU), none in a country the article names otherwise"
    )


def test_a_type_word_after_a_list_asks_every_name_for_a_county(gaz):
    text = "Water covers roads in Becker, Clay and Wilkin counties."
    assert [(m.text, m.place.id) for m in resolved(text, gaz)] == [
        ("Becker", "admin2:US.27005"),
        ("Clay", "admin2:US.27027"),
        ("Wilkin", "admin2:US.27167"),
    ]


def test_a_large_region_outranks_a_small_namesake(gaz):
    assert place_of("Peace in the Middle East.", gaz, "Middle East").place.kind == "region"


def test_a_doubtful_mention_is_not_confident(gaz):
    sure = place_of("Fighting in Anbar province.", gaz, "Anbar")
    assert sure.confident and sure.confidence >= CONFIDENT
    doubtful = place_of("The floods hit Rawa.", gaz, "Rawa")  # three namesakes, no context
    assert doubtful.place is not None and not doubtful.confident


def test_namesakes_that_fit_together_win_over_each_names_largest(gaz):
    text = "A Harris County deputy drove the suspect to Columbus on Monday."
    assert {m.text: m.place.id for m in resolved(text, gaz)} == {
        "Harris County": "admin2:US.13145",
        "Columbus": "gn:col-ga",
    }


def test_resolving_keeps_what_extraction_found(gaz):
    text = "Fighting spread across northern Anbar province and into Rawa."
    sentences = split_sentences(text)
    found = extract(text, sentences, gaz)
    out = resolve(text, sentences, found, gaz)
    keep = ("start", "end", "text", "sentence", "kind", "type_word", "part")
    assert [[getattr(m, f) for f in keep] for m in out] == [
        [getattr(m, f) for f in keep] for m in found
    ]
    anbar = next(m for m in out if m.text == "Anbar")
    assert (anbar.type_word, anbar.part, anbar.place.kind) == ("province", "north", "admin1")


def test_a_place_across_the_180th_meridian_is_near(gaz):
    matei = place_of("The ferry left Waiyevo for Matei.", gaz, "Matei")
    assert matei.place.id == "gn:matei-fj"
    assert "18 km from Waiyevo" in matei.reason


@pytest.mark.parametrize("cls", [Mention, Candidate, Place, Sentence])
def test_the_records_written_out_constructors_take_every_field_with_its_default(cls):
    # These records write their dataclass __init__ out (faster compiled): a field added to
    # the class but not to the __init__ would be left unset.
    params = [(p.name, p.default) for p in inspect.signature(cls).parameters.values()]
    fields = [
        (f.name, inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default)
        for f in dataclasses.fields(cls)
    ]
    assert params == fields
    place = Place("t:1", "Rawa", 34.47, 41.91, "city", "IQ")
    values = {"place": place, "score": 0.25} if cls is Candidate else {}
    if cls is Mention:
        values = dict(start=3, end=7, text="Rawa", sentence=1, kind="modifier", type_word="town",
                      place=place, confidence=0.5, candidates=(Candidate(place, 0.25),),
                      reason="why", part="north")  # fmt: skip
    if cls is Place:
        values = dict(id="t:2", name="Rawa", lat=34.47, lon=41.91, kind="city", country="IQ",
                      admin1="01", population=25000, source="test", alternate_names=("Rava",),
                      capital="admin2", extent_km=4.5)  # fmt: skip
    if cls is Sentence:
        values = dict(index=2, start=10, end=40)
    made = cls(**values)
    assert {name: getattr(made, name) for name in values} == values
    assert dataclasses.replace(made) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, dataclasses.fields(cls)[0].name, None)


@pytest.mark.parametrize("size", [1, 2, 5, 16, 17, 40])
def test_candidates_rank_best_first_equals_in_their_order_as_the_builtins_rank_them(size):
    # The ranking and the softmax run as native loops (faster compiled) where they were
    # sorted(), max(), sum() and index(): the candidates' order and probabilities must not
    # move, ties (runners-up of equal score) and negative zero included.
    from geomap.resolve import _order, _top_and_belief

    rng = random.Random(size)
    for _ in range(50):
        totals = [rng.choice([0.0, -0.0, 1.5, 2.25, -1.0, rng.uniform(-3, 5)]) for _ in range(size)]
        assert _order(totals) == sorted(range(size), key=totals.__getitem__, reverse=True)
        top = max(totals)
        belief = (1.0 / sum([math.exp(t - top) for t in totals])) ** WEIGHTS.belief
        assert _top_and_belief(totals) == (totals.index(top), belief)


@pytest.mark.parametrize("spread", [3.0, 40.0, 170.0])
def test_namesakes_gather_the_candidates_of_a_cell_and_the_eight_around_it(spread: float) -> None:
    # pair_support compares a candidate with the other names' candidates in its cell and the
    # eight around it; those are gathered when first asked for, by comparing cell numbers
    # (a name in few cells) or by looking the nine cells up (many). Both must find exactly
    # the candidates a cell's neighbourhood holds, across the date line's side and the poles'.
    from geomap.gazetteer import Match
    from geomap.resolve import _fixed_score, _Namesakes

    rng = random.Random(int(spread))
    for count in (1, 3, 15, 60):
        places = [
            Place(
                f"p{k}",
                "Springfield",
                rng.uniform(-min(spread, 89.0), min(spread, 89.0)),
                rng.uniform(-spread, spread),
                "city",
                population=rng.randrange(10**6),
            )
            for k in range(count)
        ]
        matches = [Match(p, 3) for p in places]
        namesakes = _Namesakes.of(matches, [_fixed_score(m) for m in matches])
        plausible = [e for entries in namesakes.own.values() for e in entries]
        for _ in range(300):
            lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
            if rng.random() < 0.5 and plausible:
                lat, lon = rng.choice(plausible)[:2]
                lat, lon = lat + rng.uniform(-2, 2), lon + rng.uniform(-2, 2)
            i, j = int(lat // 1.5), int(lon // 1.5)
            expected = sorted(
                e
                for e in plausible
                if abs(int(e[0] // 1.5) - i) <= 1 and abs(int(e[1] // 1.5) - j) <= 1
            )
            assert sorted(namesakes.gather(i * 512 + j)) == expected
            # The box pair_support reads first never turns away a cell that holds some.
            assert namesakes.may_hold(i * 512 + j) or not expected

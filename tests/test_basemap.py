"""The basemap's names: each tier asks the index for few rows (latitudes and longitudes near
the page's places, boxes read once) and must find the very rows it would keep of a plain
read of every candidate."""

from __future__ import annotations

import pytest

from geomap import basemap
from geomap.basemap import TIERS, _candidates, _landmark_tier, _merged, _Near

#: Pages around the world: the founding article's places, a corpus spread over the
#: continents, and places by the antimeridian and the poles, where cells wrap round.
PAGES = {
    "anbar": [(34.39, 40.99), (34.40, 40.98), (33.35, 41.31), (33.0, 44.0), (35.0, 38.0)],
    "world": [(48.85, 2.35), (40.71, -74.0), (-33.87, 151.21), (35.68, 139.69), (-1.29, 36.82)]
    + [(19.43, -99.13), (55.75, 37.62), (-23.55, -46.63), (28.61, 77.21), (64.15, -21.94)],
    "fiji": [(-17.71, 178.07), (-18.14, 178.44), (-16.5, -179.9), (-13.3, -176.2)],
    "dateline": [(65.0, 180.0), (64.7, -180.0), (52.9, 172.9)],
    "poles": [(78.22, 15.65), (-77.85, 166.67), (71.29, -156.79)],
}


def _plain_read(gazetteer, tier, points):
    """The ids a tier's candidates would be with no filter in the query but its kinds,
    population, extent and capital, and each box of its cells read apart."""
    near = _Near(
        points, tier.radius_km, basemap.MAX_DENSE_CELLS if tier.dense else basemap.MAX_CELLS
    )
    if _landmark_tier(tier):
        rows = gazetteer.landmarks(
            kinds=tier.kinds,
            min_population=tier.min_population,
            min_extent_km=tier.min_extent_km,
            capital=tier.capital,
        )
        return {p.id for p in near.within(rows)}
    found = set()
    for box in near.boxes(by_row=tier.dense):
        rows = gazetteer.landmarks_in_box(
            *box, kinds=tier.kinds, min_population=tier.min_population
        )
        found |= {p.id for p in near.within(rows)}
    return found


@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_tier_reads_the_rows_a_plain_read_keeps(full_gazetteer, page):
    points = PAGES[page]
    found = {True: 0, False: 0}
    for tier in TIERS:
        if tier.radius_km is None:
            continue
        read = [p.id for p in _candidates(full_gazetteer, tier, points)]
        expected = _plain_read(full_gazetteer, tier, points)
        assert set(read) == expected, (page, tier.name)
        found[tier.dense] += len(expected)
    assert found[True] and found[False]  # each way of reading was tried


def _on_arc(lon, west, east):
    """Whether ``lon`` lies in the longitudes a query reads (as Gazetteer.landmarks does)."""
    return west <= lon <= east if west <= east else lon >= west or lon <= east


def test_longitudes_hold_every_covered_cell_and_cross_the_antimeridian():
    near = _Near(PAGES["fiji"], 200.0)
    west, east = near.longitudes()
    assert west > east  # across the antimeridian: (lon >= west or lon <= east)
    for lon in (178.07, 180.0, -180.0, -179.9, -176.2):
        assert near.holds(-17.0, lon) <= _on_arc(lon, west, east), lon
    # Cells from column 0 eastwards: longitude 180 lies in column 0, with -180.
    near = _Near([(0.0, -178.7)], 40.0)
    west, east = near.longitudes()
    assert near.holds(0.0, 180.0) and near.holds(0.0, -180.0) and not near.holds(0.0, 179.0)
    assert _on_arc(180.0, west, east) and _on_arc(-180.0, west, east)
    assert _Near([(0.0, 0.0)] * 3 + [(0.0, 120.0), (0.0, -120.0)], 8000.0).longitudes() is None


def test_boxes_are_joined_only_when_that_reads_no_more():
    overlapping = [(30.0, 33.0, 38.0, 49.0), (31.0, 33.0, 39.0, 48.0), (33.0, 38.0, 41.0, 48.0)]
    assert _merged(overlapping) == [(30.0, 33.0, 41.0, 49.0)]
    apart = [(30.0, 33.0, 38.0, 49.0), (30.0, 100.0, 38.0, 110.0)]
    assert _merged(apart) == apart
    across = [(-20.0, 170.0, -10.0, -170.0), (-20.0, 171.0, -10.0, -171.0)]
    assert _merged(across) == across

"""The geometry module: one ellipsoid for the checker and the map."""

from __future__ import annotations

import math

import pytest
from geopy.distance import geodesic

from geomap import geometry
from geomap.geometry import Area, measure

RAMADI = (33.42056, 43.30778)
HUSAYBAH = (34.3975, 40.977)


def test_measure_agrees_with_geopy_and_gives_the_bearing_from_the_first_point():
    m = measure(RAMADI, HUSAYBAH)
    assert m.km == pytest.approx(geodesic(RAMADI, HUSAYBAH).km, abs=1e-6)
    assert round(m.km, 1) == 241.3
    assert geometry.compass(m.bearing) == "WNW"
    assert m.distance.miles == pytest.approx(m.km / 1.609344)


@pytest.mark.parametrize("bearing, km", [(0, 10), (64, 22), (271, 406), (135, 5000)])
def test_destination_then_measure_returns_the_same_distance_and_bearing(bearing, km):
    end = geometry.destination(RAMADI, bearing, km)
    m = measure(RAMADI, end)
    assert m.km == pytest.approx(km, rel=1e-9)
    assert geometry.angle_between(m.bearing, bearing) < 1e-6


def test_approx_km_stays_within_half_a_percent_of_the_ellipsoid():
    for a, b in [
        (RAMADI, HUSAYBAH),
        ((0, 0), (0, 90)),
        ((60, 10), (-30, -70)),
        ((1, 1), (1, 1.01)),
    ]:
        exact = measure(a, b).km
        assert geometry.approx_km(*a, *b) == pytest.approx(exact, rel=0.005)


def test_a_box_holds_the_whole_circle_even_across_the_antimeridian():
    for center, km in [((0, 179.5), 300), ((64, -170), 900), ((-45, 10), 50)]:
        south, west, north, east = geometry.box(center, km)
        for lat, lon in geometry.circle(center, km, steps=64):
            lon = (lon + 180) % 360 - 180
            assert south <= lat <= north
            assert (west <= lon <= east) if west <= east else (lon >= west or lon <= east)


def test_the_drawn_sector_is_exactly_the_accepted_area():
    area = Area(RAMADI, 384.0, 436.0, bearing=270.0, half_width=46.0)
    (ring,) = area.rings()
    distances = [measure(RAMADI, p) for p in ring]
    assert min(m.km for m in distances) == pytest.approx(384.0, rel=1e-6)
    assert max(m.km for m in distances) == pytest.approx(436.0, rel=1e-6)
    off = [geometry.angle_between(m.bearing, 270.0) for m in distances]
    assert max(off) == pytest.approx(46.0, abs=1e-6)
    assert area.contains(geometry.destination(RAMADI, 297, 410))
    assert not area.contains(geometry.destination(RAMADI, 320, 410))
    assert not area.contains(HUSAYBAH)  # 241 km: outside the distance window


def test_a_ring_without_bearing_is_an_annulus_and_an_open_window_is_drawn_finite():
    outer, inner = Area(RAMADI, 10.0, 30.0).rings(steps=32)
    assert {round(measure(RAMADI, p).km, 6) for p in outer} == {30.0}
    assert {round(measure(RAMADI, p).km, 6) for p in inner} == {10.0}
    (disc,) = Area(RAMADI, 0.0, math.inf).rings(steps=16)
    assert max(measure(RAMADI, p).km for p in disc) == pytest.approx(50.0)
    assert Area(RAMADI, 0.0, 1e9).drawn_high_km() < geometry.HALF_MERIDIAN_KM


@pytest.mark.parametrize("center", [(33.42, 43.31), (-17.7, 178.4), (79.5, 10.0), (0.0, 0.0)])
def test_a_circle_mirrored_across_its_meridian_is_the_circle_solved_point_by_point(center):
    mirrored = geometry.circle(center, 410, steps=48)
    solved = geometry.arc(center, 410, 0.0, 360.0, steps=48)
    assert len(mirrored) == len(solved) == 49
    for (lat1, lon1), (lat2, lon2) in zip(mirrored, solved):
        assert lat1 == pytest.approx(lat2, abs=1e-9)
        assert (lon1 - lon2 + 180) % 360 - 180 == pytest.approx(0, abs=1e-9)


def test_points_along_one_bearing_are_the_points_solved_one_by_one():
    kms = [0.0, 0.5, 410.0, 9000.0, 19_900.0]
    for center, bearing in [(RAMADI, 297.0), ((-17.7, 178.4), 91.5), ((89.9, 0.0), 180.0)]:
        assert geometry.destinations(center, bearing, kms) == [
            geometry.destination(center, bearing, km) for km in kms
        ]


def test_the_spherical_bearing_is_within_a_fifth_of_a_degree_of_the_geodesic_azimuth():
    # Area.contains decides a sector with the spherical bearing when it is more than
    # _BEARING_MARGIN from the sector's edge, between points _BEARING_KM apart off the poles.
    import random

    rng = random.Random(16)
    worst = 0.0
    for _ in range(20_000):
        lat = math.degrees(math.asin(rng.uniform(-1, 1)))
        start = (lat, rng.uniform(-180, 180))
        end = geometry.destination(start, rng.uniform(0, 360), 10 ** rng.uniform(0, 3.96))
        rough = geometry.approx_km(*start, *end)
        if not geometry._BEARING_KM[0] <= rough <= geometry._BEARING_KM[1]:
            continue
        spherical = geometry._sphere_bearing(*start, *end)
        worst = max(worst, geometry.angle_between(spherical, measure(start, end).bearing))
    assert 0.15 < worst < 0.2 < geometry._BEARING_MARGIN


def test_a_sector_decided_on_the_sphere_is_the_sector_the_geodesic_gives():
    # Points on both sides of every edge of random areas, near and far, off and near the
    # poles: contains() answers as measuring each point does.
    import random

    rng = random.Random(16)
    decided = 0
    for _ in range(300):
        lat = rng.choice([math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(85, 90)])
        center = (lat, rng.uniform(-180, 180))
        low = rng.choice([0.0, 10 ** rng.uniform(-1, 4)])
        high = rng.choice([low + 10 ** rng.uniform(-1, 4), math.inf])
        bearing = rng.choice([None, rng.uniform(0, 360)])
        half_width = rng.choice([22.5, 33.75, 45.0, rng.uniform(0.5, 179.5), 180.0])
        area = Area(center, low, high, bearing=bearing, half_width=half_width)
        edges = [low, min(high, 19_990.0), 1.0, 9000.0]
        angles = [0.0, half_width, -half_width]
        for _ in range(30):
            km = max(0.0, rng.choice(edges) * rng.uniform(0.97, 1.03) + rng.uniform(-2, 2))
            b = (bearing or 0.0) + rng.choice(angles) + rng.uniform(-3, 3)
            point = geometry.destination(center, b, km)
            exact = area.holds(measure(center, point))
            assert area.contains(point) == exact, (area, point)
            decided += 1
    assert decided == 9000


def test_the_spherical_shortcuts_answer_as_the_geodesic_does():
    # contains() skips the geodesic when the sphere puts a point far outside the distances,
    # farthest_km() when it puts a point well inside the farthest: both must agree with
    # solving every geodesic, near the window's edges and across the antipode too.
    areas = [
        Area(RAMADI, 384.0, 436.0, bearing=270.0, half_width=46.0),
        Area((0.0, 179.9), 0.0, 20_003.93, bearing=90.0, half_width=120.0),
        Area((60.0, 10.0), 99.5, 100.5),
    ]
    for area in areas:
        points = [
            geometry.destination(area.center, b, km)
            for b in range(0, 360, 7)
            for km in (0.0, 99.4, 99.6, 100.4, 100.6, 383.0, 385.0, 437.0, 19_990.0)
        ]
        assert [area.contains(p) for p in points] == [
            area.holds(measure(area.center, p)) for p in points
        ]
        assert geometry.farthest_km(area.center, points) == max(
            measure(area.center, p).km for p in points
        )


def test_a_ray_gives_the_points_destination_gives():
    for center, bearing in [(RAMADI, 297.0), ((-17.7, 178.4), 91.5), ((89.9, 0.0), 180.0)]:
        ray = geometry.Ray(center, bearing)
        for km in (0.0, 0.5, 410.0, 9000.0, 19_900.0):
            assert ray.at(km) == geometry.destination(center, bearing, km)


def test_the_spherical_destination_lies_within_its_error_of_the_geodesic_one():
    # _Grid (claims) rules grid points out by their spherical places: the bound must hold
    # everywhere, near the poles and the antipode too, down to metres.
    import random

    rng = random.Random(16)
    worst = 0.0
    for _ in range(20_000):
        lat = rng.choice([math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-90, -85)])
        center, bearing = (lat, rng.uniform(-180, 180)), rng.uniform(0, 360)
        km = 10 ** rng.uniform(-3, 4.3)
        exact = geometry.destination(center, bearing, km)
        rough = geometry.sphere_destination(center, bearing, km)
        off = geometry.approx_km(*exact, *rough)
        assert off <= geometry.sphere_destination_error(km), (center, bearing, km)
        worst = max(worst, off / km)
    assert 0.005 < worst < 0.006 < geometry.sphere_destination_error(1.0)


def test_an_area_excludes_around_a_point_only_what_it_does_not_contain():
    import random

    rng = random.Random(16)
    excluded = 0
    for _ in range(300):
        center = (math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180))
        low = rng.choice([0.0, 10 ** rng.uniform(-1, 4)])
        high = rng.choice([low + 10 ** rng.uniform(-1, 4), math.inf])
        area = Area(center, low, high, bearing=rng.choice([None, 90.0]), half_width=45.0)
        for _ in range(30):
            km = max(0.0, rng.choice([low, min(high, 19_990.0)]) * rng.uniform(0.9, 1.1))
            bearing = rng.uniform(0, 360)
            rough = geometry.sphere_destination(center, bearing, km)
            if area.excludes_around(rough, geometry.sphere_destination_error(km)):
                excluded += 1
                assert not area.contains(geometry.destination(center, bearing, km))
    assert excluded > 1000


def test_the_farthest_of_lazily_solved_points_is_the_farthest_of_all():
    points = [geometry.destination(RAMADI, b, km) for b in range(0, 360, 9) for km in (5, 400)]
    exact = [measure(HUSAYBAH, p).km for p in points]
    asked = []

    def where(i):
        asked.append(i)
        return i % 3 != 0  # every third point does not count

    reach = [geometry.approx_km(*HUSAYBAH, *p) + 1.0 for p in points]
    farthest = geometry.farthest_of(HUSAYBAH, reach, points.__getitem__, where=where)
    assert farthest == max(km for i, km in enumerate(exact) if i % 3)
    assert len(asked) < len(points) // 4


def test_approx_km_and_the_spherical_bearing_are_the_textbook_formulas_to_the_last_bit():
    # Both are written for the compiled build (products for math.radians, math.pow for
    # ** 2): every rounding must stay the one of the formulas as a textbook writes them.
    import random

    def haversine(lat1, lon1, lat2, lon2):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dp, dl = p2 - p1, math.radians(lon2 - lon1)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * geometry.EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))

    def bearing(lat1, lon1, lat2, lon2):
        p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
        y = math.sin(dl) * math.cos(p2)
        x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
        return math.degrees(math.atan2(y, x))

    rng = random.Random(16)
    for _ in range(50_000):
        a = (rng.uniform(-90, 90), rng.uniform(-180, 180))
        near = (a[0] + rng.uniform(-1, 1) * 10 ** rng.uniform(-6, 2), a[1] + rng.uniform(-9, 9))
        for b in (near, (-a[0], a[1] + 180.0), (rng.uniform(-90, 90), rng.uniform(-180, 180))):
            assert geometry.approx_km(*a, *b) == haversine(*a, *b)
            assert geometry._sphere_bearing(*a, *b) == bearing(*a, *b)

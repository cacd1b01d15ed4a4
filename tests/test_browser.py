"""The saved map in a real browser (headless Debian Chromium, network off).

Each test opens a page built from the documents in ``test_render`` and checks what a reader
sees: markers, popups, the article panel linking both ways, claim overlays, controls, and
that hostile text never runs. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import pytest
from test_render import (
    ARTICLE_URL,
    BOUNDARIES,
    PAYLOAD,
    gold_document,
    gold_places,
    hostile_documents,
    split_sentences,
)

from geomap import render
from geomap.records import Document, Mention, Place, Sentence

WAIT = 8  # seconds; pages settle in well under one


def wait(page, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(page.driver, WAIT, poll_frequency=0.05).until(
        lambda d: condition(), message=message
    )


def settled(page):
    """Wait until no zoom, pan or cluster animation is running and the view holds still
    (a finished flight leaves Leaflet's ``_flyToFrame`` set, so the view is compared)."""
    last = []

    def still() -> bool:
        state = page.js("""const m = geomap.instances[0].map, c = m.getCenter();
        if (document.querySelector('.leaflet-cluster-anim') || m._animatingZoom
            || (m._panAnim && m._panAnim._inProgress)) return null;
        return [c.lat, c.lng, m.getZoom()];""")
        moved = state is None or state != (last[-1] if last else None)
        last.append(state)
        if moved:
            page.js("return new Promise(r => setTimeout(r, 80))")
        return not moved

    wait(page, still, "the map never settled")


def ready(page):
    wait(
        page,
        lambda: page.js("return !!(window.geomap && geomap.instances.length)"),
        "geomap never initialised",
    )
    settled(page)
    return page


def place_index(page, name: str) -> int:
    i = page.js("return geomap.instances[0].places.findIndex(p => p.name === arguments[0])", name)
    assert i >= 0, name
    return i


def popup_text(page) -> str:
    return page.js(
        "const e = document.querySelector('.leaflet-popup-content');return e ? e.textContent : ''"
    )


def click_marker(page, name: str):
    """Click the marker of ``name`` as a reader would: through its clusters if need be."""
    from selenium.webdriver.common.by import By

    i = place_index(page, name)
    for _ in range(8):
        settled(page)
        page.js("return new Promise(r => setTimeout(r, 60))")
        found = page.driver.find_elements(By.CSS_SELECTOR, f'.gm-marker[data-place="{i}"]')
        if found and found[0].is_displayed():
            found[0].click()
            return
        cluster = page.js(
            """
            const g = geomap.instances[0];
            const parent = g.cluster.getVisibleParent(g.markers[arguments[0]]);
            return parent && parent !== g.markers[arguments[0]] ? parent.getElement() : null;""",
            i,
        )
        assert cluster is not None, f"{name} is neither a visible marker nor in a cluster"
        cluster.click()
        page.js("return new Promise(r => setTimeout(r, 350))")  # spiderfy animation
    raise AssertionError(f"could not reach the marker of {name}")


def second_document() -> Document:
    """A short second article: Al-Qaim again, and Rutba, which only it mentions."""
    text = "Troops left Al-Qaim for Rutba on Monday. Rutba lies on the road to Jordan."
    sentences = split_sentences(text)
    rutba = Place(
        id="gold:rutba",
        name="Rutba",
        lat=33.0381,
        lon=40.2848,
        kind="city",
        country="IQ",
        admin1="Anbar",
        source="GeoNames",
    )
    spans = [("Al-Qaim", gold_places()["al-qaim"], 0), ("Rutba", rutba, 0), ("Rutba", rutba, 30)]
    mentions = []
    for name, place, after in spans:
        start = text.index(name, after)
        mentions.append(
            Mention(
                start,
                start + len(name),
                name,
                next(s.index for s in sentences if s.start <= start < s.end),
                place=place,
                confidence=0.8,
            )
        )
    return Document(
        text=text,
        sentences=sentences,
        mentions=tuple(mentions),
        title="Troops move on to Rutba",
        url="https://example.org/rutba",
        id="rutba",
    )


@pytest.fixture(scope="module")
def maps(tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    return {
        "gold": render.save(
            render.build_map([gold_document()], boundaries=BOUNDARIES), out / "gold.html"
        ),
        "beside": render.save(
            render.build_map([gold_document()], boundaries=BOUNDARIES),
            out / "beside.html",
            inline=False,
        ),
        "hostile": render.save(
            render.build_map(hostile_documents(), boundaries=BOUNDARIES), out / "hostile.html"
        ),
        "multi": render.save(
            render.build_map([gold_document(), second_document()], boundaries=BOUNDARIES),
            out / "multi.html",
        ),
    }


def assert_clean(page):
    assert page.leaving() == []
    assert page.errors == []
    assert page.dialogs == []


# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gold", "beside"], ids=["inlined", "assets-beside"])
def test_opens_offline_with_one_marker_per_place(open_offline, maps, name):
    page = ready(open_offline(maps[name]))
    wait(
        page,
        lambda: page.js("return document.querySelectorAll('.leaflet-marker-icon').length > 0"),
        "no marker drawn",
    )
    counts = page.js("""
        const icons = document.querySelectorAll('.gm-marker').length;
        const clustered = [...document.querySelectorAll('.marker-cluster')]
            .reduce((n, e) => n + Number(e.textContent), 0);
        return [geomap.instances[0].cluster.getLayers().length, icons + clustered];""")
    assert counts == [13, 13]
    # the offline basemap and the outlines of the two countries mentioned are drawn
    assert page.js("return document.querySelectorAll('.leaflet-gm-basemap-pane path').length") >= 2
    assert page.js("return document.querySelectorAll('path.gm-country').length") == 2
    assert page.js("return getComputedStyle(document.getElementById('gm-panel')).display") != "none"
    if name == "gold":
        page.screenshot("map-overview.png")
    assert_clean(page)


def test_clicking_a_marker_opens_its_popup_with_its_sentences(open_offline, maps):
    from selenium.webdriver.common.by import By

    page = ready(open_offline(maps["gold"]))
    click_marker(page, "Ramadi")
    wait(page, lambda: "Ramadi" in popup_text(page), "Ramadi's popup did not open")
    text = popup_text(page)
    for expected in (
        "city / town",
        "Iraq (IQ)",
        "Anbar",
        "33.4206\u00b0 N, 43.3078\u00b0 E",
        "GeoNames \u00b7 gold:ramadi",
        "Confidence",
        "1 mention",
    ):
        assert expected in text
    sentences = page.driver.find_elements(By.CSS_SELECTOR, ".gm-pop-sentences li")
    assert len(sentences) == 1
    # Shown text: empty while the popup still fades in (a loaded machine showed it so).
    wait(page, lambda: sentences[0].text, "Ramadi's sentence did not show")
    assert sentences[0].text.startswith("Located two kilometers from Al-Qaim city and 410")
    assert [m.text for m in sentences[0].find_elements(By.TAG_NAME, "mark")] == ["Ramadi"]
    title = page.driver.find_element(By.CSS_SELECTOR, ".gm-pop-doc a")
    assert title.get_attribute("href") == ARTICLE_URL
    assert title.text == "Iraqi PM raises flag at IS-free crossing with Syria"
    assert_clean(page)


def test_places_close_together_stay_clickable(open_offline, maps):
    """Al-Qaim, the Husaybah crossing and Abu Kamal lie within 10 km: each opens its own."""
    page = ready(open_offline(maps["gold"]))
    for name in ("Husaybah border crossing (Al-Qaim - Abu Kamal)", "Al-Qaim", "Abu Kamal"):
        page.js("geomap.instances[0].map.closePopup(); geomap.instances[0].fit(false)")
        click_marker(page, name)
        wait(
            page,
            lambda name=name: popup_text(page).startswith(name),
            f"{name}'s popup did not open",
        )
    wait(
        page,
        lambda: (
            page.js("return getComputedStyle(document.querySelector('.leaflet-popup')).opacity")
            == "1"
        ),
        "popup never faded in",
    )
    page.screenshot("map-close-places.png")
    assert_clean(page)


def test_mention_in_panel_opens_its_popup_and_popup_leads_back(open_offline, maps):
    from selenium.webdriver.common.by import By

    page = ready(open_offline(maps["gold"]))
    mention = next(
        e
        for e in page.driver.find_elements(By.CSS_SELECTOR, ".gm-mention")
        if e.text == "Abu Kamal"
    )
    mention.click()
    wait(page, lambda: popup_text(page).startswith("Abu Kamal"), "Abu Kamal's popup did not open")
    assert "Deir ez-Zor" in popup_text(page)

    # a clustered place: the map zooms or spiderfies until its marker shows, then opens it
    page.js("geomap.instances[0].map.closePopup(); geomap.instances[0].fit(false)")
    husaybah = next(
        e for e in page.driver.find_elements(By.CSS_SELECTOR, ".gm-mention") if e.text == "Husaybah"
    )
    page.js("arguments[0].scrollIntoView({block: 'center'})", husaybah)
    husaybah.click()
    wait(
        page,
        lambda: popup_text(page).startswith("Husaybah border crossing"),
        "Husaybah's popup did not open",
    )
    wait(
        page,
        lambda: page.js(
            "return getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
        ),
        "popup never faded in",
    )
    page.screenshot("map-popup.png")

    # "show in article" on the third sentence scrolls the panel there and flashes the mention
    shows = page.driver.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .gm-show")
    assert len(shows) == 3
    page.js("document.getElementById('gm-panel').scrollTop = 0")
    shows[2].click()
    flashed = wait(
        page, lambda: page.js("return document.querySelector('.gm-flash')"), "no mention flashed"
    )
    assert flashed.text == "Husaybah"
    assert int(flashed.get_attribute("data-mention")) == page.js(
        "return geomap.instances[0].docs[0].mentions.findIndex(m => m.start === 1167)"
    )
    wait(
        page,
        lambda: page.js("""
        const r = document.querySelector('.gm-flash').getBoundingClientRect();
        const p = document.getElementById('gm-panel').getBoundingClientRect();
        return r.top >= p.top && r.bottom <= p.bottom;"""),
        "the flashed mention is not in view",
    )
    assert_clean(page)


def test_claim_lines_labels_areas_and_fits_are_drawn(open_offline, maps):
    page = ready(open_offline(maps["gold"]))
    lines = page.js(
        "return [...document.querySelectorAll('path.gm-claim-line')]"
        ".map(e => e.getAttribute('stroke'))"
    )
    assert sorted(lines) == ["#2e7d32", "#c62828"]
    assert page.js("return document.querySelectorAll('path.gm-claim-area').length") == 2
    assert page.js("return document.querySelectorAll('path.gm-fit-place').length") == 1
    labels = page.js(
        "return [...document.querySelectorAll('.gm-claim-tip')].map(e => e.textContent)"
    )
    assert "\u2717 stated 410 km W \u00b7 computed 241 km WNW" in labels
    assert page.js("""return [...document.querySelectorAll('.gm-claim-tip')]
        .filter(e => e.style.display !== 'none').map(e => e.textContent)""") == [
        "\u2717 stated 410 km W \u00b7 computed 241 km WNW"
    ]  # the 2 km one waits for a closer zoom
    panel = page.js("return [...document.querySelectorAll('.gm-claim')].map(e => e.textContent)")
    assert "distance inconsistent \u00b7 direction consistent" in panel[1]

    # clicking the 2 km claim in the panel zooms close enough to label it
    page.js("document.querySelectorAll('.gm-claim')[0].click()")
    wait(
        page,
        lambda: page.js("""return [...document.querySelectorAll('.gm-claim-tip')]
        .some(e => e.style.display !== 'none'
                   && e.textContent.startsWith('\u2713 stated 2 km'))"""),
        "the 2 km claim's label never showed",
    )
    assert_clean(page)


def test_controls(open_offline, maps):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = ready(open_offline(maps["gold"]))
    d = page.driver
    assert d.find_element(By.CSS_SELECTOR, ".leaflet-control-layers")
    assert d.find_element(By.CSS_SELECTOR, ".leaflet-control-scale").text.endswith("km")
    legend = d.find_element(By.CSS_SELECTOR, ".gm-legend").text
    for item in (
        "country",
        "province / region",
        "city / town",
        "border crossing",
        "consistent",
        "inconsistent",
        "place that fits the claim",
    ):
        assert item in legend
    assert d.find_element(By.CSS_SELECTOR, ".gm-fullscreen").get_attribute("title") == "Full screen"

    # layer control: the claims overlay can be switched off and on
    names = page.js(
        "return [...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".map(e => e.textContent.trim())"
    )
    assert names == ["Places", "Distance claims", "Countries & regions"]
    page.js("document.querySelectorAll('.leaflet-control-layers-overlays input')[1].click()")
    assert page.js("return document.querySelectorAll('path.gm-claim-line').length") == 0
    page.js("document.querySelectorAll('.leaflet-control-layers-overlays input')[1].click()")
    assert page.js("return document.querySelectorAll('path.gm-claim-line').length") == 2

    # measure: two clicks 300 px apart give the great-circle distance between them
    d.find_element(By.CSS_SELECTOR, ".gm-measure").click()
    container = d.find_element(By.CSS_SELECTOR, ".folium-map")
    ActionChains(d).move_to_element_with_offset(
        container, -150, 60
    ).click().move_to_element_with_offset(container, 150, 60).click().perform()
    readout = d.find_element(By.CSS_SELECTOR, ".gm-measure-readout").text
    km = float(re.fullmatch(r"Distance: ([\d,.]+) km", readout).group(1).replace(",", ""))
    expected = page.js("""const g = geomap.instances[0], m = g.map, s = m.getSize();
        const a = m.containerPointToLatLng([s.x / 2 - 150, s.y / 2 + 60]);
        const b = m.containerPointToLatLng([s.x / 2 + 150, s.y / 2 + 60]);
        return m.distance(a, b) / 1000;""")
    assert km == pytest.approx(expected, rel=0.02)
    assert page.js("return document.querySelectorAll('path.gm-measure-line').length") == 1
    ActionChains(d).send_keys("\ue00c").perform()  # Escape clears it
    assert page.js("return document.querySelectorAll('path.gm-measure-line').length") == 0

    # fit to the places after wandering off
    page.js("geomap.instances[0].map.setView([0, 0], 3, {animate: false})")
    d.find_element(By.CSS_SELECTOR, ".gm-fit").click()
    wait(
        page,
        lambda: page.js("""const m = geomap.instances[0].map;
        return m.getBounds().contains([34.39, 40.99]) && m.getBounds().contains([33.34, 44.40])"""),
        "fit did not bring the places back into view",
    )
    assert_clean(page)


def test_several_articles_share_markers_and_switch_in_the_panel(open_offline, maps):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    page = ready(open_offline(maps["multi"]))
    assert page.js("return geomap.instances[0].cluster.getLayers().length") == 14
    click_marker(page, "Rutba")
    wait(page, lambda: popup_text(page).startswith("Rutba"), "Rutba's popup did not open")
    page.js("geomap.instances[0].focusPlace(arguments[0], 0)", place_index(page, "Al-Qaim"))
    wait(page, lambda: popup_text(page).startswith("Al-Qaim"), "Al-Qaim's popup did not open")
    expected = ["Iraqi PM raises flag at IS-free crossing with Syria", "Troops move on to Rutba"]

    def docs() -> list[str]:
        return [e.text for e in page.driver.find_elements(By.CSS_SELECTOR, ".gm-pop-doc a")]

    # Shown text: a link still fading or panning in reads empty (a loaded machine showed it).
    wait(page, lambda: docs() == expected, "Al-Qaim's popup does not show both articles")
    assert docs() == expected

    select = Select(page.driver.find_element(By.CSS_SELECTOR, ".gm-doc-select"))
    select.select_by_index(1)
    assert page.driver.find_element(By.CSS_SELECTOR, ".gm-title").text == "Troops move on to Rutba"
    assert [e.text for e in page.driver.find_elements(By.CSS_SELECTOR, ".gm-mention")] == [
        "Al-Qaim",
        "Rutba",
        "Rutba",
    ]

    # one overlay per article: switching the second off hides the place only it mentions
    labels = page.js(
        "return [...document.querySelectorAll('.leaflet-control-layers-overlays label')]"
        ".map(e => e.textContent.trim())"
    )
    assert labels[3:] == [
        "Article 1: Iraqi PM raises flag at IS-free crossing with Syria",
        "Article 2: Troops move on to Rutba",
    ]
    page.js("document.querySelectorAll('.leaflet-control-layers-overlays input')[4].click()")
    assert page.js("return geomap.instances[0].cluster.getLayers().length") == 13
    page.js("document.querySelectorAll('.leaflet-control-layers-overlays input')[4].click()")
    assert page.js("return geomap.instances[0].cluster.getLayers().length") == 14
    assert_clean(page)


def test_hostile_text_never_runs(open_offline, maps):
    from selenium.common.exceptions import NoAlertPresentException

    page = ready(open_offline(maps["hostile"]))
    # Show everything that carries data: every popup and tooltip, both articles, the
    # claim overlays and the layer control's article names.
    page.js("""
        const g = geomap.instances[0];
        g.markers.forEach((m, i) => { g.focusPlace(i); m.openPopup(); m.openTooltip(); });
        g.showDoc(1); g.showDoc(0);
        g.claimsLayer.eachLayer(grp => grp.eachLayer(l => l.openTooltip && l.openTooltip()));
        g.regions.eachLayer(l => l.eachLayer(x => x.openTooltip()));
        document.querySelector('.leaflet-control-layers').classList.add('leaflet-control-layers-expanded');
    """)
    located = page.js("""const g = geomap.instances[0], v = g.locationViews[0];
        v.marker.openPopup(); v.marker.openTooltip();
        v.layers.forEach(l => l.openTooltip && l.openTooltip());
        return document.querySelector('.gm-location-popup').textContent;""")
    assert f"camp {PAYLOAD}".replace("\u2028", "") in located.replace("\u2028", "")
    assert f"contradiction {PAYLOAD}".replace("\u2028", "") in located.replace("\u2028", "")
    panel_span = page.js("return document.querySelector('.gm-located').textContent")
    assert panel_span == f"camp {PAYLOAD}"
    page.js("geomap.instances[0].markers[0].openPopup()")
    page.js("return new Promise(r => setTimeout(r, 300))")
    assert page.js("return window.__pwned") is None
    assert (
        page.js("return document.querySelectorAll('#pwned, img[src=\"x\"], b#pwned').length") == 0
    )
    assert (
        page.js(
            "return [...document.querySelectorAll('a')].filter(a => !/^(https?:|#|$)/i"
            ".test(a.getAttribute('href') || '')).map(a => a.href)"
        )
        == []
    )
    with pytest.raises(NoAlertPresentException):
        _ = page.driver.switch_to.alert.text
    # the payloads are shown as text, intact
    panel = page.js("return document.getElementById('gm-panel').textContent")
    assert PAYLOAD.replace("\u2028", "") in panel.replace("\u2028", "")
    assert f"Qaim {PAYLOAD}".replace("\u2028", "") in popup_text(page).replace("\u2028", "")
    tooltips = page.js(
        "return [...document.querySelectorAll('.leaflet-tooltip')].map(e => e.textContent)"
    )
    assert any(t.startswith(f"Fits \u201c410 km W of Ramadi{PAYLOAD}") for t in tooltips)
    assert any(t.startswith(f"Where the text puts Qaim {PAYLOAD}") for t in tooltips)
    assert any(t.startswith(f"Qaim {PAYLOAD}") for t in tooltips)
    overlays = page.js(
        "return document.querySelector('.leaflet-control-layers-overlays').textContent"
    )
    assert "Article 1: Title <script>window.__pwned=1;" in overlays
    # the javascript: URL is plain text, the https one with quotes is a safe link
    assert page.js("return document.querySelector('.gm-title a')") is None
    page.js("geomap.instances[0].showDoc(1)")
    href = page.js("return document.querySelector('.gm-title a').getAttribute('href')")
    assert href == 'https://example.org/?q="><script>window.__pwned=6</script>'
    page.screenshot("map-hostile.png")
    assert_clean(page)


# --------------------------------------------------------------------------- claims


def claim_view(page, ci: int) -> str:
    """JS naming the view of claim ``ci`` of the first article."""
    return f"geomap.instances[0].claimViews.find(v => v.d === 0 && v.ci === {ci})"


def test_the_drawn_sector_and_band_are_the_checkers_windows(open_offline, maps):
    """Read back the polygons Leaflet holds and measure every vertex from the reference with
    geographiclib: distances span exactly the accepted window, bearings the accepted sector."""
    from geographiclib.geodesic import Geodesic

    page = ready(open_offline(maps["gold"]))
    doc = gold_document()
    for ci, check in enumerate(doc.checks):
        rings = page.js(
            f"return {claim_view(page, ci)}.area.getLatLngs().map(r => r.map(p => [p.lat, p.lng]))"
        )
        assert page.js(f"return !!{claim_view(page, ci)}.area.getElement()")  # drawn
        ref = check.reference_point
        measured = []
        for ring in rings:
            for lat, lon in ring:
                g = Geodesic.WGS84.Inverse(*ref, lat, lon)
                measured.append((g["s12"] / 1000, g["azi1"] % 360))
        low, high = check.tolerance_km
        kms = [km for km, _ in measured if km > 0.01]
        assert max(kms) == pytest.approx(high, abs=0.01)
        if check.bearing_window is None:
            assert low == 0 and min(kms) == pytest.approx(high, abs=0.01)  # a disc
            continue
        bearing, half = check.bearing_window
        assert min(kms) == pytest.approx(low, abs=0.01)
        bearings = [b for km, b in measured if km > 0.01]
        assert min(bearings) == pytest.approx(bearing - half, abs=0.01)
        assert max(bearings) == pytest.approx(bearing + half, abs=0.01)
    assert_clean(page)


def test_verdicts_read_without_colour(open_offline, maps):
    page = ready(open_offline(maps["gold"]))
    dashes = page.js("""return Object.fromEntries(
        [...document.querySelectorAll('path.gm-claim-line')]
        .map(e => [e.getAttribute('stroke'), e.getAttribute('stroke-dasharray')]))""")
    assert dashes == {"#2e7d32": None, "#c62828": "3 6"}
    legend = page.js(
        "return [...document.querySelectorAll('.gm-legend .gm-row')].map(e => e.textContent)"
    )
    for row in (
        "\u2713 consistent",
        "\u2248 plausible by road",
        "\u2717 inconsistent",
        "? unverifiable",
    ):
        assert row in legend
    samples = page.js("""return [...document.querySelectorAll('.gm-legend .gm-line-sample line')]
        .map(e => e.getAttribute('stroke-dasharray'))""")
    assert samples == [None, "12 7", "3 6", "1 7"]
    verdicts = page.js(
        "return [...document.querySelectorAll('.gm-claim-verdict')].map(e => e.textContent)"
    )
    assert [v[0] for v in verdicts] == ["\u2713", "\u2717"]
    assert_clean(page)


def test_the_short_consistent_line_is_drawn_over_the_long_one(open_offline, maps):
    """Both claims end at the Husaybah crossing: the 1.3 km green line is painted after the
    red one, so where they meet the green shows and takes the pointer."""
    page = ready(open_offline(maps["gold"]))
    order = page.js(
        "return [...document.querySelectorAll('path.gm-claim-line')]"
        ".map(e => e.getAttribute('stroke'))"
    )
    assert order == ["#c62828", "#2e7d32"]
    page.js(
        f"geomap.instances[0].map.fitBounds({claim_view(page, 0)}.line.getBounds(), "
        "{animate: false, maxZoom: 16})"
    )
    settled(page)
    hit = page.js(f"""const line = {claim_view(page, 0)}.line, m = geomap.instances[0].map;
        const lls = line.getLatLngs(), a = m.latLngToContainerPoint(lls[0]);
        const p = a.add(m.latLngToContainerPoint(lls[lls.length - 1])).divideBy(2);
        const r = m.getContainer().getBoundingClientRect();
        const e = document.elementFromPoint(r.left + p.x, r.top + p.y);
        return e && e.getAttribute('stroke');""")
    assert hit == "#2e7d32"
    assert_clean(page)


def test_a_claim_line_and_its_card_light_each_other_up(open_offline, maps):
    from selenium.webdriver.common.action_chains import ActionChains

    page = ready(open_offline(maps["gold"]))
    d = page.driver
    far = claim_view(page, 1)
    cards = "document.querySelectorAll('.gm-claim')"
    line = page.js(f"return {far}.line.getElement()")

    # hovering the line marks its card and its sentence
    ActionChains(d).move_to_element(line).perform()
    wait(
        page,
        lambda: page.js(f"return {cards}[1].classList.contains('gm-hover')"),
        "hovering the line did not mark its card",
    )
    hovered = page.js("return document.querySelector('.gm-sentence.gm-hover').textContent")
    assert "410 kilometers west of provincial capital Ramadi" in hovered
    ActionChains(d).move_by_offset(0, 200).perform()
    wait(
        page,
        lambda: not page.js(f"return {cards}[1].classList.contains('gm-hover')"),
        "the mark stayed after the pointer left",
    )

    # clicking the line makes it the active claim: card, sentence, ends
    page.js(f"{far}.line.fire('click')")
    assert page.js(f"return [...{cards}].map(c => c.getAttribute('aria-pressed'))") == [
        "false",
        "true",
    ]
    sentence = page.js("return document.querySelector('.gm-claim-sentence')")
    assert "410 kilometers west" in sentence.text
    wait(
        page,
        lambda: page.js("""const s = document.querySelector('.gm-claim-sentence')
        .getBoundingClientRect(), p = document.getElementById('gm-panel').getBoundingClientRect();
        return s.top >= p.top && s.bottom <= p.bottom"""),
        "the sentence was not scrolled to",
    )
    assert page.js("return document.querySelectorAll('path.gm-claim-end').length") == 2
    assert page.js(f"return {far}.line.getElement().getAttribute('stroke-width')") == "6"

    # clicking the other card moves the highlight: its line, its band, its two places
    page.js(f"{cards}[0].click()")
    settled(page)
    near = claim_view(page, 0)
    assert page.js(f"return [...{cards}].map(c => c.classList.contains('gm-active'))") == [
        True,
        False,
    ]
    assert page.js(f"return {near}.line.getElement().getAttribute('stroke-width')") == "6"
    assert page.js(f"return {far}.line.getElement().getAttribute('stroke-width')") == "3.5"
    assert page.js(f"return {near}.area.getElement().getAttribute('fill-opacity')") == "0.2"
    ends = page.js("""return [...document.querySelectorAll('path.gm-claim-end')].length""")
    assert ends == 2
    centres = page.js(
        "return geomap.instances[0].claimEnds.getLayers()"
        ".map(l => [l.getLatLng().lat, l.getLatLng().lng])"
    )
    places = gold_places()
    assert sorted(centres) == sorted(
        [
            [places["al-qaim"].lat, places["al-qaim"].lon],
            [places["husaybah"].lat, places["husaybah"].lon],
        ]
    )
    # its label shows although the line is short, and hides neither marker
    wait(
        page,
        lambda: page.js("""return [...document.querySelectorAll('.gm-claim-tip')]
        .some(e => e.style.display !== 'none'
                   && e.textContent.startsWith('\u2713 stated 2 km'))"""),
        "the active claim's label is hidden",
    )
    above = page.js(f"""const line = {near}.line, m = geomap.instances[0].map;
        const lls = line.getLatLngs(), r = m.getContainer().getBoundingClientRect();
        const y = (m.latLngToContainerPoint(lls[0]).y
                   + m.latLngToContainerPoint(lls[lls.length - 1]).y) / 2 + r.top;
        return line.getTooltip().getElement().getBoundingClientRect().bottom < y;""")
    assert above
    assert "two kilometers from Al-Qaim" in page.js(
        "return document.querySelector('.gm-claim-sentence').textContent"
    )
    page.screenshot("map-claim-active.png")

    # the same card again, or a click on the empty map, clears it
    page.js(f"{cards}[0].click()")
    assert (
        page.js(
            "return document.querySelectorAll('.gm-claim.gm-active, .gm-claim-sentence,"
            " path.gm-claim-end').length"
        )
        == 0
    )
    page.js(f"{far}.line.fire('click')")
    page.js("geomap.instances[0].map.fire('click', {latlng: L.latLng(0, 0)})")
    assert page.js("return geomap.instances[0].active") is None
    assert_clean(page)


# --------------------------------------------------------------------------- basemap


@pytest.fixture(scope="module")
def labelled(tmp_path_factory, full_gazetteer):
    """The founding article with the bundled gazetteer's names on the basemap."""
    out = tmp_path_factory.mktemp("labelled")
    m = render.build_map([gold_document()], boundaries=BOUNDARIES, gazetteer=full_gazetteer)
    return render.save(m, out / "labelled.html")


def drawn_labels(page, lat: float, lon: float, zoom: int) -> list[dict]:
    page.js(
        "geomap.instances[0].map.setView([arguments[0], arguments[1]], arguments[2],"
        " {animate: false})",
        lat,
        lon,
        zoom,
    )
    settled(page)
    return page.js("""return [...document.querySelectorAll('.gm-label')].map(e => {
        const r = e.firstChild.getBoundingClientRect();
        return {name: e.textContent, style: e.className.match(/gm-label-(\\w+)/)[1],
                index: Number(e.dataset.label), box: [r.left, r.top, r.right, r.bottom]};
    })""")


def test_basemap_names_grow_with_the_zoom(open_offline, labelled):
    page = ready(open_offline(labelled))
    labels = page.js("return geomap.instances[0].data.labels")
    qaim = gold_places()["al-qaim"]
    seen = {}
    for zoom in (3, 5, 7, 9, 11):
        drawn = drawn_labels(page, qaim.lat + 0.08, qaim.lon, zoom)
        # each name drawn belongs to this zoom, and reads as the payload has it
        for d in drawn:
            label = labels[d["index"]]
            assert label["minZoom"] <= zoom <= label["maxZoom"], (zoom, label)
            assert label["name"] == d["name"]
        # no two overlap
        for a, b in itertools.combinations(drawn, 2):
            A, B = a["box"], b["box"]
            assert not (
                A[0] < B[2] - 1 and B[0] < A[2] - 1 and A[1] < B[3] - 1 and B[1] < A[3] - 1
            ), (a, b)
        seen[zoom] = drawn
    styles = {z: {d["style"] for d in drawn} for z, drawn in seen.items()}
    names = {z: {d["name"] for d in drawn} for z, drawn in seen.items()}
    assert {"Iraq", "Saudi Arabia", "Egypt", "Iran"} <= names[3]
    assert styles[3] <= {"country", "water", "region"}  # countries, seas, deserts
    assert {"Syria", "Jordan"} <= names[5] and "admin1" in styles[5]
    assert "Deir ez-Zor" in names[7] and "country" not in styles[9]
    assert {"Ālbū Kamāl", "Rāwah"} & names[9]
    assert "As Sūsah" in names[11] and "As Sūsah" not in names[9]  # a village, at 11
    page.screenshot("map-labels-zoom-11.png")
    assert_clean(page)


def test_basemap_names_leave_with_the_offline_basemap(open_offline, tmp_path, full_gazetteer):
    m = render.build_map(
        [gold_document()],
        gazetteer=full_gazetteer,
        tiles="https://tiles.example.org/{z}/{x}/{y}.png",
    )
    page = ready(open_offline(render.save(m, tmp_path / "tiles.html")))
    assert page.js("return document.querySelectorAll('.gm-label').length") == 0
    page.js("""const g = geomap.instances[0];
        g.map.eachLayer(l => { if (l instanceof L.TileLayer) g.map.removeLayer(l); });
        g.map.addLayer(Object.values(g.bases)[0]);""")
    assert page.js("return document.querySelectorAll('.gm-label').length") > 0
    assert page.errors == [] and page.dialogs == []


# --------------------------------------------------------------------------- doubtful places


def doubtful_document() -> Document:
    """The founding article with one more mention: 'Valley', read as Valley, Alabama at 0.28."""
    doc = gold_document()
    valley = Place(
        id="gn:4096495",
        name="Valley",
        lat=32.81874,
        lon=-85.17939,
        kind="city",
        country="US",
        admin1="Alabama",
        source="GeoNames",
    )
    text = doc.text + "\nThe Valley was quiet."
    start = text.index("Valley", len(doc.text))
    sentences = doc.sentences + (Sentence(len(doc.sentences), len(doc.text) + 1, len(text)),)
    mention = Mention(start, start + 6, "Valley", len(doc.sentences), place=valley, confidence=0.28)
    return replace(doc, text=text, sentences=sentences, mentions=doc.mentions + (mention,))


def test_a_doubtful_place_is_drawn_apart_and_does_not_move_the_view(open_offline, tmp_path):
    from selenium.webdriver.common.by import By

    path = render.save(
        render.build_map([doubtful_document()], boundaries=BOUNDARIES), tmp_path / "doubt.html"
    )
    page = ready(open_offline(path))
    bounds = page.js(
        "const b = geomap.instances[0].map.getBounds();"
        "return [b.getWest(), b.getEast(), geomap.instances[0].map.getZoom()]"
    )
    assert bounds[0] > 30 and bounds[1] < 55 and bounds[2] >= 5  # Iraq and Syria, not the world
    i = place_index(page, "Valley")
    assert page.js("return geomap.instances[0].places[arguments[0]].low", i) is True
    page.js("geomap.instances[0].map.setView([32.8, -85.2], 8, {animate: false})")
    settled(page)
    marker = page.driver.find_element(By.CSS_SELECTOR, f'.gm-marker[data-place="{i}"]')
    assert "gm-low" in marker.get_attribute("class")
    assert marker.find_element(By.TAG_NAME, "text").text == "?"  # hollow, with a question mark
    marker.click()
    wait(page, lambda: "Valley" in popup_text(page), "Valley's popup did not open")
    assert "Confidence0.28 \u2013 low" in popup_text(page)
    mention = page.driver.find_element(By.CSS_SELECTOR, ".gm-mention.gm-low")
    assert mention.text.startswith("Valley")
    assert page.js("return getComputedStyle(arguments[0], '::after').content", mention) == '"?"'
    assert page.driver.find_elements(By.CSS_SELECTOR, ".gm-mention.gm-low") == [mention]
    legend = page.js("return document.querySelector('.gm-legend').textContent")
    assert "low confidence (below 0.50)" in legend
    assert_clean(page)


def test_the_page_is_titled_by_the_headline(open_offline, maps):
    page = open_offline(maps["gold"])
    assert page.js("return document.title") == (
        "Iraqi PM raises flag at IS-free crossing with Syria \u2013 geomap"
    )
    page = open_offline(maps["multi"])
    assert page.js("return document.title") == "2 articles \u2013 geomap"


# --------------------------------------------------------------------------- corpus map

CORPUS = [
    {
        "id": "b",
        "title": "Troops leave Ramadi",
        "url": "https://example.org/b",
        "date": "2017-11-07",
        "text": "Troops left Ramadi for Rutba. Ramadi was calm.",
    },
    {
        "id": "c",
        "title": "More fighting",
        "date": "2017-11-20",
        "text": "Ramadi, Rawa and Al-Qaim saw more fighting on Monday.",
    },
    {"id": "d", "title": "Aid arrives", "text": "Aid reached Rawa and Ramadi on Tuesday."},
    {"id": "e", "text": "Rain fell on Mosul for a week."},
    {
        "id": "f",
        "title": "Officials meet",
        "date": "2017-12-01",
        "text": "In Ramadi, officials met the governor.",
    },
]


@pytest.fixture(scope="module")
def corpus_map(tmp_path_factory, full_gazetteer):
    """geomap batch's map.html for six articles: the founding one (two claims, one
    inconsistent), four more naming Ramadi, two of them undated."""
    import json

    from test_render import EXAMPLE

    from geomap import batch, inputs

    folder = tmp_path_factory.mktemp("corpus")
    records = [
        {
            "id": "aa",
            "title": "Iraqi PM raises flag at IS-free crossing with Syria",
            "url": "https://example.org/aa",
            "date": "2017-11-06",
            "text": EXAMPLE.read_text(encoding="utf-8"),
        },
        *CORPUS,
    ]
    source = folder / "corpus.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    engine = batch.make_engine("local", workers=1)
    try:
        summary = batch.run(
            inputs.open_input(source), folder / "out", gazetteer=full_gazetteer, engine=engine
        )
    finally:
        engine.close()
    return folder / "out" / "map.html", summary


def corpus_ready(page):
    wait(page, lambda: page.js("return !!window.geomapCorpus"), "the corpus map never drew")
    return page


def corpus_places(page) -> int:
    return page.js("return geomapCorpus.cluster.getLayers().length")


def test_corpus_map_has_a_title_summary_and_legend(open_offline, corpus_map):
    path, summary = corpus_map
    page = corpus_ready(open_offline(path))
    assert page.js("return document.title") == "corpus.jsonl \u2013 corpus map \u2013 geomap"
    head = page.js(
        "return [...document.querySelectorAll('.gm-corpus-head > *')].map(e => e.textContent)"
    )
    assert head[1] == "corpus.jsonl"
    assert head[2] == (
        f"6 articles \u00b7 {summary.places} places \u00b7 "
        f"{summary.mentions} mentions \u00b7 2 distance claims (1 inconsistent)"
    )
    assert head[3] == "dated 2017-11-06 to 2017-12-01; 2 articles undated"
    assert corpus_places(page) == summary.places
    legend = page.js("return document.querySelector('.gm-legend').textContent")
    for item in (
        "a place the articles name",
        "heat map",
        "\u2713 consistent",
        "\u2717 inconsistent",
        "only inconsistent claims",
    ):
        assert item in legend
    page.screenshot("corpus-overview.png")
    assert_clean(page)


def test_corpus_claims_layer_filters_to_the_inconsistent(open_offline, corpus_map):
    page = corpus_ready(open_offline(corpus_map[0]))
    lines = (
        "return [...document.querySelectorAll('path.gm-claim-line')]"
        ".map(e => e.getAttribute('class'))"
    )
    assert sorted("inconsistent" in c for c in page.js(lines)) == [False, True]
    page.js("document.querySelector('.gm-only-inconsistent').click()")
    (only,) = page.js(lines)
    assert "gm-verdict-inconsistent" in only
    text = page.js("""const l = geomapCorpus.claimsLayer.getLayers()[0];
        l.openPopup(); return document.querySelector('.leaflet-popup-content').textContent""")
    assert text.startswith("\u201c410 kilometers west of provincial capital Ramadi\u201d")
    assert "Iraqi PM raises flag at IS-free crossing with Syria" in text
    page.js("document.querySelector('.gm-only-inconsistent').click()")
    assert len(page.js(lines)) == 2
    assert_clean(page)


def test_corpus_search_finds_a_place_and_opens_its_sentences(open_offline, corpus_map):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page = corpus_ready(open_offline(corpus_map[0]))
    box = page.driver.find_element(By.CSS_SELECTOR, ".gm-search-input")
    box.send_keys("rama")
    hits = page.js("return [...document.querySelectorAll('.gm-hit-name')].map(e => e.textContent)")
    assert hits[0] == "Ramadi"
    box.send_keys(Keys.ENTER)
    wait(
        page,
        lambda: page.js("return !!document.querySelector('.gm-corpus-popup')"),
        "Ramadi's popup did not open",
    )
    wait(
        page,
        lambda: (
            "Ramadi" in page.js("return document.querySelector('.gm-corpus-popup h3').textContent")
        ),
        "wrong popup",
    )
    popup = page.js("""const p = document.querySelector('.gm-corpus-popup');
        return {count: p.querySelector('.gm-pop-count').textContent,
                sentences: [...p.querySelectorAll('.gm-pop-sentences > li')].map(li =>
                    [li.firstChild.textContent + li.querySelector('mark').textContent,
                     li.querySelector('mark').textContent,
                     li.querySelector('.gm-pop-source > :last-child').textContent]),
                more: [...p.querySelectorAll('.gm-pop-articles li > :last-child')]
                    .map(a => a.textContent)}""")
    assert popup["count"] == "6 mentions in 5 articles"
    # the three newest first, each with its sentence and the name marked
    assert [s[2] for s in popup["sentences"]] == [
        "Officials meet",
        "More fighting",
        "Troops leave Ramadi",
    ]
    assert popup["sentences"][0][0] == "In Ramadi"
    assert all(s[1] == "Ramadi" for s in popup["sentences"])
    assert popup["more"] == ["Iraqi PM raises flag at IS-free crossing with Syria", "Aid arrives"]
    box.clear()
    box.send_keys("zzzz")
    assert page.js("return document.querySelector('.gm-search-results').textContent") == (
        "No place of that name on this map"
    )
    page.screenshot("corpus-search.png")
    assert_clean(page)


def set_dates(page, start: str | None, end: str | None, undated: bool = True):
    page.js(
        """const [a, b, u] = arguments;
        const from = document.querySelector('.gm-date-from');
        const to = document.querySelector('.gm-date-to');
        const check = document.querySelector('.gm-date-undated');
        from.value = a || ''; to.value = b || ''; check.checked = u;
        for (const e of [from, to, check]) e.dispatchEvent(new Event('change'));""",
        start,
        end,
        undated,
    )


def test_corpus_date_filter_keeps_undated_articles_and_refuses_from_after_to(
    open_offline, corpus_map
):
    page = corpus_ready(open_offline(corpus_map[0]))
    everything = corpus_places(page)
    set_dates(page, "2017-11-06", "2017-12-01")  # the defaults: nothing changes
    assert corpus_places(page) == everything
    set_dates(page, "2017-11-06", "2017-12-01", undated=False)
    names = page.js("return geomapCorpus.cluster.getLayers().map(m => m.options.title)")
    assert len(names) < everything and "Mosul" not in names  # only an undated article names it
    set_dates(page, "2017-11-20", None)
    assert "Mosul" in page.js("return geomapCorpus.cluster.getLayers().map(m => m.options.title)")
    before = corpus_places(page)
    set_dates(page, "2017-12-01", "2017-11-01")
    message = page.js("return document.querySelector('.gm-date-message')")
    assert message.is_displayed()
    assert message.text.startswith(
        "\u201cFrom\u201d (2017-12-01) is after \u201cto\u201d (2017-11-01)"
    )
    assert (
        page.js("return document.querySelector('.gm-date-from').getAttribute('aria-invalid')")
        == "true"
    )
    assert corpus_places(page) == before  # the previous selection stays
    set_dates(page, None, None)
    assert not message.is_displayed() and corpus_places(page) == everything
    page.screenshot("corpus-dates.png")
    assert_clean(page)


# --------------------------------------------------------------------------- estimated places


def test_estimated_places_have_their_marker_area_popup_and_row(
    open_offline, tmp_path, full_gazetteer
):
    from selenium.webdriver.common.by import By
    from test_render import BORNO

    from geomap.parse import parse

    doc = parse(BORNO, gazetteer=full_gazetteer, title="Gunmen kill five in Borno", id="borno")
    path = render.save(render.build_map([doc], gazetteer=full_gazetteer), tmp_path / "borno.html")
    page = ready(open_offline(path))
    assert page.js("return document.querySelectorAll('.gm-location-estimate').length") == 1
    assert page.js("return document.querySelectorAll('.gm-location-coordinates').length") == 1
    assert page.js("return document.querySelectorAll('path.gm-location-statement').length") == 1
    assert page.js("return document.querySelectorAll('path.gm-location-area').length") == 0
    legend = page.js("return document.querySelector('.gm-legend').textContent")
    assert "estimated place" in legend and "coordinates in the text" in legend
    assert "places a thing the gazetteer lacks" in legend

    # the name in the article leads to the marker and its popup
    page.driver.find_element(By.CSS_SELECTOR, '.gm-located[data-location="0"]').click()
    wait(
        page,
        lambda: popup_text(page).startswith("Mainari (20 km SE of Maiduguri)"),
        "the estimated place's popup did not open",
    )
    popup = page.js("""const p = document.querySelector('.gm-location-popup');
        return {kind: p.querySelector('.gm-pop-kind').textContent,
                facts: p.querySelector('.gm-facts').textContent,
                mark: p.querySelector('.gm-pop-quote mark').textContent,
                statements: [...p.querySelectorAll('.gm-pop-statements q')].map(q => q.textContent),
                row: p.querySelector('.gm-suggest-row').textContent}""")
    assert popup["kind"] == "estimated place"
    assert "Uncertaintywithin 32 km" in popup["facts"]
    assert popup["mark"] == "Mainari"
    assert popup["statements"] == ["20 km (12 miles) southeast of the state capital Maiduguri"]
    assert popup["row"].splitlines()[1].startswith("estimate:borno:mainari,Mainari,")
    page.js("document.querySelector('.gm-copy').click()")
    wait(
        page,
        lambda: page.js("return document.querySelector('.gm-copy').textContent") != "copy",
        "copy did nothing",
    )
    page.screenshot("map-estimated-place.png")

    # the statement's card shows the line from Maiduguri to the estimate
    page.js("document.querySelector('.gm-claim').click()")
    settled(page)
    ends = page.js(
        "return geomap.instances[0].claimEnds.getLayers()"
        ".map(l => [l.getLatLng().lat, l.getLatLng().lng])"
    )
    assert ends[1] == pytest.approx([doc.locations[0].lat, doc.locations[0].lon], abs=1e-4)
    assert page.js("return document.querySelector('.gm-claim-verdict').textContent") == (
        "\u25ce located"
    )
    assert_clean(page)


def test_corpus_map_shows_the_places_articles_locate(open_offline, tmp_path, full_gazetteer):
    """A batch of real sentences (thehimalayantimes.com, uk.reuters.com) whose subjects the
    gazetteer lacks: the epicentre's written coordinates and an estimated village."""
    import json

    from geomap import batch, inputs

    records = [
        {
            "id": "ht",
            "title": "NSC revises epicentre",
            "text": (
                "Earlier, the NSC had said that the epicentre was about 20 km north-east of "
                "Kathmandu in Sindhupalchok district, with its coordinates 27.79°N, 85.52°E."
            ),
        },
        {
            "id": "ng",
            "title": "Attack near Maiduguri",
            "text": (
                "Boko Haram fighters attacked Mainari village, about 20 km south-east of the "
                "state capital Maiduguri, on Sunday."
            ),
        },
    ]
    source = tmp_path / "located.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    engine = batch.make_engine("local", workers=1)
    try:
        batch.run(
            inputs.open_input(source), tmp_path / "out", gazetteer=full_gazetteer, engine=engine
        )
    finally:
        engine.close()
    page = corpus_ready(open_offline(tmp_path / "out" / "map.html"))
    located = page.js(
        "return geomapCorpus.locatedLayer.getLayers()"
        ".filter(l => l.options.className === 'gm-located')"
        ".map(l => [l.getLatLng().lat, l.getLatLng().lng])"
    )
    assert len(located) == 2
    assert [27.79, 85.52] in [[round(a, 2), round(b, 2)] for a, b in located]
    text = page.js("""const l = geomapCorpus.locatedLayer.getLayers()
        .filter(l => l.options.className === 'gm-located')
        .find(l => l.getLatLng().lat < 20); l.openPopup();
        return document.querySelector('.leaflet-popup-content').textContent""")
    assert "Mainari village" in text and "20 km south-east of the state capital" in text
    assert "Attack near Maiduguri" in text
    legend = page.js("return document.querySelector('.gm-legend').textContent")
    assert "a place the articles locate but the gazetteer lacks" in legend
    assert_clean(page)

"""The saved map in a real browser (headless Debian Chromium, network off).

Each test opens a page built from the documents in ``test_render`` and checks what a reader
sees: markers, popups, the article panel linking both ways, claim overlays, controls, and
that hostile text never runs. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re

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
from geomap.records import Document, Mention, Place

WAIT = 8  # seconds; pages settle in well under one


def wait(page, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(page.driver, WAIT, poll_frequency=0.05).until(
        lambda d: condition(), message=message
    )


def settled(page):
    """Wait until no zoom, pan or cluster animation is running."""
    wait(
        page,
        lambda: page.js("""const m = geomap.instances[0].map;
        return !document.querySelector('.leaflet-cluster-anim') && !m._animatingZoom
            && !(m._panAnim && m._panAnim._inProgress) && !m._flyToFrame;"""),
        "the map never settled",
    )


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
            const g = geomap.instances[0], parent = g.cluster.getVisibleParent(g.markers[arguments[0]]);
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
        "return geomap.instances[0].docs[0].mentions.findIndex(m => m[0] === 1167)"
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
    assert "stated 410 km W \u00b7 computed 241 km WNW" in labels
    assert page.js("""return [...document.querySelectorAll('.gm-claim-tip')]
        .filter(e => e.style.display !== 'none').map(e => e.textContent)""") == [
        "stated 410 km W \u00b7 computed 241 km WNW"
    ]  # the 2 km one waits for a closer zoom
    panel = page.js("return [...document.querySelectorAll('.gm-claim')].map(e => e.textContent)")
    assert "distance inconsistent \u00b7 direction consistent" in panel[1]

    # clicking the 2 km claim in the panel zooms close enough to label it
    page.js("document.querySelectorAll('.gm-claim')[0].click()")
    wait(
        page,
        lambda: page.js("""return [...document.querySelectorAll('.gm-claim-tip')]
        .some(e => e.style.display !== 'none' && e.textContent.startsWith('stated 2 km'))"""),
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
    docs = [e.text for e in page.driver.find_elements(By.CSS_SELECTOR, ".gm-pop-doc a")]
    assert docs == [
        "Iraqi PM raises flag at IS-free crossing with Syria",
        "Troops move on to Rutba",
    ]

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

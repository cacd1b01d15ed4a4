"""The maps under attack: every string of ``hostile.payloads()`` as article text, title, URL
and gazetteer place name, on the article map and on ``geomap batch``'s corpus map, opened
in headless Chromium with the network off.

The strings reach the maps the way a user's would: articles parsed against a user gazetteer
whose place names, regions, sources and ids are payloads (the text names each place by a
plain alternate name), so markers, popups, tooltips, the article panel, distance claims,
the places that fit them, country outlines and the layer control all carry payloads; the
basemap's names come from a second gazetteer of towns named by payloads, the corpus map's
search box is asked for every payload and its claims layer names payload places, and the
page title is made of every payload. With
every popup, tooltip and article shown, nothing may have run (no ``window.__pwned``, no
dialog), nothing may have been injected (no element marked ``pwned``, none a map never has,
no ``on*`` attribute, no link or source that is not http(s)), nothing may have left the
page, and every payload must read as the very text it is.
"""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from geographiclib.geodesic import Geodesic
from hostile import FAMILIES, FIRST, payloads
from test_browser import ready, wait
from test_render import BOUNDARIES, payload_of

from geomap import batch, inputs
from geomap.corpus_map import build_corpus_map
from geomap.export import Tally, article_rows
from geomap.gazetteer import Gazetteer
from geomap.parse import parse
from geomap.records import Document
from geomap.render import _set_page_title, build_map, display_name, display_title, http_url, save

#: Articles per article-map page: the layer control names the articles of a map of up to 15.
PER_PAGE = 15
#: Where every payload goes, on both maps.
CHANNELS = ("article text", "title", "URL", "gazetteer name")
#: Fields that carry payloads too: the gazetteer's region, source and id columns; on the
#: corpus map, the article id (shown when an article has no title) and https URLs.
EXTRA_CHANNELS = ("gazetteer region", "gazetteer source", "gazetteer id", "article id")
#: Stated in every article: each subject "lies 40 kilometers west of" the next place.
CLAIM_KM = 40
_SYLLABLES = ("ka", "ze", "lo", "mi", "ru", "ta", "vo", "ne", "si", "du", "be", "go")

# Elements no geomap page has: one of them was injected.
_FOREIGN = (
    "img, image, picture, iframe, frame, frameset, object, embed, applet, video, audio, source, "
    "track, marquee, details, textarea, form, math, xmp, listing, plaintext, keygen, isindex, "
    "noembed, noframes, foreignObject, animate, set, discard, use, handler"
)
# Elements that only the saved page itself has: as many live as in the file.
STATIC_TAGS = ("script", "style", "meta", "link", "base", "title", "noscript", "template")
_URL_ATTRIBUTES = (
    "href",
    "xlink:href",
    "src",
    "srcset",
    "srcdoc",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "codebase",
    "cite",
    "ping",
    "lowsrc",
    "dynsrc",
)
#: Defines ``window.__audit()``: every trace a payload could leave in the page.
AUDIT = """
window.__audit = () => {
  const show = (e) => e.outerHTML.slice(0, 160);
  const all = [...document.querySelectorAll('*')];
  const counts = {};
  for (const tag of %(static)s) counts[tag] = document.getElementsByTagName(tag).length;
  return {
    ran: window.__pwned === undefined ? null : String(window.__pwned),
    marked: [...document.querySelectorAll('[id*=pwned i], [class*=pwned i]')].map(show),
    foreign: [...document.querySelectorAll(%(foreign)s)].map(show),
    handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name))
      .map((a) => e.tagName.toLowerCase() + '[' + a.name + ']')),
    urls: all.flatMap((e) => [...e.attributes]
      .filter((a) => %(urls)s.includes(a.name.toLowerCase())
        && !/^(https?:\\/\\/|#)/i.test(a.value))
      .map((a) => e.tagName.toLowerCase() + '[' + a.name + '=' + a.value.slice(0, 80) + ']')),
    counts: counts,
  };
};
""" % {
    "static": json.dumps(STATIC_TAGS),
    "foreign": json.dumps(_FOREIGN),
    "urls": json.dumps(_URL_ATTRIBUTES),
}
#: The traces a clean page has none of.
TRACES = ("marked", "foreign", "handlers", "urls")


def plain_name(i: int) -> str:
    """The i-th made-up place name, by which the articles name the place of payload i."""
    s = _SYLLABLES
    return (s[i % 12] + s[i // 12 % 12] + s[i // 144 % 12] + "var").capitalize()


def page_groups(strings: list[str]) -> list[list[int]]:
    """Payload indices per article-map page."""
    return [
        list(range(i, min(i + PER_PAGE, len(strings)))) for i in range(0, len(strings), PER_PAGE)
    ]


def gazetteer_rows(strings: list[str]) -> list[tuple]:
    """Per payload: a city named by it (alternate name: its plain name) with the payload as
    region, source and id, and a place of the same name where the claim about that city
    puts it; per article-map page, two countries named by its first two payloads."""
    groups = page_groups(strings)
    width = 340 / len(groups)
    at = {}
    for page, group in enumerate(groups):
        for j, i in enumerate(group):
            at[i] = (30 + 2.2 * (j // 5), -175 + width * page + 1.8 * (j % 5))
    rows = []
    for page, group in enumerate(groups):
        for j, i in enumerate(group):
            s = strings[i]
            rows.append((s, s, plain_name(i), *at[i], "city", "IQ", s, 1000, s))
            fit = Geodesic.WGS84.Direct(*at[group[(j + 1) % len(group)]], 270, CLAIM_KM * 1000)
            rows.append(
                (
                    f"fit:{s}",
                    s,
                    "",
                    round(fit["lat2"], 6),
                    round(fit["lon2"], 6),
                    "city",
                    "IQ",
                    "",
                    10,
                    "fit",
                )
            )
        for i, code in zip(group[:2], ("IQ", "SY")):
            lat, lon = at[group[0]]
            rows.append(
                (
                    f"country:{i}",
                    strings[i],
                    f"{plain_name(i)}ia",
                    lat + 7,
                    lon + i % 2,
                    "country",
                    code,
                    "",
                    10**6,
                    strings[i],
                )
            )
    return rows


def label_rows(strings: list[str]) -> list[tuple]:
    """Per payload, a town of 50,000 people named by it 20 km east of the city named by it:
    the basemap names it from zoom 9."""
    rows = []
    for i, (_, _, _, lat, lon, *_rest) in enumerate(gazetteer_rows(strings)[::2][: len(strings)]):
        east = Geodesic.WGS84.Direct(lat, lon, 90, 20_000)
        rows.append(
            (
                f"label:{i}",
                strings[i],
                "",
                round(east["lat2"], 6),
                round(east["lon2"], 6),
                "city",
                "IQ",
                "",
                50_000,
                "label",
            )
        )
    return rows


def article_text(s: str, place: str, other: str, countries: tuple[str, ...] = ()) -> str:
    """An article carrying payload ``s`` three times, naming ``place`` and ``other`` and
    stating a distance between them."""
    crossed = f"Troops from {' and '.join(countries)} crossed. " if countries else ""
    return (
        f"{s}\n\n{crossed}Fighting reached {place} on Monday as {s} went on. "
        f"{place} lies {CLAIM_KM} kilometers west of {other}, officials said.\n\n"
        f"Unresolved: {s}"
    )


def article_pages(strings: list[str], gazetteer: Gazetteer) -> list[list[Document]]:
    """The articles of each article-map page: article j of a page has payload j of the page
    as its text, title and URL, and names city j (whose gazetteer name is that payload)
    and the next city of the page, whose gazetteer name is the next payload."""
    pages = []
    for group in page_groups(strings):
        docs = []
        for j, i in enumerate(group):
            k = group[(j + 1) % len(group)]
            countries = tuple(f"{plain_name(c)}ia" for c in group[:2]) if j == 0 else ()
            text = article_text(strings[i], plain_name(i), plain_name(k), countries)
            doc = parse(text, title=strings[i], url=strings[i], gazetteer=gazetteer)
            # The channels must really be there: both cities resolved, the claim found,
            # judged inconsistent and explained by the place that fits it.
            ids = {m.place.id for m in doc.mentions if m.place is not None}
            assert {strings[i].strip(), strings[k].strip()} <= ids, (i, doc.mentions)
            assert [f.name for c in doc.checks for f in c.fits] == [strings[i].strip()], i
            docs.append(doc)
        pages.append(docs)
    return pages


def extents(docs: list[Document]) -> dict[str, dict]:
    """A small square around each city mentioned: its 'approximate extent' outline."""
    out = {}
    for doc in docs:
        for m in doc.mentions:
            p = m.place
            if p is not None and p.kind == "city":
                ring = [
                    [p.lon - d, p.lat - e]
                    for d, e in ((0.3, 0.3), (-0.3, 0.3), (-0.3, -0.3), (0.3, -0.3), (0.3, 0.3))
                ]
                out[p.id] = {"type": "Polygon", "coordinates": [ring]}
    return out


class _TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.counts = dict.fromkeys(STATIC_TAGS, 0)

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.counts:
            self.counts[tag] += 1


def static_counts(path: Path) -> dict[str, int]:
    """How many of each STATIC_TAGS element the saved page has."""
    parser = _TagCounter()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.counts


def as_html_text(s: str) -> str:
    """``s`` as text that went through the HTML parser (the layer control's names): NUL
    dropped, line ends made LF."""
    return s.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")


def layer_name(d: int, title: str) -> str:
    return f"Article {d + 1}: " + (title if len(title) <= 60 else title[:59] + "\u2026")


def assert_untouched(page, audit: dict, static: dict[str, int], where: str) -> None:
    """Nothing ran and nothing was injected, as far as ``audit`` saw."""
    from selenium.common.exceptions import NoAlertPresentException

    assert audit["ran"] is None, f"{where}: payload {audit['ran']} ran"
    for trace in TRACES:
        assert audit[trace] == [], f"{where}: {trace}"
    assert audit["counts"] == static, f"{where}: elements added"
    assert page.leaving() == [], where
    assert page.dialogs == [], where
    assert page.errors == [], where
    with pytest.raises(NoAlertPresentException):
        _ = page.driver.switch_to.alert.text


# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def strings() -> list[str]:
    return payloads()


@pytest.fixture(scope="module")
def hostile_gazetteer(make_gazetteer, strings):
    with make_gazetteer(gazetteer_rows(strings)) as gazetteer:
        yield gazetteer


@pytest.fixture(scope="module")
def label_gazetteer(make_gazetteer, strings):
    with make_gazetteer(label_rows(strings)) as gazetteer:
        yield gazetteer


@pytest.fixture(scope="module")
def pages(strings, hostile_gazetteer) -> list[list[Document]]:
    return article_pages(strings, hostile_gazetteer)


def test_payloads_are_many_distinct_and_each_leaves_a_trace(strings):
    assert len(strings) >= 200
    assert len(set(strings)) == len(strings)
    assert len(FAMILIES) >= 14 and all(len(t) >= 8 for t in FAMILIES.values())
    # each names its number (base64-encoded in a few), by which a page shows that it ran
    for n, s in enumerate(strings[:-2], start=FIRST):
        hidden = re.findall(r"atob\('([^']+)'\)|base64,(.+)", s)
        plain = s + "".join(base64.b64decode(a or b).decode() for a, b in hidden)
        assert str(n) in plain, s


def test_every_payload_reaches_every_channel(strings, pages):
    docs = [doc for page in pages for doc in page]
    texts = "\n".join(doc.text for doc in docs)
    titles = {doc.title for doc in docs}
    urls = {doc.url for doc in docs}
    names = {m.place.name for doc in docs for m in doc.mentions if m.place is not None}
    for s in strings:
        assert s in texts and s in titles and s in urls and s.strip() in names, s


def test_payloads_come_out_of_the_page_templates_as_they_went_in(pages):
    """branca compiles each element's rendered HTML as a Jinja template again: a ``{{...}}``
    in an article or a place name must stay text, not run as Python when the page is made."""
    tally = Tally()
    for docs in pages:
        data = payload_of(build_map(docs))
        assert [(d["fullTitle"] or d["title"], d["text"]) for d in data["docs"]] == [
            (d.title, d.text) for d in docs
        ]
        places = {m.place.name for doc in docs for m in doc.mentions if m.place is not None}
        assert {p["name"] for p in data["places"]} == places
        for doc in docs:
            tally.add(article_rows(replace(doc, id=doc.title)))
    data = payload_of(build_corpus_map(tally))
    assert [a["title"] for a in data["articles"]] == [d.title for docs in pages for d in docs]
    assert {p["name"] for p in data["places"]} == {
        m.place.name for docs in pages for d in docs for m in d.mentions if m.place is not None
    }
    assert "GEOMAP_PWNED" not in os.environ  # set by the one payload that would run Python


def test_every_payload_titles_a_page_as_plain_text(strings):
    """The ``<title>`` of a map of an article headlined by each payload: the page keeps the
    tags of a blank page and its title reads as the headline."""
    plain = folium.Map(tiles=None)
    _set_page_title(plain, "plain")
    blank = _PageTags.of(plain, "plain")
    for s in strings:
        m = folium.Map(tiles=None)
        _set_page_title(m, s)
        page = _PageTags.of(m, s)
        assert page.tags == blank.tags, s
        assert page.title == " ".join(s.replace("\0", "").split()), s


class _PageTags(HTMLParser):
    """The tag sequence of a page and the text of its title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False

    @classmethod
    def of(cls, m: folium.Map, _: str) -> _PageTags:
        parser = cls()
        parser.feed(m.get_root().render())
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag) -> None:
        self.tags.append(f"/{tag}")
        self._in_title = False

    def handle_data(self, data) -> None:
        if self._in_title:
            self.title += data


@pytest.mark.slow
def test_article_map_under_attack(open_offline, tmp_path, strings, pages, label_gazetteer):
    shown: set[str] = set()
    labelled: set[str] = set()
    for p, docs in enumerate(pages):
        where = f"article map page {p + 1} of {len(pages)}"
        path = save(
            build_map(docs, boundaries={**BOUNDARIES, **extents(docs)}, gazetteer=label_gazetteer),
            tmp_path / f"hostile-{p + 1:02d}.html",
        )
        static = static_counts(path)
        page = ready(open_offline(path))
        page.js(AUDIT)
        first = page.js("return __audit()")  # before anything is opened
        assert_untouched(page, first, static, f"{where}, as loaded")
        # Every popup and tooltip at once: each marker straight on the map, not clustered.
        page.js("""
            const g = geomap.instances[0], map = g.map;
            map.removeLayer(g.cluster);
            g.markers.forEach((m) => {
              Object.assign(m.getPopup().options, {autoClose: false, closeOnClick: false,
                                                   autoPan: false});
              m.addTo(map).openPopup().openTooltip();
            });
            g.claimsLayer.eachLayer((grp) => grp.eachLayer((l) => l.openTooltip()));
            g.regions.eachLayer((l) => l.openTooltip());
            g.labelLayer.draw(true);
            g.selectClaim(g.claimViews[0], {scroll: true});
            document.querySelector('.leaflet-control-layers')
              .classList.add('leaflet-control-layers-expanded');""")
        # Each article in the panel in turn, checked while it is shown.
        panels = page.js("""
            const g = geomap.instances[0];
            return g.docs.map((doc, d) => {
              g.showDoc(d);
              const a = g.titleEl.querySelector('a');
              return {title: g.titleEl.textContent, href: a && a.getAttribute('href'),
                      text: g.textEl.textContent, claims: g.claimsEl.textContent,
                      audit: __audit()};
            });""")
        page.js("return new Promise((r) => setTimeout(r, 300))")  # for onerror, onfocus...
        seen = page.js("""return {
            audit: __audit(),
            names: [...document.querySelectorAll('.gm-pop-name')].map((e) => e.textContent),
            tips: [...document.querySelectorAll('.leaflet-tooltip')].map((e) => e.textContent),
            layers: [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
              .map((e) => e.textContent),
            options: [...document.querySelectorAll('.gm-doc-select option')]
              .map((e) => e.textContent),
            labels: [...document.querySelectorAll('.gm-label')].map((e) => e.textContent),
            title: document.title};""")
        for d, panel in enumerate(panels):
            assert_untouched(page, panel["audit"], static, f"{where}, article {d + 1}")
        assert_untouched(page, seen["audit"], static, f"{where}, all open")

        # Every payload reads as itself, wherever it is shown.
        assert seen["title"] == f"{len(docs)} articles \u2013 geomap", where
        named = {display_name(lb.name) for lb in label_gazetteer.in_box(-90, -180, 90, 180)}
        assert set(seen["labels"]) <= named, where
        labelled.update(seen["labels"])
        for d, (doc, panel) in enumerate(zip(docs, panels)):
            s = doc.title
            assert panel["title"] == display_title(doc, d), where
            assert panel["href"] == http_url(s), where
            assert panel["text"].count(s) == 3, (where, s)
            assert seen["options"][d] == f"{d + 1}. {display_title(doc, d)}", where
            assert seen["layers"][3 + d] == " " + as_html_text(
                layer_name(d, display_title(doc, d))
            ), where
            claimed = [c for c in doc.checks if c.fits]
            for check in claimed:
                subject = doc.mentions[check.claim.subject.mention].place.name
                reference = doc.mentions[check.claim.reference.mention].place.name
                fit = check.fits[0].name
                assert f"places that fit: {fit} (" in panel["claims"], where
                assert any(
                    t.startswith(
                        f"Where the text puts {subject}: {CLAIM_KM} km W of {reference} (accepted "
                    )
                    for t in seen["tips"]
                ), where
                assert any(
                    t.startswith(f"Fits \u201c{CLAIM_KM} km W of {reference}\u201d: {fit} (")
                    for t in seen["tips"]
                ), where
            shown.add(s)
        places = {m.place for doc in docs for m in doc.mentions if m.place is not None}
        assert sorted(seen["names"]) == sorted(p.name for p in places), where
        for place in places:
            kind = "country" if place.kind == "country" else "city / town"
            assert f"{place.name} \u00b7 {kind}" in seen["tips"], where
            if place.kind == "city":
                assert f"{place.name} (approximate extent)" in seen["tips"], where
            else:
                assert place.name in seen["tips"], where  # the country's outline
        page.screenshot(f"hostile-map-{p + 1:02d}.png")
    assert shown == set(strings)
    assert labelled == {display_name(s.strip()) for s in strings}  # each one a basemap name
    assert "GEOMAP_PWNED" not in os.environ
    print(
        f"\nhostile article map: {len(strings)} payloads x {len(CHANNELS)} channels "
        f"({', '.join(CHANNELS)}; also {', '.join(EXTRA_CHANNELS[:3])}, basemap names, "
        f"the active claim) on {len(pages)} "
        "pages: 0 executions, 0 injected elements, 0 requests"
    )


@pytest.mark.slow
def test_corpus_map_under_attack(
    open_offline, tmp_path, strings, hostile_gazetteer, label_gazetteer
):
    """geomap batch's map.html: two articles per payload, one titled by it with it as URL,
    one untitled (its id is the payload) with an https URL that carries it; each states a
    distance between two places named by payloads (the claims layer). The search box is
    asked for every payload."""
    groups = page_groups(strings)
    after = {i: group[(j + 1) % len(group)] for group in groups for j, i in enumerate(group)}
    records = []
    for i, s in enumerate(strings):
        text = (
            f"{s}\n\nFighting reached {plain_name(i)} on Monday as {s} went on. "
            f"{plain_name(i)} lies {CLAIM_KM} kilometers west of {plain_name(after[i])}, "
            "officials said."
        )
        date = f"2017-11-{1 + i % 28:02d}"
        records.append({"id": f"a{i}", "title": s, "url": s, "date": date, "text": text})
        records.append({"id": s, "url": f"https://example.org/?q={s}", "date": date, "text": text})
    source = tmp_path / "corpus.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    engine = batch.make_engine("local", workers=2)
    try:
        summary = batch.run(
            inputs.open_input(source), tmp_path / "out", gazetteer=hostile_gazetteer, engine=engine
        )
    finally:
        engine.close()
    assert (summary.articles, summary.errors) == (len(records), 0)
    assert summary.claims == len(records)
    assert "GEOMAP_PWNED" not in os.environ
    path = tmp_path / "out" / "map.html"
    static = static_counts(path)

    page = open_offline(path)
    # Opening some 800 popups at once takes long on a loaded machine.
    page.driver.set_script_timeout(180)
    page.js(AUDIT)
    wait(page, lambda: page.js("return !!window.geomapCorpus"), "the corpus map never drew")
    assert_untouched(page, page.js("return __audit()"), static, "corpus map, as loaded")
    # The date filter redraws every marker; from after to is refused.
    assert page.js("return geomapCorpus.setRange('2017-11-02', '2017-11-02')") > 0
    assert page.js("return geomapCorpus.setRange('2017-11-03', '2017-11-02')") is None
    assert page.js("return geomapCorpus.setRange(null, null)") == len(strings)
    # The search box, asked for every payload: the place it names is listed, as text.
    found = page.js(
        """const input = document.querySelector('.gm-search-input');
        return arguments[0].map((s) => {
          input.value = s;
          input.dispatchEvent(new Event('input'));
          // A text box drops line breaks from its value: ask for those directly.
          if (input.value !== s) geomapCorpus.search(s);
          return [...document.querySelectorAll('.gm-hit-name')].map((e) => e.textContent);
        });""",
        strings,
    )
    searched = page.js("return __audit()")
    for s, hits in zip(strings, found):
        assert display_name(s.strip()) in hits, s
    assert_untouched(page, searched, static, "corpus map, every payload searched")
    # Then every popup and claim at once, unclustered.
    page.js("""
        const c = geomapCorpus, map = c.map;
        map.removeLayer(c.cluster);
        const open = (l) => {
          Object.assign(l.getPopup().options, {autoClose: false, closeOnClick: false,
                                               autoPan: false});
          l.addTo(map).openPopup();
        };
        c.cluster.getLayers().forEach(open);
        c.claimsLayer.getLayers().forEach((l) => { open(l); l.openTooltip(); });""")
    page.js("return new Promise((r) => setTimeout(r, 300))")
    seen = page.js("""return {
        audit: __audit(),
        names: [...document.querySelectorAll('.gm-corpus-popup h3')].map((e) => e.textContent),
        marks: [...document.querySelectorAll('.leaflet-marker-icon')].map((e) => e.title),
        titles: [...document.querySelectorAll(
            '.gm-corpus-popup .gm-pop-source > :last-child,'
            + ' .gm-corpus-popup .gm-pop-articles li > :last-child')]
          .map((e) => e.textContent),
        links: [...document.querySelectorAll('.gm-corpus-popup a')]
          .map((e) => e.getAttribute('href')),
        claims: [...document.querySelectorAll('.gm-corpus-claim')].map((e) => e.textContent),
        tips: [...document.querySelectorAll('.leaflet-tooltip')].map((e) => e.textContent),
        title: document.title,
    };""")
    assert_untouched(page, seen["audit"], static, "corpus map, all open")
    names = sorted(display_name(s.strip()) for s in strings)
    assert sorted(seen["names"]) == names
    assert sorted(seen["marks"]) == names
    assert sorted(seen["titles"]) == sorted(strings * 4)  # 2 articles, each naming 2 places
    urls = [u for s in strings for u in (http_url(s), http_url(f"https://example.org/?q={s}"))]
    assert sorted(seen["links"]) == sorted([u for u in urls if u] * 2)  # 2 places each
    assert len(seen["claims"]) == len(records)
    for i, s in enumerate(strings):
        subject, reference = display_name(s.strip()), display_name(strings[after[i]].strip())
        line = f"{subject} \u2190 {reference}: stated {CLAIM_KM} km W"
        assert sum(line in c for c in seen["claims"]) == 2, s
        assert (
            sum(
                t.startswith(f"\u2717 {subject} \u2190 {reference}: distance inconsistent")
                for t in seen["tips"]
            )
            == 2
        ), s
    assert seen["title"] == "corpus.jsonl \u2013 corpus map \u2013 geomap"
    page.screenshot("hostile-corpus-map.png")
    print(
        f"\nhostile corpus map: {len(strings)} payloads x {len(CHANNELS)} channels "
        f"({', '.join(CHANNELS)}; also {EXTRA_CHANNELS[-1]}, https URL, search box, claims "
        f"layer) over {len(records)} articles: 0 executions, 0 injected elements, 0 requests"
    )

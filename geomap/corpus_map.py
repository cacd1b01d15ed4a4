"""The corpus map: every place a corpus mentions, clustered, with a heat layer and a date filter.

:func:`build_corpus_map` takes the :class:`geomap.export.Tally` of a batch run and returns a
:class:`folium.Map`; save it with :func:`geomap.render.save`, which inlines Leaflet and
Leaflet.markercluster from their XStatic packages. The heat layer and the date filter are
this module's own script: soft, semi-transparent discs on a canvas, weighted by how often
each place is mentioned among the articles in the chosen date range. As in the article map,
user-derived strings travel only inside the escaped JSON payload and reach the page through
``textContent``; only absolute http(s) URLs become links.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from geomap.export import Tally
from geomap.render import PAGE_CSS, PAGE_JS, compact_geometry, as_geometry, http_url, json_for_html

__all__ = ["build_corpus_map", "corpus_payload"]

#: Articles listed at most in one place's popup (the newest first when dated).
POPUP_ARTICLES = 50


def corpus_payload(tally: Tally, *, boundaries: Mapping[str, Any] | None = None) -> dict:
    """The JSON the page reads: articles, places with (article, mentions) pairs, outlines."""
    index = {}
    articles = []
    for i, (aid, title, url, date, _) in enumerate(tally.articles):
        index.setdefault(aid, i)
        articles.append([aid, title or aid, http_url(url), date])
    refs: dict[str, list[list[int]]] = {}
    for i, (_, _, _, _, places) in enumerate(tally.articles):
        for pid, count in places:
            refs.setdefault(pid, []).append([i, count])
    places = []
    for t in tally.ranked():
        places.append({"id": t.id, "name": t.info["name"], "kind": t.info["kind"],
                       "country": t.info["country"], "lat": t.info["lat"],
                       "lon": t.info["lon"], "refs": refs.get(t.id, [])})
    basemap = []
    for value in (boundaries or {}).values():
        geometry = as_geometry(value)
        if geometry is not None:
            basemap.append(compact_geometry(geometry))
    dates = sorted(a[3] for a in articles if a[3])
    return {"articles": articles, "places": places, "basemap": basemap,
            "dates": [dates[0], dates[-1]] if dates else None,
            "popupArticles": POPUP_ARTICLES}


class _CorpusLayer(MacroElement):
    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <style>
        .gm-dot{width:12px;height:12px;margin:-6px 0 0 -6px;border-radius:50%;
          background:#c0392b;border:2px solid #fff;box-shadow:0 0 2px #0008;}
        .gm-dates{background:#fff;padding:6px 8px;border-radius:4px;font:13px sans-serif;
          box-shadow:0 1px 4px #0005;}
        .gm-dates label{display:block;margin:2px 0;}
        .gm-popup h3{margin:0 0 4px;font-size:15px;}
        .gm-popup ul{margin:4px 0 0;padding-left:18px;max-height:220px;overflow:auto;}
        .gm-popup .gm-date{color:#666;margin-right:4px;}
        </style>
        <script type="application/json" id="{{ this.get_name() }}">{{ this.payload }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map, data) {
          map.createPane("gm-basemap").style.zIndex = 150;
          if (data.basemap.length) {
            L.geoJSON(data.basemap, {pane: "gm-basemap", interactive: false,
              style: {color: "#8aa", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1}})
              .addTo(map);
          }
          var from = null, to = null;
          function inRange(a) {
            if (from === null && to === null) return true;
            var d = data.articles[a][3];
            if (!d) return false;
            return (from === null || d >= from) && (to === null || d <= to);
          }
          function el(tag, text, cls) {
            var e = document.createElement(tag);
            if (text !== undefined && text !== null) e.textContent = text;
            if (cls) e.className = cls;
            return e;
          }
          function popup(place, refs, mentions) {
            var box = el("div", null, "gm-popup");
            box.appendChild(el("h3", place.name));
            box.appendChild(el("div", mentions +
              (mentions === 1 ? " mention in " : " mentions in ") + refs.length +
              (refs.length === 1 ? " article" : " articles")));
            var list = el("ul");
            var shown = refs.slice();
            if (data.dates) shown.sort(function (x, y) {
              var a = data.articles[x[0]][3] || "", b = data.articles[y[0]][3] || "";
              return a < b ? 1 : a > b ? -1 : x[0] - y[0];
            });
            shown.slice(0, data.popupArticles).forEach(function (r) {
              var art = data.articles[r[0]], li = el("li");
              if (art[3]) li.appendChild(el("span", art[3], "gm-date"));
              var title = art[2] ? el("a", art[1]) : el("span", art[1]);
              if (art[2]) {
                title.href = art[2];
                title.target = "_blank";
                title.rel = "noopener noreferrer";
              }
              li.appendChild(title);
              list.appendChild(li);
            });
            if (shown.length > data.popupArticles) {
              list.appendChild(el("li", "and " + (shown.length - data.popupArticles) + " more"));
            }
            box.appendChild(list);
            return box;
          }
          var icon = L.divIcon({className: "", html: '<div class="gm-dot"></div>',
                                iconSize: [0, 0]});
          var cluster = L.markerClusterGroup({chunkedLoading: true}).addTo(map);
          var renderer = L.canvas({padding: 0.5});
          var heat = L.layerGroup();
          var rings = [[28, 0.05], [18, 0.08], [9, 0.12]];
          function redraw() {
            cluster.clearLayers();
            heat.clearLayers();
            var markers = [], max = 1, shown = [];
            data.places.forEach(function (place) {
              var refs = place.refs.filter(function (r) { return inRange(r[0]); });
              if (!refs.length) return;
              var n = refs.reduce(function (s, r) { return s + r[1]; }, 0);
              max = Math.max(max, n);
              shown.push([place, refs, n]);
            });
            shown.forEach(function (s) {
              var place = s[0], refs = s[1], n = s[2], at = [place.lat, place.lon];
              var m = L.marker(at, {icon: icon, title: place.name});
              m.bindPopup(function () { return popup(place, refs, n); }, {maxWidth: 360});
              markers.push(m);
              var w = 0.35 + 0.65 * Math.log(1 + n) / Math.log(1 + max);
              rings.forEach(function (ring) {
                L.circleMarker(at, {renderer: renderer, radius: ring[0] * (0.6 + 0.6 * w),
                  stroke: false, fillColor: "#e8590c", fillOpacity: ring[1] * w * 2,
                  interactive: false}).addTo(heat);
              });
            });
            cluster.addLayers(markers);
            return shown;
          }
          var shown = redraw();
          L.control.layers(null, {"Places": cluster, "Heat map": heat}, {collapsed: false})
            .addTo(map);
          if (data.dates) {
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
              var box = el("div", null, "gm-dates");
              box.appendChild(el("strong", "Articles dated"));
              [["from", 0], ["to", 1]].forEach(function (spec) {
                var label = el("label", spec[0] + " ");
                var input = el("input");
                input.type = "date";
                input.min = data.dates[0];
                input.max = data.dates[1];
                input.value = data.dates[spec[1]];
                input.className = "gm-date-" + spec[0];
                input.addEventListener("change", function () {
                  var v = input.value || null;
                  if (spec[0] === "from") from = v; else to = v;
                  redraw();
                });
                label.appendChild(input);
                box.appendChild(label);
              });
              L.DomEvent.disableClickPropagation(box);
              return box;
            };
            control.addTo(map);
          }
          if (shown.length) {
            map.fitBounds(shown.map(function (s) { return [s[0].lat, s[0].lon]; }),
                          {padding: [30, 30], maxZoom: 8});
          }
          window.geomapCorpus = {map: map, cluster: cluster, heat: heat, data: data,
            setRange: function (a, b) { from = a; to = b; return redraw().length; }};
        })({{ this._parent.get_name() }},
           JSON.parse(document.getElementById("{{ this.get_name() }}").textContent));
        {% endmacro %}
        """
    )

    def __init__(self, payload: str):
        super().__init__()
        self._name = "GeomapCorpus"
        self.payload = payload


def build_corpus_map(tally: Tally, *, boundaries: Mapping[str, Any] | None = None
                     ) -> folium.Map:
    """The corpus map of a batch run's tally: clustered place markers whose popups list the
    articles (linked when they have an http(s) URL), a heat layer of mention counts, and a
    date filter when articles carry dates. ``boundaries`` (ISO code -> GeoJSON geometry)
    draws the offline basemap."""
    if not isinstance(tally, Tally):
        raise TypeError(f"Expected a geomap.export.Tally, instead got {type(tally).__name__}")
    data = corpus_payload(tally, boundaries=boundaries)
    m = folium.Map(location=[20.0, 0.0], zoom_start=2, tiles=None, world_copy_jump=True,
                   maxZoom=18, minZoom=2)
    keep = ("leaflet", "leaflet_markercluster", "leaflet_css", "markercluster_css",
            "markercluster_default_css")
    m.default_js = [(name, url) for name, url, _, _ in PAGE_JS if name in keep]
    m.default_css = [(name, url) for name, url, _, _ in PAGE_CSS if name in keep]
    layer = _CorpusLayer(json_for_html(data)).add_to(m)
    # Fixed element ids instead of random ones: the same corpus gives the same page bytes.
    m._id, layer._id = "corpus", "payload"
    return m

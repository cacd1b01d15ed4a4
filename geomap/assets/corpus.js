/*
 * geomap's corpus map (geomap batch's map.html): the title and summary of the corpus, a
 * search box, a legend, clustered place markers with the sentences naming them, a heat
 * layer, the corpus's distance claims, and a date filter. Uses the basemap and helpers of
 * geomap.js. As there, data reaches the page only through textContent and DOM properties.
 */
(function () {
  "use strict";

  const U = window.geomap.util;
  const el = U.el;
  const SEARCH_RESULTS = 8;

  class CorpusMap {
    constructor(map, data) {
      this.map = map;
      this.data = data;
      this.verdicts = Object.fromEntries(data.verdicts.map((v) => [v.key, v]));
      this.from = null;
      this.to = null;
      this.undated = true;
      this.onlyInconsistent = false;
      this.folded = data.places.map((p) => U.fold(p.name));
      this.icon = L.divIcon({ className: "", html: '<div class="gm-dot"></div>', iconSize: [0, 0] });
      this.cluster = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50 });
      this.heat = L.layerGroup();
      this.claimsLayer = L.featureGroup();
      this.locatedLayer = L.featureGroup();
      this.renderer = L.canvas({ padding: 0.5 });
      this.buildHead();
      L.control.zoom({ position: "topleft" }).addTo(map);
      this.shown = this.redraw();
      // The view is set before the outlines are drawn (a change of view projects them again).
      if (this.shown.length) {
        map.fitBounds(this.shown.map((s) => [s.place.lat, s.place.lon]), { padding: [30, 30], maxZoom: 8 });
      }
      const basemap = window.geomap.buildBasemap(map, data);
      this.labelLayer = basemap.labels;
      this.cluster.addTo(map);
      if (this.data.claims.length) this.claimsLayer.addTo(map);
      if (this.data.locations.length) this.locatedLayer.addTo(map);
      const overlays = { "Places": this.cluster, "Heat map": this.heat };
      if (this.data.claims.length) overlays["Distance claims"] = this.claimsLayer;
      if (this.data.locations.length) overlays["Located places"] = this.locatedLayer;
      const bases = Object.keys(basemap.bases).length > 1 ? basemap.bases : null;
      L.control.layers(bases, overlays, { collapsed: false, position: "topright" }).addTo(map);
      this.buildLegend();
      if (data.summary.dates) this.buildDates();
      L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
    }

    /* ---------- filtering ---------- */
    inRange(a) {
      const d = this.data.articles[a].date;
      if (!d) return this.undated;
      return (this.from === null || d >= this.from) && (this.to === null || d <= this.to);
    }

    /* Markers, heat and claims for the articles in range; returns the places shown. */
    redraw() {
      this.cluster.clearLayers();
      this.heat.clearLayers();
      this.claimsLayer.clearLayers();
      this.locatedLayer.clearLayers();
      const shown = [];
      let max = 1;
      this.data.places.forEach((place, i) => {
        const refs = place.refs.filter((r) => this.inRange(r.article));
        if (!refs.length) return;
        const n = refs.reduce((s, r) => s + r.mentions, 0);
        max = Math.max(max, n);
        shown.push({ place, i, refs, n });
      });
      this.markers = new Map();
      const rings = [[28, 0.05], [18, 0.08], [9, 0.12]];
      const markers = shown.map((s) => {
        const at = [s.place.lat, s.place.lon];
        const m = L.marker(at, { icon: this.icon, title: s.place.name });
        m.bindPopup(() => this.popup(s), { maxWidth: 380, minWidth: 240, maxHeight: 360 });
        this.markers.set(s.i, m);
        const w = 0.35 + 0.65 * Math.log(1 + s.n) / Math.log(1 + max);
        for (const ring of rings) {
          L.circleMarker(at, {
            renderer: this.renderer, radius: ring[0] * (0.6 + 0.6 * w), stroke: false,
            fillColor: "#e8590c", fillOpacity: ring[1] * w * 2, interactive: false,
          }).addTo(this.heat);
        }
        return m;
      });
      this.cluster.addLayers(markers);
      this.drawClaims();
      this.drawLocated();
      if (this.counter) this.counter.textContent = this.countText(shown);
      return shown;
    }

    drawClaims() {
      this.data.claims.forEach((c, ci) => {
        if (!this.inRange(c.article)) return;
        if (this.onlyInconsistent && c.verdict !== "inconsistent") return;
        const v = this.verdicts[c.verdict] || this.verdicts.unverifiable;
        const line = L.polyline(c.line, {
          color: U.color(v.color), weight: 3, opacity: 0.9, dashArray: U.dash(v.dash), lineCap: "round",
          className: "gm-claim-line gm-verdict-" + (this.verdicts[c.verdict] ? c.verdict : "unverifiable"),
        });
        line.gmClaim = ci;
        line.bindTooltip(() => el("span", null, v.symbol + " " + c.subjectName + " \u2190 " + c.referenceName + ": " + c.verdictLabel), { sticky: true });
        line.bindPopup(() => this.claimPopup(c, v), { maxWidth: 380 });
        line.addTo(this.claimsLayer);
      });
    }

    /* Places the articles locate but the gazetteer lacks: a target and its uncertainty. */
    drawLocated() {
      this.data.locations.forEach((loc) => {
        if (!this.inRange(loc.article)) return;
        const at = [loc.lat, loc.lon];
        if (loc.uncertaintyKm > 0 && loc.uncertaintyKm <= 1000) {
          L.circle(at, {
            radius: loc.uncertaintyKm * 1000, color: "#6a1b9a", weight: 1, dashArray: "4 4",
            fillOpacity: 0.05, interactive: false, className: "gm-located-area",
          }).addTo(this.locatedLayer);
        }
        const marker = L.circleMarker(at, {
          radius: 6, color: "#6a1b9a", weight: 2, fillColor: "#fff", fillOpacity: 1,
          className: "gm-located",
        });
        marker.bindTooltip(() => el("span", null, "◎ " + loc.name), { sticky: true });
        marker.bindPopup(() => this.locatedPopup(loc), { maxWidth: 380 });
        marker.addTo(this.locatedLayer);
      });
    }

    locatedPopup(loc) {
      const box = el("div", "gm-popup gm-corpus-located");
      box.appendChild(el("div", "gm-popup-title", "◎ " + loc.name));
      box.appendChild(el("div", "gm-popup-meta", loc.kind === "coordinates"
        ? "coordinates written in the article"
        : "estimated from the article, within " + loc.uncertaintyKm.toLocaleString("en") + " km"));
      loc.statements.forEach((s) => box.appendChild(el("div", "gm-claim-quote", "“" + s + "”")));
      if (loc.contradiction) box.appendChild(el("div", "gm-claim-expl", loc.contradiction));
      const src = el("div", "gm-pop-source");
      const date = this.data.articles[loc.article].date;
      if (date) src.appendChild(el("span", "gm-date", date));
      src.appendChild(this.articleLink(loc.article));
      box.appendChild(src);
      return box;
    }

    countText(shown) {
      const articles = this.data.articles.filter((_, a) => this.inRange(a)).length;
      return "showing " + U.plural(shown.length, "place", "places") + " from " + U.plural(articles, "article", "articles");
    }

    /* Show the articles dated from..to (ISO dates or null), and the undated ones if asked.
       Returns the number of places shown, or null (and says why) when from is after to. */
    setRange(from, to, undated) {
      if (undated !== undefined) this.undated = !!undated;
      if (from && to && from > to) {
        this.say("\u201cFrom\u201d (" + from + ") is after \u201cto\u201d (" + to + "): no article can match. Still showing the previous dates.");
        return null;
      }
      this.say("");
      this.from = from || null;
      this.to = to || null;
      this.shown = this.redraw();
      return this.shown.length;
    }

    say(text) {
      if (!this.message) return;
      this.message.textContent = text;
      this.message.hidden = !text;
    }

    /* ---------- popups ---------- */
    articleLink(a) {
      const art = this.data.articles[a];
      return U.link(art.url, art.title);
    }

    popup(s) {
      const box = el("div", "gm-popup gm-corpus-popup");
      box.appendChild(el("h3", null, s.place.name));
      const where = [s.place.kind, s.place.country].filter(Boolean).join(" \u00b7 ");
      if (where) box.appendChild(el("div", "gm-pop-kind", where));
      box.appendChild(el("div", "gm-pop-count", U.plural(s.n, "mention", "mentions") + " in " + U.plural(s.refs.length, "article", "articles")));
      const refs = s.refs.slice();
      if (this.data.summary.dates) {
        refs.sort((x, y) => {
          const a = this.data.articles[x.article].date || "", b = this.data.articles[y.article].date || "";
          return a < b ? 1 : a > b ? -1 : x.article - y.article;
        });
      }
      const quoted = refs.filter((r) => r.sentence !== null).slice(0, this.data.popupSentences);
      if (quoted.length) {
        const ol = el("ol", "gm-pop-sentences");
        for (const r of quoted) {
          const li = el("li");
          const t = r.sentence, mark = r.mark || [0, 0];
          li.appendChild(document.createTextNode(t.slice(0, mark[0])));
          li.appendChild(el("mark", null, t.slice(mark[0], mark[1])));
          li.appendChild(document.createTextNode(t.slice(mark[1])));
          const src = el("div", "gm-pop-source");
          const date = this.data.articles[r.article].date;
          if (date) src.appendChild(el("span", "gm-date", date));
          src.appendChild(this.articleLink(r.article));
          li.appendChild(src);
          ol.appendChild(li);
        }
        box.appendChild(ol);
      }
      const rest = refs.filter((r) => !quoted.includes(r));
      if (rest.length) {
        box.appendChild(el("div", "gm-pop-more-head", "Also in"));
        const list = el("ul", "gm-pop-articles");
        for (const r of rest.slice(0, this.data.popupArticles)) {
          const li = el("li");
          const date = this.data.articles[r.article].date;
          if (date) li.appendChild(el("span", "gm-date", date));
          li.appendChild(this.articleLink(r.article));
          list.appendChild(li);
        }
        if (rest.length > this.data.popupArticles) {
          list.appendChild(el("li", "gm-more", "and " + U.plural(rest.length - this.data.popupArticles, "more article", "more articles")));
        }
        box.appendChild(list);
      }
      return box;
    }

    claimPopup(c, v) {
      const box = el("div", "gm-popup gm-corpus-claim");
      box.style.setProperty("--c", U.color(v.color));
      box.appendChild(el("div", "gm-claim-quote", "\u201c" + c.quote + "\u201d"));
      box.appendChild(el("div", "gm-claim-verdict", v.symbol + " " + c.verdictLabel));
      box.appendChild(el("div", "gm-claim-label", c.subjectName + " \u2190 " + c.referenceName +
        ": stated " + (c.stated || "nothing") + " \u00b7 computed " + (c.computed || "n/a")));
      if (c.explanation) box.appendChild(el("div", "gm-claim-expl", c.explanation));
      const src = el("div", "gm-pop-source");
      const date = this.data.articles[c.article].date;
      if (date) src.appendChild(el("span", "gm-date", date));
      src.appendChild(this.articleLink(c.article));
      box.appendChild(src);
      return box;
    }

    /* ---------- title, summary and search ---------- */
    buildHead() {
      const s = this.data.summary;
      const Head = L.Control.extend({
        options: { position: "topleft" },
        onAdd: () => {
          const box = el("div", "gm-corpus-head");
          box.appendChild(el("div", "gm-brand", "geomap \u00b7 corpus map"));
          box.appendChild(el("h1", "gm-corpus-title", this.data.heading));
          const facts = [
            U.plural(s.articles, "article", "articles"),
            U.plural(s.places, "place", "places"),
            U.plural(s.mentions, "mention", "mentions"),
            U.plural(s.claims, "distance claim", "distance claims") + (s.inconsistent ? " (" + s.inconsistent.toLocaleString("en") + " inconsistent)" : ""),
          ];
          box.appendChild(el("div", "gm-summary", facts.join(" \u00b7 ")));
          if (s.dates) {
            box.appendChild(el("div", "gm-summary gm-summary-dates", "dated " + (s.dates[0] === s.dates[1] ? s.dates[0] : s.dates[0] + " to " + s.dates[1]) +
              (s.undated ? "; " + U.plural(s.undated, "article", "articles") + " undated" : "")));
          }
          this.counter = el("div", "gm-summary gm-count");
          box.appendChild(this.counter);
          box.appendChild(this.searchBox());
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        },
      });
      new Head().addTo(this.map);
    }

    searchBox() {
      const wrap = el("div", "gm-search");
      const input = el("input", "gm-search-input");
      input.type = "search";
      input.placeholder = "Find a place\u2026";
      input.setAttribute("aria-label", "Find a place by name");
      input.autocomplete = "off";
      const list = el("ul", "gm-search-results");
      list.setAttribute("role", "listbox");
      wrap.appendChild(input);
      wrap.appendChild(list);
      this.searchInput = input;
      this.searchList = list;
      input.addEventListener("input", () => this.search(input.value));
      input.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") {
          ev.preventDefault();
          const first = list.querySelector("button:not([disabled])");
          if (first) first.click();
        } else if (ev.key === "Escape") {
          input.value = "";
          this.search("");
        }
      });
      return wrap;
    }

    /* The places whose name holds the query (accents and case aside), the names that start
       with it first, then the most mentioned. */
    search(query) {
      const q = U.fold(query.trim());
      const list = this.searchList;
      list.replaceChildren();
      if (!q) return [];
      const hits = [];
      this.folded.forEach((name, i) => {
        const at = name.indexOf(q);
        if (at >= 0) hits.push([at === 0 ? 0 : 1, i]);
      });
      hits.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // places are ranked by mentions already
      for (const [, i] of hits.slice(0, SEARCH_RESULTS)) {
        const p = this.data.places[i];
        const li = el("li");
        const b = el("button", "gm-search-hit");
        b.type = "button";
        b.appendChild(el("span", "gm-hit-name", p.name));
        const m = this.markers.get(i);
        b.appendChild(el("span", "gm-hit-where", [p.country, m ? "" : "outside the dates"].filter(Boolean).join(" \u00b7 ")));
        if (m) b.addEventListener("click", () => this.focus(i)); else b.disabled = true;
        li.appendChild(b);
        list.appendChild(li);
      }
      if (!hits.length) list.appendChild(el("li", "gm-search-none", "No place of that name on this map"));
      else if (hits.length > SEARCH_RESULTS) list.appendChild(el("li", "gm-search-none", "and " + (hits.length - SEARCH_RESULTS).toLocaleString("en") + " more"));
      return hits.map((h) => this.data.places[h[1]].name);
    }

    focus(i) {
      const m = this.markers.get(i);
      if (!m) return;
      this.searchList.replaceChildren();
      if (!this.map.hasLayer(this.cluster)) this.cluster.addTo(this.map);
      this.cluster.zoomToShowLayer(m, () => m.openPopup());
    }

    /* ---------- legend and dates ---------- */
    buildLegend() {
      const Legend = L.Control.extend({
        options: { position: "bottomright" },
        onAdd: () => {
          const box = el("div", "gm-legend");
          const row = (parent, sample, text) => {
            const r = el("div", "gm-row");
            r.appendChild(sample);
            r.appendChild(el("span", null, text));
            parent.appendChild(r);
          };
          const g1 = el("div", "gm-group");
          g1.appendChild(el("h3", null, "Places"));
          row(g1, el("span", "gm-dot gm-dot-legend"), "a place the articles name");
          row(g1, el("span", "gm-cluster-legend", "12"), "places grouped at this zoom");
          row(g1, el("span", "gm-heat-legend"), "heat map: how often named");
          if (this.data.locations.length) {
            row(g1, el("span", "gm-located-legend", "\u25ce"), "a place the articles locate but the gazetteer lacks");
          }
          box.appendChild(g1);
          if (this.data.claims.length) {
            const g2 = el("div", "gm-group");
            g2.appendChild(el("h3", null, "Distance claims"));
            for (const v of this.data.verdicts) {
              if (!this.data.claims.some((c) => c.verdict === v.key) && v.key === "located") continue;
              row(g2, U.lineSample(v.color, v.dash), v.symbol + " " + v.label);
            }
            const label = el("label", "gm-only-bad");
            const check = el("input");
            check.type = "checkbox";
            check.className = "gm-only-inconsistent";
            check.addEventListener("change", () => { this.onlyInconsistent = check.checked; this.claimsLayer.clearLayers(); this.drawClaims(); });
            label.appendChild(check);
            label.appendChild(document.createTextNode(" only inconsistent claims"));
            g2.appendChild(label);
            box.appendChild(g2);
          }
          L.DomEvent.disableClickPropagation(box);
          L.DomEvent.disableScrollPropagation(box);
          return box;
        },
      });
      new Legend().addTo(this.map);
    }

    buildDates() {
      const dates = this.data.summary.dates;
      const control = L.control({ position: "bottomleft" });
      control.onAdd = () => {
        const box = el("div", "gm-dates");
        box.appendChild(el("strong", null, "Articles dated"));
        const inputs = {};
        for (const [name, i] of [["from", 0], ["to", 1]]) {
          const label = el("label", null, name + " ");
          const input = el("input");
          input.type = "date";
          input.min = dates[0];
          input.max = dates[1];
          input.value = dates[i];
          input.className = "gm-date-" + name;
          label.appendChild(input);
          box.appendChild(label);
          inputs[name] = input;
        }
        const undated = el("label", "gm-undated");
        const check = el("input");
        check.type = "checkbox";
        check.checked = true;
        check.className = "gm-date-undated";
        undated.appendChild(check);
        undated.appendChild(document.createTextNode(" and " + U.plural(this.data.summary.undated, "undated article", "undated articles")));
        if (this.data.summary.undated) box.appendChild(undated);
        this.message = el("div", "gm-date-message");
        this.message.setAttribute("role", "alert");
        this.message.hidden = true;
        box.appendChild(this.message);
        const apply = () => {
          const ok = this.setRange(inputs.from.value || null, inputs.to.value || null, check.checked);
          for (const input of [inputs.from, inputs.to]) input.setAttribute("aria-invalid", ok === null ? "true" : "false");
        };
        inputs.from.addEventListener("change", apply);
        inputs.to.addEventListener("change", apply);
        check.addEventListener("change", apply);
        L.DomEvent.disableClickPropagation(box);
        return box;
      };
      control.addTo(this.map);
    }
  }

  window.geomap.corpus = function (map, dataElement) {
    const c = new CorpusMap(map, JSON.parse(dataElement.textContent));
    window.geomapCorpus = c;
    return c;
  };
})();

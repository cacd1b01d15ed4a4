/*
 * geomap's map pages. Builds the offline basemap (outlines and zoom-dependent names), and for
 * the article map the markers, popups, article panel, claim overlays and controls, from the
 * JSON payload that geomap.render embeds in the page. The corpus map (corpus.js) reuses the
 * basemap and the helpers through window.geomap.
 *
 * Article text, titles and gazetteer names are untrusted: they reach the page only through
 * textContent, DOM properties and esc() (for the one Leaflet API that takes HTML, the layer
 * control's names). No data is ever assigned to innerHTML.
 */
(function () {
  "use strict";

  /* ================================ helpers ================================ */

  const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
  const DASH_RE = /^[0-9 .]*$/;
  const SHAPES = {
    circle: '<circle cx="12" cy="12" r="7.5"/>',
    diamond: '<path d="M12 2.5 21.5 12 12 21.5 2.5 12Z"/>',
    square: '<rect x="4" y="4" width="16" height="16" rx="3.5"/>',
    star: '<path d="M12 2.2l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z"/>',
    hexagon: '<path d="M12 2.5l8.2 4.75v9.5L12 21.5l-8.2-4.75v-9.5z"/>',
    triangle: '<path d="M12 3 21.5 20H2.5Z"/>',
    wave: '<path d="M3 8.5c3-3 6 3 9 0s6-3 9 0v7c-3-3-6 3-9 0s-6-3-9 0z"/>',

    pin: '<path d="M12 22s-7-7.2-7-12.2a7 7 0 0 1 14 0C19 14.8 12 22 12 22z"/><circle cx="12" cy="9.8" r="2.6" fill="#fff"/>',
  };
  const ICONS = {
    fullscreen: '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8"><path d="M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4"/></svg>',
    fit: '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8"><circle cx="8" cy="8" r="4.5"/><path d="M8 .5v3M8 12.5v3M.5 8h3M12.5 8h3"/></svg>',
    measure: '<svg width="18" height="18" viewBox="0 0 18 18" fill="none" stroke="currentColor" stroke-width="1.6"><path d="M2 12.5 12.5 2 16 5.5 5.5 16z"/><path d="M5 9.5l1.5 1.5M7.5 7l2 2M10 4.5l1.5 1.5"/></svg>',
  };

  function color(c) { return COLOR_RE.test(c) ? c : "#777777"; }
  function dash(d) { return typeof d === "string" && d && DASH_RE.test(d) ? d : null; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }
  function link(url, text) {
    const u = safeUrl(url);
    if (!u) return el("span", null, text);
    const a = el("a", null, text);
    a.href = u;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  /* A marker shape; hollow (white with a coloured edge and a "?") for a doubtful place. */
  function shapeSvg(shape, fill, size, hollow) {
    const c = color(fill);
    if (shape === "target") { // an estimated place: a ring and cross hairs, open in the middle
      const ring = '<circle cx="12" cy="12" r="6.2"/><path d="M12 1.8v5M12 17.2v5M1.8 12h5M17.2 12h5"/>';
      return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 24 24" fill="none" stroke-linecap="round">' +
        '<g stroke="#fff" stroke-width="5.2">' + ring + '</g><g stroke="' + c + '" stroke-width="2.6"' +
        (hollow ? ' stroke-dasharray="2.5 2.2"' : "") + ">" + ring + '</g><circle cx="12" cy="12" r="1.6" fill="' + c + '"/></svg>';
    }
    const body = SHAPES[shape] || SHAPES.circle;
    if (hollow) {
      return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 24 24"><g fill="#fff" stroke="' + c +
        '" stroke-width="2.6" stroke-linejoin="round">' + body + '</g><text x="12" y="16" text-anchor="middle" ' +
        'font-size="10.5" font-weight="700" font-family="sans-serif" fill="' + c + '">?</text></svg>';
    }
    return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 24 24"><g fill="' + c +
      '" stroke="#fff" stroke-width="2" stroke-linejoin="round">' + body + "</g></svg>";
  }
  function swatch(shape, fill, size, hollow) {
    const s = el("span", "gm-swatch");
    s.innerHTML = shapeSvg(shape, fill, size || 16, hollow); // our constants only, no data
    return s;
  }
  /* A legend sample of a claim line: its colour and dash pattern. */
  function lineSample(c, d) {
    const s = el("span", "gm-line-sample");
    const pattern = dash(d);
    s.innerHTML = '<svg width="30" height="10" viewBox="0 0 30 10"><line x1="2" y1="5" x2="28" y2="5" stroke="' + color(c) +
      '" stroke-width="3" stroke-linecap="round"' + (pattern ? ' stroke-dasharray="' + pattern + '"' : "") + "/></svg>";
    return s;
  }
  function fmtCoord(lat, lon) {
    return Math.abs(lat).toFixed(4) + "\u00b0 " + (lat >= 0 ? "N" : "S") + ", " +
      Math.abs(lon).toFixed(4) + "\u00b0 " + (lon >= 0 ? "E" : "W");
  }
  /* Article text for the panel: runs of blank lines shown as one. */
  function prose(s) { return document.createTextNode(s.replace(/\n\s*\n\s*/g, "\n\n")); }
  function fmtKm(km) { return km < 10 ? km.toFixed(2).replace(/\.?0+$/, "") + " km" : Math.round(km).toLocaleString("en") + " km"; }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }
  /* A name folded for search: lower case, without accents. */
  function fold(s) { return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }

  /* Great-circle points between two [lat, lon] (for the measure tool). */
  function greatCircle(a, b, n) {
    const r = Math.PI / 180;
    const p1 = [a[0] * r, a[1] * r], p2 = [b[0] * r, b[1] * r];
    const d = 2 * Math.asin(Math.sqrt(Math.sin((p2[0] - p1[0]) / 2) ** 2 +
      Math.cos(p1[0]) * Math.cos(p2[0]) * Math.sin((p2[1] - p1[1]) / 2) ** 2));
    if (d < 1e-9) return [a, b];
    const out = [];
    for (let i = 0; i <= n; i++) {
      const f = i / n, A = Math.sin((1 - f) * d) / Math.sin(d), B = Math.sin(f * d) / Math.sin(d);
      const x = A * Math.cos(p1[0]) * Math.cos(p1[1]) + B * Math.cos(p2[0]) * Math.cos(p2[1]);
      const y = A * Math.cos(p1[0]) * Math.sin(p1[1]) + B * Math.cos(p2[0]) * Math.sin(p2[1]);
      const z = A * Math.sin(p1[0]) + B * Math.sin(p2[0]);
      out.push([Math.atan2(z, Math.sqrt(x * x + y * y)) / r, Math.atan2(y, x) / r]);
    }
    return out;
  }

  /* ================================ basemap ================================ */

  /* How each kind of name is set: font (also used to measure it), capitals, anchor. */
  const LABEL_STYLES = {
    country: { font: "600 12px system-ui, sans-serif", upper: true, spacing: 1.2, below: 9 },
    region: { font: "italic 600 11px system-ui, sans-serif", upper: true, spacing: 1 },
    water: { font: "italic 12.5px Georgia, serif" },
    river: { font: "italic 11px Georgia, serif" },
    admin1: { font: "500 10.5px system-ui, sans-serif", upper: true, spacing: 0.8 },
    district: { font: "10.5px system-ui, sans-serif" },
    capital: { font: "700 12.5px system-ui, sans-serif", dot: true },
    city: { font: "12px system-ui, sans-serif", dot: true },
    airport: { font: "11px system-ui, sans-serif", dot: true },
  };
  /* Names drawn at most at once, and the margin kept around each. */
  const MAX_LABELS = 220;
  const LABEL_GAP = 4;

  /*
   * The basemap's names: on every move, the names of the current zoom are placed in the
   * payload's order (most important first), each skipped if it would overlap one placed.
   */
  const LabelLayer = L.Layer.extend({
    initialize(labels) {
      this.labels = labels || [];
      this.drawn = [];
      this._widths = new Map();
    },
    onAdd(map) {
      this._el = L.DomUtil.create("div", "gm-labels", map.getPane("gm-labels"));
      map.on("moveend viewreset resize", this.draw, this);
      map.on("zoomstart", this._hide, this);
      this.draw();
    },
    onRemove(map) {
      map.off("moveend viewreset resize", this.draw, this);
      map.off("zoomstart", this._hide, this);
      L.DomUtil.remove(this._el);
      this.drawn = [];
    },
    _hide() { if (this._el) this._el.style.visibility = "hidden"; },
    _width(text, style) {
      const key = style.font + "\u0000" + text;
      let w = this._widths.get(key);
      if (w === undefined) {
        if (!this._ctx) this._ctx = document.createElement("canvas").getContext("2d");
        this._ctx.font = style.font;
        w = this._ctx.measureText(text).width + (style.spacing || 0) * text.length;
        this._widths.set(key, w);
      }
      return w;
    },
    _point(map, lb, size) {
      for (const shift of [0, 360, -360]) {
        const p = map.latLngToContainerPoint([lb.lat, lb.lon + shift]);
        if (p.x > -60 && p.y > -30 && p.x < size.x + 60 && p.y < size.y + 30) return p;
      }
      return null;
    },
    /* Place the names of this view. With `all`, every name at once, overlaps and zoom aside. */
    draw(all) {
      const map = this._map;
      if (!map) return;
      all = all === true;
      const z = map.getZoom(), size = map.getSize();
      const boxes = [];
      const frag = document.createDocumentFragment();
      this.drawn = [];
      this.labels.forEach((lb, i) => {
        if (this.drawn.length >= MAX_LABELS && !all) return;
        if (!all && (z < lb.minZoom || z > lb.maxZoom)) return;
        const p = all ? map.latLngToContainerPoint([lb.lat, lb.lon]) : this._point(map, lb, size);
        if (!p) return;
        const style = LABEL_STYLES[lb.style] || LABEL_STYLES.city;
        const w = this._width(style.upper ? lb.name.toUpperCase() : lb.name, style);
        const h = parseFloat(/(\d+(\.\d+)?)px/.exec(style.font)[1]) + 3;
        const top = style.below ? p.y + style.below : p.y - h / 2;
        const box = style.dot ? [p.x - 4, top, p.x + 7 + w, top + h] : [p.x - w / 2, top, p.x + w / 2, top + h];
        if (!all && boxes.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) return;
        boxes.push([box[0] - LABEL_GAP, box[1] - LABEL_GAP, box[2] + LABEL_GAP, box[3] + LABEL_GAP]);
        const e = el("div", "gm-label gm-label-" + (LABEL_STYLES[lb.style] ? lb.style : "city") + (style.dot ? " gm-label-dot" : ""));
        e.dataset.label = String(i);
        const t = el("span", null, lb.name);
        t.style.font = style.font;
        if (style.spacing) t.style.letterSpacing = style.spacing + "px";
        e.appendChild(t);
        L.DomUtil.setPosition(e, map.containerPointToLayerPoint(p));
        frag.appendChild(e);
        this.drawn.push(lb);
      });
      this._el.replaceChildren(frag);
      this._el.style.visibility = "";
    },
  });

  /*
   * The offline basemap (graticule, country outlines, names) as one base layer, and the
   * tile layer when the page asked for one. Returns {bases, offline, labels}.
   */
  function buildBasemap(map, data) {
    map.createPane("gm-basemap").style.zIndex = 150;
    const labelPane = map.createPane("gm-labels");
    labelPane.style.zIndex = 390; // over the outlines, under claims and markers
    labelPane.style.pointerEvents = "none";
    const offline = L.layerGroup();
    const grat = [];
    for (let lat = -80; lat <= 80; lat += 10) grat.push([[lat, -180], [lat, 180]]);
    for (let lon = -180; lon <= 180; lon += 10) grat.push([[-85, lon], [85, lon]]);
    L.polyline(grat, { pane: "gm-basemap", color: "#a8c5d8", weight: 0.6, interactive: false }).addTo(offline);
    if (data.basemap && data.basemap.length) {
      L.geoJSON(data.basemap, {
        pane: "gm-basemap",
        interactive: false,
        style: { color: "#b3aa96", weight: 0.8, fillColor: "#f4f0e6", fillOpacity: 1 },
      }).addTo(offline);
    }
    if (data.water && data.water.length) {
      L.geoJSON(data.water.map((w) => w.geometry), {
        pane: "gm-basemap",
        interactive: false,
        style: (f) => /Line/.test(f.type || (f.geometry && f.geometry.type) || "")
          ? { color: "#7fb0d6", weight: 1.6, fill: false }
          : { color: "#8fb8d8", weight: 0.6, fillColor: "#d4e6f1", fillOpacity: 1 },
      }).addTo(offline);
    }
    const labels = new LabelLayer(data.labels);
    labels.addTo(offline);
    const bases = { "Offline basemap": offline };
    let base = offline;
    const t = data.tiles;
    if (t && safeUrl(t.url)) {
      base = L.tileLayer(t.url, { attribution: t.attribution, maxZoom: t.maxZoom || 19 });
      bases[esc(t.name)] = base;
    }
    base.addTo(map);
    return { bases, offline, labels };
  }

  /* ================================ article map ================================ */

  class GeoMap {
    constructor(map, data) {
      this.map = map;
      this.data = data;
      this.places = data.places;
      this.docs = data.docs;
      this.verdicts = Object.fromEntries(data.verdicts.map((v) => [v.key, v]));
      this.enabled = this.docs.map(() => true);
      this.current = -1;
      this.mentionEls = [];
      this.sentenceEls = [];
      this.cardEls = [];
      this.claimViews = [];
      this.claimLines = [];
      this.active = null;
      // The view is set before any outline is drawn: Leaflet projects every vector layer
      // again when the view changes, and the country outlines hold 150,000 points.
      this.buildMarkers();
      this.fit(false);
      const basemap = buildBasemap(map, data);
      this.bases = basemap.bases;
      this.labelLayer = basemap.labels;
      this.buildRegions();
      this.buildLocations();
      this.buildClaims();
      this.buildPanel();
      this.buildControls();
      this.cluster.addTo(this.map); // after fitting, so no cluster animates from a first view
      this.map.on("zoomend overlayadd", () => this.updateLabels());
      this.map.on("click", () => { if (!this.measure) this.selectClaim(null); });
      this.updateLabels();
      if (this.docs.length) this.showDoc(0);
    }

    /* ---------- layers ---------- */
    buildRegions() {
      this.regions = L.featureGroup();
      for (const c of this.data.countries) {
        const layer = L.geoJSON(c.geometry, {
          style: { color: "#7b3294", weight: 2, dashArray: "7 5", fillColor: "#7b3294", fillOpacity: 0.04 },
          className: "gm-country",
        });
        layer.bindTooltip(() => el("span", null, c.name), { sticky: true });
        layer.addTo(this.regions);
      }
      for (const x of this.data.extents) {
        const p = this.places[x.place];
        const layer = L.geoJSON(x.geometry, {
          style: { color: color(p.color), weight: 1.5, dashArray: "3 4", fillColor: color(p.color), fillOpacity: 0.07 },
        });
        layer.bindTooltip(() => el("span", null, p.name + " (approximate extent)"), { sticky: true });
        layer.addTo(this.regions);
      }
      this.regions.addTo(this.map);
    }

    buildMarkers() {
      this.cluster = L.markerClusterGroup({
        maxClusterRadius: 40,
        spiderfyOnMaxZoom: true,
        showCoverageOnHover: false,
        chunkedLoading: true,
      });
      this.markers = this.places.map((p, i) => {
        const size = p.kind === "country" ? 26 : 22;
        const icon = L.divIcon({
          className: "gm-marker" + (p.low ? " gm-low" : ""),
          html: shapeSvg(p.shape, p.color, size, p.low),
          iconSize: [size, size],
          iconAnchor: [size / 2, size / 2],
          popupAnchor: [0, -size / 2],
          tooltipAnchor: [size / 2, 0],
        });
        const m = L.marker([p.lat, p.lon], { icon: icon, riseOnHover: true, keyboard: true, alt: "" });
        m.gmPlace = i;
        m.bindPopup(() => this.popup(i), { maxWidth: 380, minWidth: 260, maxHeight: 340, className: "gm-popup-wrap" });
        m.bindTooltip(() => {
          const t = el("span");
          t.appendChild(el("b", null, p.name));
          t.appendChild(el("span", "gm-tip-kind", " \u00b7 " + p.kindLabel));
          if (p.low) t.appendChild(el("span", "gm-tip-low", " \u00b7 low confidence " + p.confidence.toFixed(2)));
          return t;
        }, { direction: "right" });
        m.on("add", () => { const e = m.getElement(); if (e) e.dataset.place = String(i); });
        return m;
      });
      this.cluster.addLayers(this.markers);
    }

    /*
     * Things the gazetteer lacks, placed by the article: an estimate (a target, with the
     * area each statement allows, overlapping where they agree, and the uncertainty ring)
     * or coordinates written in the text (a pin).
     */
    buildLocations() {
      this.locationsLayer = L.featureGroup();
      this.locationViews = [];
      this.docs.forEach((doc, d) => doc.locations.forEach((loc, li) => {
        const style = this.data.locationStyles[loc.kind] || this.data.locationStyles.estimate;
        const col = color(style.color);
        const v = { d, li, loc, layers: [] };
        for (const rings of loc.areas) {
          const area = L.polygon(rings, {
            color: col, weight: 1, dashArray: "4 4", fillColor: col, fillOpacity: 0.07, className: "gm-location-statement",
          });
          area.bindTooltip(() => el("span", null, "Where one statement puts " + loc.subject), { sticky: true });
          area.addTo(this.locationsLayer);
          v.layers.push(area);
        }
        if (loc.ring) {
          const ring = L.polygon(loc.ring, {
            color: col, weight: 2, fill: false, className: "gm-location-area",
          });
          ring.bindTooltip(() => el("span", null, "The statements about " + loc.subject + " agree within " +
            fmtKm(loc.uncertaintyKm) + " of its point"), { sticky: true });
          ring.addTo(this.locationsLayer);
          v.layers.push(ring);
        }
        const icon = L.divIcon({
          className: "gm-marker gm-location gm-location-" + (this.data.locationStyles[loc.kind] ? loc.kind : "estimate") +
            (loc.vague ? " gm-low" : ""),
          html: shapeSvg(style.shape, style.color, 26, loc.vague),
          iconSize: [26, 26],
          iconAnchor: loc.kind === "coordinates" ? [13, 25] : [13, 13],
          popupAnchor: [0, -13],
          tooltipAnchor: [13, 0],
        });
        const m = L.marker([loc.lat, loc.lon], { icon, riseOnHover: true, keyboard: true, alt: "" });
        m.bindPopup(() => this.locationPopup(d, li), { maxWidth: 400, minWidth: 280, maxHeight: 380, className: "gm-popup-wrap" });
        m.bindTooltip(() => {
          const t = el("span");
          t.appendChild(el("b", null, loc.name));
          t.appendChild(el("span", "gm-tip-kind", " \u00b7 " + style.label));
          return t;
        }, { direction: "right" });
        m.on("add", () => { const e = m.getElement(); if (e) e.dataset.location = d + ":" + li; });
        m.addTo(this.locationsLayer);
        v.marker = m;
        this.locationViews.push(v);
      }));
      if (this.locationViews.length) this.locationsLayer.addTo(this.map);
    }

    locationView(d, li) { return this.locationViews.find((v) => v.d === d && v.li === li) || null; }

    focusLocation(d, li) {
      const v = this.locationView(d, li);
      if (!v) return;
      if (!this.map.hasLayer(this.locationsLayer)) this.locationsLayer.addTo(this.map);
      const b = L.featureGroup([v.marker, ...v.layers]).getBounds();
      this.map.flyToBounds(b, { padding: [40, 40], maxZoom: 13, duration: 0.7 });
      this.map.once("moveend", () => v.marker.openPopup());
    }

    locationPopup(d, li) {
      const doc = this.docs[d], loc = doc.locations[li];
      const style = this.data.locationStyles[loc.kind] || this.data.locationStyles.estimate;
      const root = el("div", "gm-popup gm-location-popup");
      root.style.setProperty("--c", color(style.color));
      const head = el("div", "gm-pop-head");
      head.appendChild(swatch(style.shape, style.color, 18));
      head.appendChild(el("strong", "gm-pop-name", loc.name));
      root.appendChild(head);
      root.appendChild(el("div", "gm-pop-kind", style.label));
      const facts = el("table", "gm-facts");
      const rows = [
        ["Coordinates", fmtCoord(loc.lat, loc.lon)],
        ["Uncertainty", loc.kind === "coordinates" ? "as written" : "within " + fmtKm(loc.uncertaintyKm) +
          (loc.vague ? ": too vague to place (a direction without a distance?)" : "")],
        ["Article", doc.title],
      ];
      for (const [k, val] of rows) {
        const tr = el("tr");
        tr.appendChild(el("th", null, k));
        tr.appendChild(el("td", null, val));
        facts.appendChild(tr);
      }
      root.appendChild(facts);
      if (loc.contradiction) root.appendChild(el("div", "gm-contradiction", "\u26a0 " + loc.contradiction));
      const [ss, se] = doc.sentences[loc.sentence] || [loc.start, loc.end];
      const quote = el("blockquote", "gm-pop-quote");
      if (loc.start >= ss && loc.end <= se) {
        quote.appendChild(document.createTextNode(doc.text.slice(ss, loc.start)));
        quote.appendChild(el("mark", null, doc.text.slice(loc.start, loc.end)));
        quote.appendChild(document.createTextNode(doc.text.slice(loc.end, se)));
      } else {
        quote.textContent = doc.text.slice(ss, se);
      }
      root.appendChild(quote);
      if (loc.claims.length) {
        root.appendChild(el("div", "gm-pop-subhead", loc.claims.length === 1 ? "The statement" : "The statements"));
        const ul = el("ul", "gm-pop-statements");
        for (const ci of loc.claims) {
          const c = doc.claims[ci];
          if (!c) continue;
          const item = el("li");
          item.appendChild(el("q", null, c.quote));
          if (c.explanation) item.appendChild(el("div", "gm-claim-expl", c.explanation));
          ul.appendChild(item);
        }
        root.appendChild(ul);
      }
      const show = el("button", "gm-show", "show in article \u2192");
      show.type = "button";
      show.addEventListener("click", (ev) => { ev.preventDefault(); this.showSpan(d, this.locationEls[li]); });
      root.appendChild(show);
      const sug = el("div", "gm-suggest");
      sug.appendChild(el("div", "gm-pop-subhead", "Suggest as gazetteer row"));
      const pre = el("pre", "gm-suggest-row", loc.suggestion);
      pre.title = "Review it, then add it with: geomap gazetteer add (or paste it into your CSV)";
      sug.appendChild(pre);
      const copy = el("button", "gm-copy", "copy");
      copy.type = "button";
      copy.addEventListener("click", (ev) => {
        ev.preventDefault();
        const done = () => { copy.textContent = "copied"; };
        const select = () => {
          const r = document.createRange();
          r.selectNodeContents(pre);
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(r);
          copy.textContent = "selected: press Ctrl+C";
        };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(loc.suggestion).then(done, select);
        else select();
      });
      sug.appendChild(copy);
      root.appendChild(sug);
      return root;
    }

    /* Claim overlays: at once for a few articles; for many, in slices after the markers show. */
    buildClaims() {
      this.claimsLayer = L.featureGroup().addTo(this.map);
      this.claimEnds = L.featureGroup().addTo(this.map);
      this.claimGroups = this.docs.map(() => L.featureGroup());
      const total = this.docs.reduce((n, doc) => n + doc.claims.length, 0);
      if (total <= 200) {
        this.docs.forEach((doc, d) => this.buildDocClaims(d));
        return;
      }
      let d = 0;
      const slice = () => {
        const until = performance.now() + 25;
        while (d < this.docs.length && performance.now() < until) this.buildDocClaims(d++);
        if (d < this.docs.length) setTimeout(slice, 0); else this.updateLabels();
      };
      setTimeout(slice, 0);
    }

    verdictOf(c) { return this.verdicts[c.verdict] || this.verdicts.unverifiable; }

    buildDocClaims(d) {
      const g = this.claimGroups[d];
      const views = this.docs[d].claims.map((c, ci) => ({ d, ci, c, area: null, casing: null, line: null, fits: [] }));
      // Long lines first, so that a short one ending at the same place is drawn over them.
      const length = (v) => v.c.line ? this.map.distance(v.c.line[0], v.c.line[v.c.line.length - 1]) : 0;
      const order = views.slice().sort((a, b) => length(b) - length(a));
      for (const v of order) {
        const c = v.c, verdict = this.verdictOf(c), col = color(verdict.color);
        if (c.area) {
          v.area = L.polygon(c.area, {
            color: col, weight: 1.5, dashArray: "6 5", fillColor: col, fillOpacity: 0.08, className: "gm-claim-area",
          });
          v.area.bindTooltip(() => el("span", null, "Where the text puts " + c.subjectName + ": " + c.stated +
            (c.accepted ? " (" + c.accepted + ")" : "")), { sticky: true });
          v.area.on("click", (ev) => { L.DomEvent.stop(ev); this.selectClaim(v); });
          v.area.addTo(g);
        }
        for (const f of c.fits) {
          const ring = L.circleMarker([f.lat, f.lon], {
            radius: 10, color: col, weight: 2.5, dashArray: "4 3", fill: true, fillOpacity: 0.1, className: "gm-fit-place",
          });
          ring.bindTooltip(() => el("span", null, "Fits \u201c" + c.stated + "\u201d: " + f.name + (f.note ? " (" + f.note + ")" : "")));
          ring.addTo(g);
          v.fits.push(ring);
        }
      }
      for (const v of order) {
        const c = v.c, verdict = this.verdictOf(c), col = color(verdict.color);
        if (!c.line) continue;
        v.casing = L.polyline(c.line, { color: "#ffffff", weight: 7, opacity: 0.8, interactive: false, className: "gm-claim-casing" });
        v.casing.addTo(g);
        v.line = L.polyline(c.line, {
          color: col, weight: 3.5, opacity: 0.95, dashArray: dash(verdict.dash), lineCap: "round",
          className: "gm-claim-line gm-verdict-" + (this.verdicts[c.verdict] ? c.verdict : "unverifiable"),
        });
        const label = el("span", null, verdict.symbol + " " + c.label);
        label.style.setProperty("--c", col);
        // Above the line's middle, so that on a short line it hides neither end's marker.
        v.line.bindTooltip(label, { permanent: true, direction: "top", offset: [0, -14], className: "gm-claim-tip", opacity: 1 });
        v.line.on("tooltipopen", (ev) => ev.tooltip.getElement().style.setProperty("--c", col));
        v.line.on("mouseover", () => this.hoverClaim(v, true));
        v.line.on("mouseout", () => this.hoverClaim(v, false));
        v.line.on("click", (ev) => { L.DomEvent.stop(ev); this.selectClaim(v, { scroll: true }); });
        v.line.addTo(g);
        this.claimLines.push(v.line);
      }
      this.claimViews.push(...views);
      if (this.enabled[d]) this.claimsLayer.addLayer(g);
    }

    claimView(d, ci) { return this.claimViews.find((v) => v.d === d && v.ci === ci) || null; }
    cardOf(v) { return v && v.d === this.current ? this.cardEls[v.ci] : null; }
    sentenceOf(v) { return v && v.d === this.current ? this.sentenceEls[v.c.sentence] : null; }

    /* Hovering a line or a card lights up the other, and the sentence in the article. */
    hoverClaim(v, on) {
      const card = this.cardOf(v), sentence = this.sentenceOf(v);
      if (card) card.classList.toggle("gm-hover", on);
      if (sentence) sentence.classList.toggle("gm-hover", on);
      if (v.line && v !== this.active) v.line.setStyle({ weight: on ? 5.5 : 3.5 });
    }

    /*
     * Make one claim the active one (null: none): its line, band and places stand out, its
     * card and sentence are marked. `fly` brings it into view; `scroll` scrolls the panel
     * to its sentence.
     */
    selectClaim(v, opts) {
      opts = opts || {};
      const old = this.active;
      if (old) {
        if (old.line) old.line.setStyle({ weight: 3.5 });
        if (old.area) old.area.setStyle({ fillOpacity: 0.08, weight: 1.5, dashArray: "6 5" });
        for (const f of old.fits) f.setStyle({ weight: 2.5 });
        const card = this.cardOf(old), sentence = this.sentenceOf(old);
        if (card) { card.classList.remove("gm-active"); card.setAttribute("aria-pressed", "false"); }
        if (sentence) sentence.classList.remove("gm-claim-sentence");
        this.claimEnds.clearLayers();
        this.active = null;
        this.updateLabels();
      }
      if (!v || (opts.toggle && v === old)) return;
      this.active = v;
      this.updateLabels();
      if (this.current !== v.d) this.showDoc(v.d);
      const col = color(this.verdictOf(v.c).color);
      if (v.area) { v.area.setStyle({ fillOpacity: 0.2, weight: 2.5, dashArray: null }); v.area.bringToFront(); }
      for (const f of v.fits) f.setStyle({ weight: 4 });
      if (v.casing) v.casing.bringToFront();
      if (v.line) { v.line.setStyle({ weight: 6 }); v.line.bringToFront(); }
      for (const at of v.c.ends) {
        L.circleMarker(at, {
          radius: 17, color: col, weight: 3, fill: false, interactive: false, className: "gm-claim-end",
        }).addTo(this.claimEnds);
      }
      const card = this.cardOf(v), sentence = this.sentenceOf(v);
      if (card) {
        card.classList.add("gm-active");
        card.setAttribute("aria-pressed", "true");
        card.scrollIntoView({ block: "nearest" });
      }
      if (sentence) {
        sentence.classList.add("gm-claim-sentence");
        if (opts.scroll) sentence.scrollIntoView({ block: "center", behavior: "smooth" });
      }
      if (opts.fly) {
        const layers = [v.line, v.area, ...v.fits].filter(Boolean);
        if (!layers.length && sentence) sentence.scrollIntoView({ block: "center", behavior: "smooth" });
        const b = layers.length ? L.featureGroup(layers).getBounds() : null;
        if (b && b.isValid()) this.map.flyToBounds(b, { padding: [40, 40], maxZoom: 15, duration: 0.7 });
      }
    }

    /* A claim's label shows when its line is long enough on screen not to hide markers, and
       always for the active claim. */
    updateLabels() {
      const active = this.active && this.active.line;
      for (const line of this.claimLines) {
        const t = line.getTooltip();
        const e = t && t.getElement();
        if (!e || !line._map) continue;
        const lls = line.getLatLngs();
        const px = this.map.latLngToLayerPoint(lls[0]).distanceTo(this.map.latLngToLayerPoint(lls[lls.length - 1]));
        e.style.display = px < 110 && line !== active ? "none" : "";
      }
    }

    /* Markers and claims follow the articles switched on in the layer control. */
    isShown(m) { return this.places[m.gmPlace].refs.some((r) => this.enabled[r.doc]); }

    applyEnabled() {
      const want = this.markers.filter((m) => this.isShown(m));
      this.cluster.clearLayers();
      this.cluster.addLayers(want);
      this.claimGroups.forEach((g, d) => {
        if (this.enabled[d]) this.claimsLayer.addLayer(g); else this.claimsLayer.removeLayer(g);
      });
    }

    /* ---------- popups ---------- */
    popup(i) {
      const p = this.places[i];
      const root = el("div", "gm-popup");
      root.style.setProperty("--c", color(p.color));
      const head = el("div", "gm-pop-head");
      head.appendChild(swatch(p.shape, p.color, 18, p.low));
      head.appendChild(el("strong", "gm-pop-name", p.name));
      root.appendChild(head);
      root.appendChild(el("div", "gm-pop-kind", p.kindLabel));
      const facts = el("table", "gm-facts");
      const conf = p.confidence === null ? "" : p.confidence.toFixed(2) +
        (p.low ? " \u2013 low: another place of this name may be meant" : "");
      const rows = [
        ["Country", p.countryName && p.country ? p.countryName + " (" + p.country + ")" : p.country],
        ["Region", p.admin1],
        ["Coordinates", fmtCoord(p.lat, p.lon)],
        ["Gazetteer", [p.source, p.id].filter(Boolean).join(" \u00b7 ")],
        ["Written there", p.gazetteerName],
        ["Confidence", conf],
      ];
      for (const [k, v] of rows) {
        if (!v) continue;
        const tr = el("tr", k === "Confidence" && p.low ? "gm-low-row" : null);
        tr.appendChild(el("th", null, k));
        tr.appendChild(el("td", null, v));
        facts.appendChild(tr);
      }
      root.appendChild(facts);
      for (const ref of p.refs) {
        const d = ref.doc, doc = this.docs[d];
        const dh = el("div", "gm-pop-doc");
        dh.appendChild(link(doc.url, doc.title));
        dh.appendChild(el("span", "gm-pop-conf", " \u00b7 " + plural(ref.mentions.length, "mention", "mentions") +
          (ref.confidence === null ? "" : ", confidence " + ref.confidence.toFixed(2))));
        root.appendChild(dh);
        const ol = el("ol", "gm-pop-sentences");
        const bySentence = new Map();
        for (const mi of ref.mentions) {
          const s = doc.mentions[mi].sentence;
          if (!bySentence.has(s)) bySentence.set(s, []);
          bySentence.get(s).push(mi);
        }
        for (const [s, mis] of bySentence) {
          const li = el("li");
          li.dataset.sentence = String(s);
          const first = doc.mentions[mis[0]];
          const [ss, se] = doc.sentences[s] || [first.start, first.end];
          let pos = ss;
          for (const mi of mis) {
            const m = doc.mentions[mi];
            if (m.start < pos || m.end > se) continue;
            li.appendChild(document.createTextNode(doc.text.slice(pos, m.start)));
            li.appendChild(el("mark", null, doc.text.slice(m.start, m.end)));
            pos = m.end;
          }
          li.appendChild(document.createTextNode(doc.text.slice(pos, se)));
          const show = el("button", "gm-show", "show in article \u2192");
          show.type = "button";
          show.addEventListener("click", (ev) => { ev.preventDefault(); this.showMention(d, mis[0]); });
          li.appendChild(show);
          ol.appendChild(li);
        }
        root.appendChild(ol);
      }
      return root;
    }

    /* ---------- article panel ---------- */
    buildPanel() {
      const panel = document.getElementById("gm-panel");
      this.panel = panel;
      const head = el("header", "gm-panel-head");
      head.appendChild(el("div", "gm-brand", "geomap \u00b7 places in the article"));
      if (this.docs.length > 1) {
        const sel = el("select", "gm-doc-select");
        sel.setAttribute("aria-label", "Article");
        this.docs.forEach((doc, d) => {
          const o = el("option", null, (d + 1) + ". " + doc.title);
          o.value = String(d);
          sel.appendChild(o);
        });
        sel.addEventListener("change", () => this.showDoc(Number(sel.value)));
        head.appendChild(sel);
        this.select = sel;
      }
      this.titleEl = el("h1", "gm-title");
      this.metaEl = el("div", "gm-meta");
      head.appendChild(this.titleEl);
      head.appendChild(this.metaEl);
      this.claimsEl = el("section", "gm-section gm-claims");
      this.textEl = el("article", "gm-text");
      panel.appendChild(head);
      panel.appendChild(this.claimsEl);
      panel.appendChild(this.textEl);
    }

    claimCard(d, c, ci) {
      const verdict = this.verdictOf(c);
      const b = el("button", "gm-claim gm-verdict-" + (this.verdicts[c.verdict] ? c.verdict : "unverifiable"));
      b.type = "button";
      b.setAttribute("aria-pressed", "false");
      b.style.setProperty("--c", color(verdict.color));
      b.appendChild(el("div", "gm-claim-quote", "\u201c" + c.quote + "\u201d"));
      const lab = el("div", "gm-claim-label");
      lab.appendChild(el("span", "gm-claim-verdict", verdict.symbol + " " + c.verdictLabel));
      lab.appendChild(document.createTextNode(c.label));
      b.appendChild(lab);
      if (c.explanation) b.appendChild(el("div", "gm-claim-expl", c.explanation));
      b.addEventListener("click", () => {
        const v = this.claimView(d, ci);
        if (v) this.selectClaim(v, { fly: true, toggle: true });
      });
      b.addEventListener("mouseenter", () => { const v = this.claimView(d, ci); if (v) this.hoverClaim(v, true); });
      b.addEventListener("mouseleave", () => { const v = this.claimView(d, ci); if (v) this.hoverClaim(v, false); });
      return b;
    }

    mentionSpan(d, m, mi) {
      const doc = this.docs[d];
      const span = el("span", null, doc.text.slice(m.start, m.end));
      span.dataset.mention = String(mi);
      const low = m.confidence !== null && m.confidence < this.data.lowConfidence;
      if (m.place !== null) {
        const p = this.places[m.place];
        span.style.setProperty("--c", color(p.color));
        const part = m.part ? " \u00b7 its " + (m.part === "central" ? "centre" : m.part) : "";
        const inside = m.kind === "modifier" ? " \u00b7 inside another name, not a place here" : "";
        span.title = p.name + " \u00b7 " + p.kindLabel + part + inside + (m.confidence === null ? "" : " \u00b7 confidence " +
          m.confidence.toFixed(2) + (low ? " (low)" : ""));
        span.className = (m.kind === "place" ? "gm-mention" : "gm-" + (m.kind === "modifier" ? "modifier" : "demonym") + " gm-linked") +
          (low && m.kind === "place" ? " gm-low" : "");
        span.tabIndex = 0;
        span.setAttribute("role", "button");
        span.dataset.place = String(m.place);
        const go = () => this.focusPlace(m.place, d);
        span.addEventListener("click", go);
        span.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); } });
      } else if (m.kind !== "place") {
        span.className = m.kind === "modifier" ? "gm-modifier" : "gm-demonym";
        span.title = m.kind === "modifier" ? "a place's name inside another name" : "demonym";
      } else {
        span.className = "gm-unresolved";
        span.title = "not found in the gazetteer";
      }
      this.mentionEls[mi] = span;
      return span;
    }

    locationSpan(d, li) {
      const doc = this.docs[d], loc = doc.locations[li];
      const style = this.data.locationStyles[loc.kind] || this.data.locationStyles.estimate;
      const span = el("span", "gm-located", doc.text.slice(loc.start, loc.end));
      span.style.setProperty("--c", color(style.color));
      span.title = loc.name + " \u00b7 " + style.label;
      span.tabIndex = 0;
      span.setAttribute("role", "button");
      span.dataset.location = String(li);
      const go = () => this.focusLocation(d, li);
      span.addEventListener("click", go);
      span.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); } });
      this.locationEls[li] = span;
      return span;
    }

    /* Scroll the panel to a span and flash it. */
    showSpan(d, span) {
      this.showDoc(d);
      if (!span) return;
      span.scrollIntoView({ block: "center", behavior: "smooth" });
      span.classList.remove("gm-flash");
      void span.offsetWidth; // restart the animation
      span.classList.add("gm-flash");
      clearTimeout(span.gmFlashTimer);
      span.gmFlashTimer = setTimeout(() => span.classList.remove("gm-flash"), 2000);
    }

    /* The article text: one span per sentence, holding the spans of its mentions. */
    articleText(d) {
      const doc = this.docs[d], text = doc.text;
      // Mentions, and the spans naming things the article locates (where both cover the
      // same words, the mention's span is kept).
      const spans = doc.mentions.map((m, mi) => ({ start: m.start, end: m.end, mi }))
        .concat(doc.locations.map((loc, li) => ({ start: loc.start, end: loc.end, li })))
        .sort((a, b) => a.start - b.start || (a.mi === undefined) - (b.mi === undefined));
      const frag = document.createDocumentFragment();
      let cursor = 0, next = 0;
      const emit = (parent, to) => {
        while (next < spans.length && spans[next].start < to) {
          const x = spans[next];
          if (x.start >= cursor) { // overlapping spans: keep the first
            parent.appendChild(prose(text.slice(cursor, x.start)));
            parent.appendChild(x.mi !== undefined ? this.mentionSpan(d, doc.mentions[x.mi], x.mi) : this.locationSpan(d, x.li));
            cursor = x.end;
          }
          next++;
        }
        if (to > cursor) { parent.appendChild(prose(text.slice(cursor, to))); cursor = to; }
      };
      doc.sentences.forEach(([start, end], si) => {
        if (end <= cursor) return;
        emit(frag, start);
        const span = el("span", "gm-sentence");
        span.dataset.sentence = String(si);
        emit(span, end); // a mention running past the end takes the sentence with it
        frag.appendChild(span);
        this.sentenceEls[si] = span;
      });
      emit(frag, text.length);
      return frag;
    }

    showDoc(d) {
      if (d === this.current) return;
      if (this.active && this.active.d !== d) this.selectClaim(null);
      this.current = d;
      if (this.select) this.select.value = String(d);
      const doc = this.docs[d];
      const title = link(doc.url, doc.title);
      if (doc.fullTitle) this.titleEl.title = doc.fullTitle; else this.titleEl.removeAttribute("title");
      this.titleEl.replaceChildren(title);
      const named = doc.mentions.filter((m) => m.kind === "place");
      const placeCount = new Set(named.filter((m) => m.place !== null).map((m) => m.place)).size;
      this.metaEl.textContent = plural(placeCount, "place", "places") + " \u00b7 " + plural(named.length, "mention", "mentions") +
        (doc.claims.length ? " \u00b7 " + plural(doc.claims.length, "distance claim", "distance claims") : "") +
        (doc.locations.length ? " \u00b7 " + plural(doc.locations.length, "estimated place", "estimated places") : "");

      this.claimsEl.replaceChildren();
      this.cardEls = [];
      if (doc.claims.length) {
        this.claimsEl.appendChild(el("h2", null, "Distance claims"));
        doc.claims.forEach((c, ci) => {
          const card = this.claimCard(d, c, ci);
          this.cardEls[ci] = card;
          this.claimsEl.appendChild(card);
        });
      }
      this.mentionEls = [];
      this.locationEls = [];
      this.sentenceEls = [];
      this.textEl.replaceChildren(this.articleText(d));
      this.panel.scrollTop = 0;
    }

    showMention(d, mi) {
      this.showDoc(d);
      this.showSpan(d, this.mentionEls[mi]);
    }

    focusPlace(i, d) {
      const p = this.places[i];
      const m = this.markers[i];
      if (!this.cluster.hasLayer(m)) {
        if (d !== undefined && !this.enabled[d]) this.setEnabled(d, true);
        if (!this.cluster.hasLayer(m)) this.cluster.addLayer(m);
      }
      const open = () => {
        // zoomToShowLayer misjudges a marker while the clusters are still re-forming
        // after a zoom (it pans to where the map already is and never calls back).
        if (this.cluster._inZoomAnimation) { this.cluster.once("animationend", open); return; }
        this.cluster.zoomToShowLayer(m, () => m.openPopup());
      };
      const ll = m.getLatLng();
      const zoom = this.map.getZoom();
      if (this.map.getBounds().pad(-0.1).contains(ll) && zoom >= p.zoom - 2) {
        open();
      } else {
        const target = Math.max(zoom, p.zoom);
        if (L.Browser.any3d) {
          // Listen only once the flight has begun: flyTo first stops any running pan
          // (a popup's autopan, say), which fires a moveend of its own.
          this.map.flyTo(ll, target, { duration: 0.7 });
          this.map.once("moveend", open);
        } else {
          this.map.setView(ll, target);
          open();
        }
      }
    }

    /* Kept for callers of the earlier page: the card's action. */
    showClaim(d, ci) {
      const v = this.claimView(d, ci);
      if (v) this.selectClaim(v, { fly: true });
    }

    /* ---------- controls ---------- */
    setEnabled(d, on) {
      this.enabled[d] = on;
      const t = this.docToggles && this.docToggles[d];
      if (t && on !== this.map.hasLayer(t)) {
        this.syncing = true;
        if (on) this.map.addLayer(t); else this.map.removeLayer(t);
        this.syncing = false;
      }
      this.applyEnabled();
    }

    /* Fit the view to the confident places shown (all shown, when none is) and their claims. */
    fit(animate) {
      const shown = this.markers.filter((m) => this.isShown(m));
      let sure = shown.filter((m) => this.places[m.gmPlace].fit).map((m) => m.getLatLng());
      if (!sure.length) sure = shown.map((m) => m.getLatLng());
      const located = this.docs.flatMap((doc, d) => this.enabled[d] ? doc.locations : []);
      const placed = located.filter((loc) => !loc.vague).map((loc) => [loc.lat, loc.lon]);
      if (!sure.length && !located.length) { this.map.setView([20, 0], 2); return; }
      if (!sure.length && !placed.length) sure = located.map((loc) => [loc.lat, loc.lon]);
      const b = L.latLngBounds(sure.concat(placed));
      const confident = (pi) => pi === null || this.places[pi].fit;
      const claimsOn = !this.claimsLayer || this.map.hasLayer(this.claimsLayer);
      this.docs.forEach((doc, d) => {
        if (!this.enabled[d] || !claimsOn) return;
        for (const c of doc.claims) {
          if (!confident(c.referencePlace) || !confident(c.subjectPlace)) continue;
          if (c.line) b.extend(L.latLngBounds(c.line));
          if (c.area) for (const ring of c.area) b.extend(L.latLngBounds(ring));
        }
      });
      this.map.fitBounds(b, { padding: [36, 36], maxZoom: 9, animate: animate });
    }

    buildControls() {
      const map = this.map;
      const overlays = { "Places": this.cluster, "Distance claims": this.claimsLayer, "Countries &amp; regions": this.regions };
      if (this.locationViews.length) overlays["Estimated places"] = this.locationsLayer;
      this.docToggles = null;
      if (this.docs.length > 1 && this.docs.length <= 15) {
        this.docToggles = this.docs.map((doc, d) => {
          const t = L.layerGroup().addTo(map);
          overlays["Article " + (d + 1) + ": " + esc(doc.title.length > 60 ? doc.title.slice(0, 59) + "\u2026" : doc.title)] = t;
          t.gmDoc = d;
          return t;
        });
        const onToggle = (on) => (ev) => {
          if (this.syncing || ev.layer.gmDoc === undefined) return;
          this.enabled[ev.layer.gmDoc] = on;
          this.applyEnabled();
        };
        map.on("overlayadd", onToggle(true));
        map.on("overlayremove", onToggle(false));
      }
      map.on("overlayremove", (ev) => { if (ev.layer === this.claimsLayer) { this.selectClaim(null); } });
      L.control.layers(this.bases, overlays, { position: "topright", collapsed: true }).addTo(map);
      L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);

      const self = this;
      const Buttons = L.Control.extend({
        options: { position: "topleft" },
        onAdd() {
          const bar = L.DomUtil.create("div", "leaflet-bar gm-tools");
          const mk = (name, title, fn) => {
            const b = L.DomUtil.create("a", "gm-btn gm-" + name, bar);
            b.href = "#";
            b.title = title;
            b.setAttribute("role", "button");
            b.setAttribute("aria-label", title);
            b.innerHTML = ICONS[name]; // our constants only
            L.DomEvent.on(b, "click", (ev) => { L.DomEvent.stop(ev); fn(b); });
            return b;
          };
          mk("fullscreen", "Full screen", () => self.toggleFullscreen());
          mk("fit", "Fit to the places", () => self.fit(true));
          self.measureBtn = mk("measure", "Measure a distance (click points, Esc to clear)", (b) => self.toggleMeasure(b));
          L.DomEvent.disableClickPropagation(bar);
          return bar;
        },
      });
      new Buttons().addTo(map);
      document.addEventListener("fullscreenchange", () => map.invalidateSize());

      const Legend = L.Control.extend({
        options: { position: "bottomleft" },
        onAdd: () => this.legend(),
      });
      new Legend().addTo(map);
    }

    legend() {
      const box = L.DomUtil.create("div", "gm-legend");
      const g1 = el("div", "gm-group");
      g1.appendChild(el("h3", null, "Places"));
      const row = (parent, sample, text) => {
        const r = el("div", "gm-row");
        r.appendChild(sample);
        r.appendChild(el("span", null, text));
        parent.appendChild(r);
        return r;
      };
      for (const k of this.data.kinds) row(g1, swatch(k.shape, k.color, 16), k.label);
      if (this.places.some((p) => p.low)) {
        row(g1, swatch("circle", "#555555", 16, true), "low confidence (below " + this.data.lowConfidence.toFixed(2) + ")");
      }
      box.appendChild(g1);
      const locs = this.docs.flatMap((doc) => doc.locations);
      for (const [kind, style] of Object.entries(this.data.locationStyles)) {
        if (locs.some((loc) => loc.kind === kind)) row(g1, swatch(style.shape, style.color, 16), style.label);
      }
      if (this.docs.some((doc) => doc.claims.length)) {
        const g2 = el("div", "gm-group");
        g2.appendChild(el("h3", null, "Distance claims"));
        const located = this.docs.some((doc) => doc.claims.some((c) => c.status === "located"));
        for (const v of this.data.verdicts) {
          if (v.key === "located" && !located) continue;
          row(g2, lineSample(v.color, v.dash), v.symbol + " " + v.label);
        }
        const area = el("span", "gm-area-sample");
        row(g2, area, "where the checker accepts the place");
        if (this.docs.some((doc) => doc.claims.some((c) => c.fits.length))) {
          const ring = el("span", "gm-ring");
          ring.style.setProperty("--c", "#555555");
          row(g2, ring, "place that fits the claim");
        }
        box.appendChild(g2);
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }

    toggleFullscreen() {
      const c = this.map.getContainer();
      if (document.fullscreenElement) document.exitFullscreen();
      else if (c.requestFullscreen) c.requestFullscreen();
    }

    toggleMeasure(btn) {
      const map = this.map;
      if (this.measure) {
        map.off("click", this.measure.onClick);
        document.removeEventListener("keydown", this.measure.onKey);
        this.measure.layer.remove();
        this.measure.readout.remove();
        this.measure = null;
        btn.classList.remove("gm-active");
        map.getContainer().classList.remove("gm-measuring");
        map.doubleClickZoom.enable();
        return;
      }
      const layer = L.layerGroup().addTo(map);
      const readout = el("div", "gm-measure-readout", "Click on the map to measure");
      btn.parentNode.parentNode.appendChild(readout);
      const pts = [];
      let line = null;
      let total = 0;
      const onClick = (ev) => {
        const p = [ev.latlng.lat, ev.latlng.lng];
        if (pts.length) {
          const prev = pts[pts.length - 1];
          total += map.distance(prev, p);
          const seg = greatCircle(prev, p, 32);
          if (!line) line = L.polyline(seg, { color: "#222", weight: 2.5, dashArray: "6 5", className: "gm-measure-line" }).addTo(layer);
          else for (const q of seg.slice(1)) line.addLatLng(q);
        }
        pts.push(p);
        L.circleMarker(p, { radius: 4, color: "#222", weight: 2, fillColor: "#fff", fillOpacity: 1 }).addTo(layer);
        readout.textContent = pts.length > 1 ? "Distance: " + fmtKm(total / 1000) : "Click the next point";
      };
      const onKey = (ev) => { if (ev.key === "Escape") this.toggleMeasure(btn); };
      map.on("click", onClick);
      document.addEventListener("keydown", onKey);
      map.doubleClickZoom.disable();
      map.getContainer().classList.add("gm-measuring");
      btn.classList.add("gm-active");
      this.measure = { layer, readout, onClick, onKey, total: () => total };
    }
  }

  window.geomap = {
    instances: [],
    init(map, dataElement) {
      const g = new GeoMap(map, JSON.parse(dataElement.textContent));
      this.instances.push(g);
      return g;
    },
    util: { color, dash, esc, el, safeUrl, link, shapeSvg, swatch, lineSample, plural, fold, fmtCoord },
    buildBasemap,
    LabelLayer,
  };
})();

/*
 * geomap's map page. Builds the markers, popups, article panel, claim overlays and
 * controls from the JSON payload that geomap.render embeds in the page.
 *
 * Article text, titles and gazetteer names are untrusted: they reach the page only through
 * textContent, DOM properties and esc() (for the one Leaflet API that takes HTML, the layer
 * control's names). No data is ever assigned to innerHTML.
 */
(function () {
  "use strict";

  const COLOR_RE = /^#[0-9a-fA-F]{6}$/;
  const SHAPES = {
    circle: '<circle cx="12" cy="12" r="7.5"/>',
    diamond: '<path d="M12 2.5 21.5 12 12 21.5 2.5 12Z"/>',
    square: '<rect x="4" y="4" width="16" height="16" rx="3.5"/>',
    star: '<path d="M12 2.2l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17l-5.9 3.3 1.3-6.6-4.9-4.6 6.6-.8z"/>',
    hexagon: '<path d="M12 2.5l8.2 4.75v9.5L12 21.5l-8.2-4.75v-9.5z"/>',
    triangle: '<path d="M12 3 21.5 20H2.5Z"/>',
  };
  const ICONS = {
    fullscreen: '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8"><path d="M1.5 5.5v-4h4M10.5 1.5h4v4M14.5 10.5v4h-4M5.5 14.5h-4v-4"/></svg>',
    fit: '<svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.8"><circle cx="8" cy="8" r="4.5"/><path d="M8 .5v3M8 12.5v3M.5 8h3M12.5 8h3"/></svg>',
    measure: '<svg width="18" height="18" viewBox="0 0 18 18" fill="none" stroke="currentColor" stroke-width="1.6"><path d="M2 12.5 12.5 2 16 5.5 5.5 16z"/><path d="M5 9.5l1.5 1.5M7.5 7l2 2M10 4.5l1.5 1.5"/></svg>',
  };

  function color(c) { return COLOR_RE.test(c) ? c : "#777777"; }
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
  function shapeSvg(shape, fill, size) {
    return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 24 24"><g fill="' + color(fill) +
      '" stroke="#fff" stroke-width="2" stroke-linejoin="round">' + (SHAPES[shape] || SHAPES.circle) + "</g></svg>";
  }
  function swatch(shape, fill, size) {
    const s = el("span", "gm-swatch");
    s.innerHTML = shapeSvg(shape, fill, size || 16); // our constants only, no data
    return s;
  }
  function fmtCoord(lat, lon) {
    return Math.abs(lat).toFixed(4) + "\u00b0 " + (lat >= 0 ? "N" : "S") + ", " +
      Math.abs(lon).toFixed(4) + "\u00b0 " + (lon >= 0 ? "E" : "W");
  }
  /* Article text for the panel: runs of blank lines shown as one. */
  function prose(s) { return document.createTextNode(s.replace(/\n\s*\n\s*/g, "\n\n")); }
  function fmtKm(km) { return km < 10 ? km.toFixed(2).replace(/\.?0+$/, "") + " km" : Math.round(km).toLocaleString("en") + " km"; }

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

  class GeoMap {
    constructor(map, data) {
      this.map = map;
      this.data = data;
      this.places = data.places;
      this.docs = data.docs;
      this.enabled = this.docs.map(() => true);
      this.current = -1;
      this.mentionEls = [];
      this.claimLines = [];
      this.buildBasemap();
      this.buildRegions();
      this.buildMarkers();
      this.buildClaims();
      this.buildPanel();
      this.buildControls();
      this.fit(false);
      this.cluster.addTo(this.map); // after fitting, so no cluster animates from a first view
      this.map.on("zoomend overlayadd", () => this.updateLabels());
      this.updateLabels();
      if (this.docs.length) this.showDoc(0);
    }

    /* ---------- layers ---------- */
    buildBasemap() {
      const map = this.map;
      map.createPane("gm-basemap").style.zIndex = 150;
      const offline = L.layerGroup();
      const grat = [];
      for (let lat = -80; lat <= 80; lat += 10) grat.push([[lat, -180], [lat, 180]]);
      for (let lon = -180; lon <= 180; lon += 10) grat.push([[-85, lon], [85, lon]]);
      L.polyline(grat, { pane: "gm-basemap", color: "#a8c5d8", weight: 0.6, interactive: false }).addTo(offline);
      if (this.data.basemap.length) {
        L.geoJSON(this.data.basemap, {
          pane: "gm-basemap",
          interactive: false,
          style: { color: "#b3aa96", weight: 0.8, fillColor: "#f4f0e6", fillOpacity: 1 },
        }).addTo(offline);
      }
      this.bases = { "Offline outlines": offline };
      let base = offline;
      const t = this.data.tiles;
      if (t && safeUrl(t.url)) {
        base = L.tileLayer(t.url, { attribution: t.attribution, maxZoom: t.maxZoom || 19 });
        this.bases[esc(t.name)] = base;
      }
      base.addTo(map);
    }

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
          className: "gm-marker",
          html: shapeSvg(p.shape, p.color, size),
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
          return t;
        }, { direction: "right" });
        m.on("add", () => { const e = m.getElement(); if (e) e.dataset.place = String(i); });
        return m;
      });
      this.cluster.addLayers(this.markers);
    }

    /* Claim overlays: at once for a few articles; for many, in slices after the markers show. */
    buildClaims() {
      this.claimsLayer = L.featureGroup().addTo(this.map);
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

    buildDocClaims(d) {
      const g = this.claimGroups[d];
      this.docs[d].claims.forEach((c, ci) => {
        c.layers = [];
        const col = color(c.color);
        if (c.area) {
          const area = L.polygon(c.area, {
            color: col, weight: 1.5, dashArray: "6 5", fillColor: col, fillOpacity: 0.08, className: "gm-claim-area",
          });
          area.bindTooltip(() => el("span", null, "Where the text puts " + c.subjectName + ": " + c.stated), { sticky: true });
          area.addTo(g);
          c.layers.push(area);
        }
        if (c.line) {
          const line = L.polyline(c.line, { color: col, weight: 3.5, opacity: 0.95, className: "gm-claim-line" });
          const label = el("span", null, c.label);
          label.style.setProperty("--c", col);
          line.bindTooltip(label, { permanent: true, direction: "center", className: "gm-claim-tip", opacity: 1 });
          line.on("tooltipopen", (ev) => ev.tooltip.getElement().style.setProperty("--c", col));
          line.on("click", () => this.showClaim(d, ci));
          line.addTo(g);
          c.layers.push(line);
          this.claimLines.push(line);
        }
        for (const f of c.fits) {
          const ring = L.circleMarker([f.lat, f.lon], {
            radius: 10, color: col, weight: 2.5, dashArray: "4 3", fill: true, fillOpacity: 0.1, className: "gm-fit-place",
          });
          ring.bindTooltip(() => el("span", null, "Fits \u201c" + c.stated + "\u201d: " + f.name + (f.note ? " (" + f.note + ")" : "")));
          ring.addTo(g);
          c.layers.push(ring);
        }
      });
      if (this.enabled[d]) this.claimsLayer.addLayer(g);
    }

    /* A claim's label shows only when its line is long enough on screen not to hide markers. */
    updateLabels() {
      for (const line of this.claimLines) {
        const t = line.getTooltip();
        const e = t && t.getElement();
        if (!e || !line._map) continue;
        const lls = line.getLatLngs();
        const px = this.map.latLngToLayerPoint(lls[0]).distanceTo(this.map.latLngToLayerPoint(lls[lls.length - 1]));
        e.style.display = px < 110 ? "none" : "";
      }
    }

    /* Markers and claims follow the articles switched on in the layer control. */
    isShown(m) { return this.places[m.gmPlace].refs.some((r) => this.enabled[r[0]]); }

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
      head.appendChild(swatch(p.shape, p.color, 18));
      head.appendChild(el("strong", "gm-pop-name", p.name));
      root.appendChild(head);
      root.appendChild(el("div", "gm-pop-kind", p.kindLabel));
      const facts = el("table", "gm-facts");
      const rows = [
        ["Country", p.countryName && p.country ? p.countryName + " (" + p.country + ")" : p.country],
        ["Region", p.admin1],
        ["Coordinates", fmtCoord(p.lat, p.lon)],
        ["Gazetteer", [p.source, p.id].filter(Boolean).join(" \u00b7 ")],
        ["Confidence", p.confidence === null ? "" : p.confidence.toFixed(2)],
      ];
      for (const [k, v] of rows) {
        if (!v) continue;
        const tr = el("tr");
        tr.appendChild(el("th", null, k));
        tr.appendChild(el("td", null, v));
        facts.appendChild(tr);
      }
      root.appendChild(facts);
      for (const [d, mentionIdx, conf] of p.refs) {
        const doc = this.docs[d];
        const dh = el("div", "gm-pop-doc");
        dh.appendChild(link(doc.url, doc.title));
        dh.appendChild(el("span", "gm-pop-conf", " \u00b7 " + mentionIdx.length + (mentionIdx.length === 1 ? " mention" : " mentions") +
          (conf === null ? "" : ", confidence " + conf.toFixed(2))));
        root.appendChild(dh);
        const ol = el("ol", "gm-pop-sentences");
        const bySentence = new Map();
        for (const mi of mentionIdx) {
          const s = doc.mentions[mi][5];
          if (!bySentence.has(s)) bySentence.set(s, []);
          bySentence.get(s).push(mi);
        }
        for (const [s, mis] of bySentence) {
          const li = el("li");
          li.dataset.sentence = String(s);
          const [ss, se] = doc.sentences[s] || [doc.mentions[mis[0]][0], doc.mentions[mis[0]][1]];
          let pos = ss;
          for (const mi of mis) {
            const [ms, me] = doc.mentions[mi];
            if (ms < pos || me > se) continue;
            li.appendChild(document.createTextNode(doc.text.slice(pos, ms)));
            li.appendChild(el("mark", null, doc.text.slice(ms, me)));
            pos = me;
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

    showDoc(d) {
      if (d === this.current) return;
      this.current = d;
      if (this.select) this.select.value = String(d);
      const doc = this.docs[d];
      this.titleEl.replaceChildren(link(doc.url, doc.title));
      const placeCount = new Set(doc.mentions.filter((m) => m[2] >= 0 && m[3] === 0).map((m) => m[2])).size;
      this.metaEl.textContent = placeCount + (placeCount === 1 ? " place" : " places") + " \u00b7 " +
        doc.mentions.filter((m) => m[3] === 0).length + " mentions" +
        (doc.claims.length ? " \u00b7 " + doc.claims.length + (doc.claims.length === 1 ? " distance claim" : " distance claims") : "");

      this.claimsEl.replaceChildren();
      if (doc.claims.length) {
        this.claimsEl.appendChild(el("h2", null, "Distance claims"));
        doc.claims.forEach((c, ci) => {
          const b = el("button", "gm-claim");
          b.type = "button";
          b.style.setProperty("--c", color(c.color));
          b.appendChild(el("div", "gm-claim-quote", "\u201c" + c.quote + "\u201d"));
          const lab = el("div", "gm-claim-label");
          lab.appendChild(el("span", "gm-claim-verdict", c.verdictLabel));
          lab.appendChild(document.createTextNode(c.label));
          b.appendChild(lab);
          if (c.explanation) b.appendChild(el("div", "gm-claim-expl", c.explanation));
          b.addEventListener("click", () => this.showClaim(d, ci));
          this.claimsEl.appendChild(b);
        });
      }

      const frag = document.createDocumentFragment();
      this.mentionEls = [];
      let pos = 0;
      doc.mentions.forEach((m, mi) => {
        const [ms, me, pi, kind, conf] = m;
        if (ms < pos) return; // overlapping spans: keep the first
        frag.appendChild(prose(doc.text.slice(pos, ms)));
        const span = el("span", null, doc.text.slice(ms, me));
        span.dataset.mention = String(mi);
        if (pi >= 0) {
          const p = this.places[pi];
          span.style.setProperty("--c", color(p.color));
          span.title = p.name + " \u00b7 " + p.kindLabel + (conf === null ? "" : " \u00b7 confidence " + conf.toFixed(2));
          if (kind === 0) {
            span.className = "gm-mention";
          } else {
            span.className = "gm-demonym gm-linked";
          }
          span.tabIndex = 0;
          span.setAttribute("role", "button");
          span.dataset.place = String(pi);
          const go = () => this.focusPlace(pi, d);
          span.addEventListener("click", go);
          span.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); go(); } });
        } else {
          span.className = kind === 0 ? "gm-unresolved" : "gm-demonym";
          span.title = kind === 0 ? "not found in the gazetteer" : "demonym";
        }
        this.mentionEls[mi] = span;
        frag.appendChild(span);
        pos = me;
      });
      frag.appendChild(prose(doc.text.slice(pos)));
      this.textEl.replaceChildren(frag);
      this.panel.scrollTop = 0;
    }

    showMention(d, mi) {
      this.showDoc(d);
      const span = this.mentionEls[mi];
      if (!span) return;
      span.scrollIntoView({ block: "center", behavior: "smooth" });
      span.classList.remove("gm-flash");
      void span.offsetWidth; // restart the animation
      span.classList.add("gm-flash");
      clearTimeout(span.gmFlashTimer);
      span.gmFlashTimer = setTimeout(() => span.classList.remove("gm-flash"), 2000);
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

    showClaim(d, ci) {
      const c = this.docs[d].claims[ci];
      if (!c.layers || !c.layers.length) return;
      const b = L.featureGroup(c.layers).getBounds();
      if (b.isValid()) this.map.flyToBounds(b, { padding: [40, 40], maxZoom: 15, duration: 0.7 });
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

    fit(animate) {
      const lls = this.markers.filter((m) => this.isShown(m)).map((m) => m.getLatLng());
      if (!lls.length) { this.map.setView([20, 0], 2); return; }
      const b = L.latLngBounds(lls);
      this.docs.forEach((doc, d) => {
        if (!this.enabled[d] || !this.map.hasLayer(this.claimsLayer)) return;
        for (const c of doc.claims) {
          if (c.line) b.extend(L.latLngBounds(c.line));
          if (c.area) for (const ring of c.area) b.extend(L.latLngBounds(ring));
        }
      });
      this.map.fitBounds(b, { padding: [36, 36], maxZoom: 9, animate: animate });
    }

    buildControls() {
      const map = this.map;
      const overlays = { "Places": this.cluster, "Distance claims": this.claimsLayer, "Countries &amp; regions": this.regions };
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
      for (const k of this.data.kinds) {
        const row = el("div", "gm-row");
        row.appendChild(swatch(k.shape, k.color, 16));
        row.appendChild(el("span", null, k.label));
        g1.appendChild(row);
      }
      box.appendChild(g1);
      const hasClaims = this.docs.some((doc) => doc.claims.length);
      if (hasClaims) {
        const g2 = el("div", "gm-group");
        g2.appendChild(el("h3", null, "Distance claims"));
        for (const v of this.data.verdicts) {
          const row = el("div", "gm-row");
          const line = el("span", "gm-line");
          line.style.setProperty("--c", color(v.color));
          row.appendChild(line);
          row.appendChild(el("span", null, v.label));
          g2.appendChild(row);
        }
        if (this.docs.some((doc) => doc.claims.some((c) => c.fits.length))) {
          const row = el("div", "gm-row");
          const ring = el("span", "gm-ring");
          ring.style.setProperty("--c", "#555555");
          row.appendChild(ring);
          row.appendChild(el("span", null, "place that fits the claim"));
          g2.appendChild(row);
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
  };
})();

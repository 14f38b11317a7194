// Opershtab map layers beyond the messages: offline basemap, municipalities choropleth,
// incident extents and points of assistance. Names from region packs and from
// operators are data, so they also enter the DOM through textContent only.
(function () {
  "use strict";

  var s = { map: null, config: null, send: null, el: null, category: null, layers: {}, counts: {}, legend: null,
            base: null, baseShow: {} };
  var RATE_COLORS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];

  function tooltipNode(lines) {
    var box = s.el("div", "ops-tip");
    lines.forEach(function (line, i) { box.appendChild(s.el(i === 0 ? "b" : "div", null, line)); });
    return box;
  }

  function ensure(name, layer, visible) {
    if (s.layers[name] && s.map.hasLayer(s.layers[name])) { s.map.removeLayer(s.layers[name]); visible = true; }
    s.layers[name] = layer;
    if (visible) { layer.addTo(s.map); }
    return layer;
  }

  // --- offline basemap: coastline, rivers, lakes and towns on one canvas (opershtab_basemap.js) ---
  function buildBasemap(data) {
    if (s.base) { s.map.removeLayer(s.base); }
    s.base = new OpsBasemap.Layer(data, { pane: "opsTowns" });
    Object.keys(s.baseShow).forEach(function (name) { s.base.show[name] = s.baseShow[name]; });
    s.base.addTo(s.map);
  }

  function loadBasemap(url) {
    return fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data) { buildBasemap(data); }
      s.counts.basemap = data ? 1 : 0;
    });
  }

  // --- choropleth of municipalities: messages per 1,000 residents ---
  function rateColor(rate, max) {
    if (rate === null || rate === undefined) { return null; }
    var step = max > 0 ? Math.min(RATE_COLORS.length - 1, Math.floor((rate / max) * RATE_COLORS.length)) : 0;
    return RATE_COLORS[step];
  }

  function fmt(x) { return x === null || x === undefined ? "нет данных" : x.toLocaleString("ru-RU", { maximumFractionDigits: 2 }); }

  function styleMunicipality(values, max) {
    return function (feature) {
      var v = valueOf(values, feature);
      var color = rateColor(v.rate, max);
      return color ? { color: "#6b4b3e", weight: 1, fillColor: color, fillOpacity: 0.6 }
                   : { color: "#6b4b3e", weight: 1, fillColor: "#bbbbbb", fillOpacity: 0.35, dashArray: "3 3" };
    };
  }

  function setChoropleth(geojson, values) {
    if (geojson) { s.municipalities = geojson; }
    if (!s.municipalities) { return 0; }
    var max = 0, painted = 0, labels = L.layerGroup();
    values.forEach(function (v) { if (v && v.rate > max) { max = v.rate; } });
    var layer = L.geoJSON(s.municipalities, { style: styleMunicipality(values, max), onEachFeature: function (f, l) {
      var v = valueOf(values, f);
      if (v.rate !== null && v.rate !== undefined) { painted += 1; }
      l.bindTooltip(tooltipNode([f.properties.name, "Сообщений: " + (v.count || 0),
        "Население: " + fmt(v.population), "На 1000 жителей: " + fmt(v.rate)]), { sticky: true });
      l.on("click", function () { s.send({ type: "municipality_clicked", name: f.properties.name }); });
      labels.addLayer(L.tooltip({ permanent: true, direction: "center", className: "ops-muni-name",
        interactive: false }).setLatLng(l.getBounds().getCenter()).setContent(s.el("span", null, f.properties.name)));
    } });
    var group = L.layerGroup([layer, labels]);
    s.values = values;
    s.counts.choropleth = s.municipalities.features.length;
    s.counts.choropleth_painted = painted;
    s.counts.choropleth_max = max;
    ensure("choropleth", group, !s.layers.choropleth);
    showRateLegend(s.map.hasLayer(group));
    return painted;
  }

  // Legend: the five classes as ranges of messages per 1,000 residents, plus «нет данных».
  function rateLegendNode(max) {
    var box = s.el("div", "ops-legend ops-rate-legend");
    box.appendChild(s.el("b", null, "Сообщений на 1000 жителей"));
    RATE_COLORS.forEach(function (color, i) {
      var lo = max * i / RATE_COLORS.length, hi = max * (i + 1) / RATE_COLORS.length;
      box.appendChild(legendRow(color, fmt(lo) + " – " + fmt(hi)));
    });
    box.appendChild(legendRow("#bbbbbb", "нет данных о населении"));
    return box;
  }

  function legendRow(color, text) {
    var row = s.el("div", "ops-legend-row");
    var swatch = s.el("i", "ops-swatch");
    swatch.style.backgroundColor = color;
    row.appendChild(swatch);
    row.appendChild(document.createTextNode(text));
    return row;
  }

  function showRateLegend(on) {
    if (s.legend) { s.map.removeControl(s.legend); s.legend = null; }
    if (!on || !s.values) { return; }
    var node = rateLegendNode(s.counts.choropleth_max || 0);
    s.legend = L.control({ position: "bottomleft" });
    s.legend.onAdd = function () { return node; };
    s.legend.addTo(s.map);
  }

  // Values come as an array in the pack's order; a feature finds its own by ``key`` (its position),
  // never by a name from the pack used as an object key («__proto__» is a name like any other).
  function valueOf(values, feature) {
    var key = feature.properties.key;
    return (Array.isArray(values) && typeof key === "number" && values[key]) || {};
  }

  function choroplethValue(name) {
    if (!s.values || !s.municipalities) { return null; }
    var found = s.municipalities.features.filter(function (f) { return f.properties.name === name; })[0];
    return found ? valueOf(s.values, found) : null;
  }

  // --- incidents: extents (polygons from grouping) or a point where no extent exists ---
  function setIncidents(items) {
    var group = L.featureGroup();
    items.forEach(function (inc) {
      var cat = s.category(inc.category);
      var style = { color: cat.color, weight: 2, fillColor: cat.color, fillOpacity: 0.18, dashArray: "6 4" };
      var shape = inc.extent ? L.geoJSON(inc.extent, { style: style })
        : L.circle([inc.lat, inc.lon], Object.assign({ radius: 1500 }, style));
      shape.bindTooltip(tooltipNode([cat.label, inc.place || "", "Сообщений: " + inc.count]), { sticky: true });
      shape.on("click", function () { s.send({ type: "incident_clicked", id: inc.id }); });
      group.addLayer(shape);
    });
    s.counts.incidents = items.length;
    ensure("incidents", group, !s.layers.incidents);
    return items.length;
  }

  // --- points of assistance ---
  function assistancePopup(props) {
    var box = s.el("div", "ops-popup");
    box.appendChild(s.el("b", null, props.name));
    box.appendChild(s.el("div", "ops-meta", [props.kind_label, props.status_label, props.hours].filter(Boolean).join(" · ")));
    if (props.address) { box.appendChild(s.el("div", null, props.address)); }
    if (props.notes) { box.appendChild(s.el("div", "ops-text", props.notes)); }
    return box;
  }

  function setAssistance(collection) {
    var layer = L.geoJSON(collection, { pointToLayer: function (f, latlng) {
      var closed = f.properties.status === "closed";
      return L.marker(latlng, { icon: L.divIcon({ className: "ops-aid" + (closed ? " ops-aid-closed" : ""),
        iconSize: [24, 24], iconAnchor: [12, 12], html: '<i class="fa-solid fa-hand-holding-heart"></i>' }) });
    }, onEachFeature: function (f, l) {
      l.bindPopup(function () { return assistancePopup(f.properties); });
      l.on("click", function () { s.send({ type: "assistance_clicked", id: f.properties.id }); });
    } });
    s.counts.assistance = collection.features.length;
    ensure("assistance", layer, !s.layers.assistance);
    return collection.features.length;
  }

  function setVisible(name, on) {
    if (name === "basemap" || name === "settlements") {  // one canvas; asked before it loads, kept for it
      s.baseShow[name] = !!on;
      if (s.base) { s.base.setShown(name, on); }
      return true;
    }
    var layer = s.layers[name];
    if (!layer) { return false; }
    if (on && !s.map.hasLayer(layer)) { s.map.addLayer(layer); }
    if (!on && s.map.hasLayer(layer)) { s.map.removeLayer(layer); }
    if (name === "choropleth") { showRateLegend(on); }
    return true;
  }

  function addRaster(url, maxNative) {
    var layer = L.tileLayer(url, { maxNativeZoom: maxNative, maxZoom: 18, attribution: "" });
    ensure("raster", layer, true);
    layer.bringToBack();
    return true;
  }

  function stats() {
    var out = {};
    Object.keys(s.counts).forEach(function (k) { out[k] = s.counts[k]; });
    out.layers_on = Object.keys(s.layers).filter(function (k) { return s.map.hasLayer(s.layers[k]); });
    if (s.base) { ["basemap", "settlements"].forEach(function (k) { if (s.base.show[k]) { out.layers_on.push(k); } }); }
    out.towns_shown = s.base ? s.base.shown : 0;
    return out;
  }

  // A right click on the map (not on a marker) offers "add a point of assistance here" in Python;
  // Leaflet prevents the browser's own context menu once the map listens for the event.
  function onContextMenu(e) {
    var at = e.latlng.wrap();
    s.send({ type: "map_context", lat: at.lat, lon: at.lng });
  }

  window.opershtabLayers = {
    init: function (map, config, send, el, category) {
      s.map = map; s.config = config; s.send = send; s.el = el;
      map.createPane("opsTowns").style.zIndex = 440;  // basemap and towns: under the clusters (450), not clickable
      map.getPane("opsTowns").style.pointerEvents = "none";
      // Category codes come from outside: looked up through the page's Map, never as object keys.
      s.category = category || function () { return { color: "#555", label: "" }; };
      map.on("contextmenu", onContextMenu);
      if (config.basemap) { loadBasemap(config.basemap); }
      if (config.raster) { addRaster(config.raster.url, config.raster.maxzoom); }
    },
    setChoropleth: setChoropleth, choroplethValue: choroplethValue, setIncidents: setIncidents,
    setAssistance: setAssistance, setVisible: setVisible, addRaster: addRaster, stats: stats
  };
})();

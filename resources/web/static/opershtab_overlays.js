// Opershtab overlay layers (flood zones, evacuation points, grid sections imported by the centre)
// and official warnings (CAP areas coloured by severity). Names, properties, events and area
// descriptions come from files and sources: they enter the DOM through textContent only, and
// properties arrive as [name, value] pairs, so no name is ever a key of an object here.
(function () {
  "use strict";

  var s = { map: null, overlays: null, warnings: null, items: [], warned: [], warningsOn: true, overlaysOn: true };

  // The page's map is made by folium's inline script after this file loads: catch it as it is made.
  if (window.L && L.Map && L.Map.addInitHook) {
    L.Map.addInitHook(function () { if (!s.map) { init(this); } });
  }

  function init(map) {
    s.map = map;
    // Areas under the message markers (markerPane is 600) and above the municipalities (400).
    map.createPane("opsWarnings").style.zIndex = 410;
    map.createPane("opsOverlays").style.zIndex = 420;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function tip(title, lines) {
    var box = el("div", "ops-tip");
    box.appendChild(el("b", null, title));
    lines.forEach(function (line) { if (line) { box.appendChild(el("div", null, line)); } });
    return box;
  }

  function color(value, fallback) {
    return typeof value === "string" && /^#[0-9a-fA-F]{6}$/.test(value) ? value : fallback;
  }

  function place(group, on) {
    if (on && !s.map.hasLayer(group)) { group.addTo(s.map); }
    if (!on && s.map.hasLayer(group)) { s.map.removeLayer(group); }
  }

  // --- overlay layers ---
  function propertyLines(pairs) {
    return (Array.isArray(pairs) ? pairs : []).map(function (pair) {
      return Array.isArray(pair) && pair.length === 2 ? String(pair[0]) + ": " + String(pair[1]) : "";
    });
  }

  function overlayLayer(item) {
    var tint = color(item.color, "#1f77b4"), group = L.featureGroup(), drawn = 0;
    var style = { pane: "opsOverlays", color: tint, weight: 2, opacity: 0.9, fillColor: tint, fillOpacity: 0.25 };
    (Array.isArray(item.features) ? item.features : []).forEach(function (f) {
      if (!f || !f.g) { return; }
      var shape;
      try {
        shape = L.geoJSON(f.g, { style: style, pointToLayer: function (_p, latlng) {
          return L.circleMarker(latlng, Object.assign({}, style, { radius: 7, fillOpacity: 0.9 }));
        } });
      } catch (e) { return; }  // one broken geometry never costs the layer
      shape.bindTooltip(tip(item.name, propertyLines(f.p)), { sticky: true });
      group.addLayer(shape);
      drawn += 1;
    });
    return { id: item.id, name: String(item.name), color: tint, visible: item.visible !== false, group: group,
             features: drawn };
  }

  function setOverlays(items) {
    if (s.overlays) { s.map.removeLayer(s.overlays); }
    s.overlays = L.layerGroup();
    s.items = (Array.isArray(items) ? items : []).map(overlayLayer);
    s.items.forEach(function (o) { if (o.visible) { s.overlays.addLayer(o.group); } });
    place(s.overlays, s.overlaysOn);
    return s.items.length;
  }

  // --- official warnings ---
  function warningLayer(w) {
    var tint = color(w.color, "#7f7f7f");
    var style = { pane: "opsWarnings", color: tint, weight: 2.5, opacity: 0.95, fillColor: tint, fillOpacity: 0.22,
                  dashArray: "10 6" };
    var shape;
    try { shape = L.geoJSON(w.geometry, { style: style }); } catch (e) { return null; }
    shape.bindTooltip(tip(w.event, [w.severity, "Действует с " + w.from + " до " + w.until, w.area, w.sender]),
                      { sticky: true });
    return shape;
  }

  function setWarnings(items) {
    if (s.warnings) { s.map.removeLayer(s.warnings); }
    s.warnings = L.layerGroup();
    s.warned = [];
    (Array.isArray(items) ? items : []).forEach(function (w) {
      var shape = w && w.geometry ? warningLayer(w) : null;
      if (shape) {
        s.warnings.addLayer(shape);
        s.warned.push({ id: w.id, event: String(w.event), color: color(w.color, "#7f7f7f"), until: String(w.until) });
      }
    });
    place(s.warnings, s.warningsOn);
    return s.warned.length;
  }

  function setVisible(name, on) {
    if (name === "overlays") { s.overlaysOn = !!on; if (s.overlays) { place(s.overlays, s.overlaysOn); } return true; }
    if (name === "warnings") { s.warningsOn = !!on; if (s.warnings) { place(s.warnings, s.warningsOn); } return true; }
    return false;
  }

  // Open every tooltip of one kind ("overlays" or "warnings") at once: for screenshots and tests.
  function openTooltips(kind) {
    var opened = 0, group = kind === "warnings" ? s.warnings : s.overlays;
    if (!group || !s.map.hasLayer(group)) { return 0; }
    group.eachLayer(function (layer) {
      var shapes = layer instanceof L.LayerGroup && !layer.getTooltip() ? layer.getLayers() : [layer];
      shapes.forEach(function (shape) { if (shape.getTooltip()) { shape.openTooltip(); opened += 1; } });
    });
    return opened;
  }

  // What is drawn, for tests and the selftest: names are returned as values, never used as keys.
  function describe() {
    return {
      overlays: s.items.map(function (o) {
        return { id: o.id, name: o.name, color: o.color, features: o.features,
                 shown: !!(s.overlays && s.map.hasLayer(s.overlays) && s.overlays.hasLayer(o.group)) };
      }),
      warnings: s.warned.slice(),
      warnings_shown: !!(s.warnings && s.map.hasLayer(s.warnings))
    };
  }

  window.opershtabOverlays = { init: init, setOverlays: setOverlays, setWarnings: setWarnings,
                               setVisible: setVisible, describe: describe, openTooltips: openTooltips };
})();

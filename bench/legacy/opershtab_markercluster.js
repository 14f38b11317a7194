// Opershtab map page script. Live data arrives as JSON from Python; public text
// (message text, author, address, settlement) only ever enters the DOM through
// textContent, never as HTML. Layers beyond messages live in opershtab_layers.js.
(function () {
  "use strict";

  var state = { map: null, groups: null, active: 0, messagesOn: true, heat: null, config: { categories: {} }, bridge: null,
                entries: [], byId: {}, count: 0, visible: 0, errors: 0, dialogs: 0, popups: 0, ready: false,
                filter: { start: -Infinity, end: Infinity, cats: null }, icons: {} };

  window.addEventListener("error", function () { state.errors += 1; });
  ["alert", "confirm", "prompt"].forEach(function (name) {
    window[name] = function () { state.dialogs += 1; return null; };
  });

  function send(command) {
    if (state.bridge) { state.bridge.command(JSON.stringify(command)); }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function category(code) {
    return state.config.categories[code] || state.config.categories.other || { label: code, color: "#888" };
  }

  function icon(code) {
    if (!state.icons[code]) {
      var cat = category(code);
      // Our own constant markup (category colours and icon classes), never public text.
      state.icons[code] = L.divIcon({
        className: "ops-marker", iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10],
        html: '<span style="background:' + cat.color + '"><i class="fa-solid ' + cat.icon + '"></i></span>'
      });
    }
    return state.icons[code];
  }

  var timeFormat = null;

  // «24.11 17:05» in the region's time zone (from the page config), formatted when a popup opens.
  function localTime(ms) {
    if (!timeFormat) {
      timeFormat = new Intl.DateTimeFormat("ru-RU", { timeZone: state.config.timezone || "Europe/Moscow",
        day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
    }
    return typeof ms === "number" ? timeFormat.format(new Date(ms)).replace(",", "") : "";
  }

  function popupNode(p) {
    var box = el("div", "ops-popup");
    var cat = category(p.category);
    var badge = el("span", "ops-cat", cat.label);
    badge.style.backgroundColor = cat.color;
    box.appendChild(badge);
    var place = [p.settlement, p.address].filter(Boolean).join(", ");
    box.appendChild(el("div", "ops-meta", [localTime(p.t), place].filter(Boolean).join(" · ")));
    if (p.author) { box.appendChild(el("div", "ops-author", p.author)); }
    box.appendChild(el("div", "ops-text", p.text));
    return box;
  }

  // Plain markers (a shared icon per category, no handlers of their own): at 100,000
  // messages per-marker popups and click closures cost a third of a second.
  // One click handler on the cluster group opens one shared popup.
  function makeMarker(p) {
    var marker = L.marker([p.lat, p.lon], { icon: icon(p.category), keyboard: false });
    marker.opsId = p.id;
    return marker;
  }

  function popupAt(entry) {
    state.popups += 1;
    L.popup({ maxWidth: 340, offset: [0, -10] }).setLatLng([entry.p.lat, entry.p.lon])
      .setContent(popupNode(entry.p)).openOn(state.map);
  }

  function onMarkerClick(e) {
    var entry = e.layer && state.byId[e.layer.opsId];
    if (!entry) { return; }
    popupAt(entry);
    send({ type: "message_clicked", id: entry.p.id });
  }

  function passes(p) {
    var f = state.filter;
    return p.t >= f.start && p.t < f.end && (!f.cats || f.cats[p.category] === true);
  }

  function visibleLatLngs() {
    var out = [];
    state.entries.forEach(function (e) { if (e.shown) { out.push([e.p.lat, e.p.lon]); } });
    return out;
  }

  // Two cluster groups. The one on the map always holds exactly the messages that pass the
  // filter; the other keeps the clustering of an earlier window. A window change is applied
  // to whichever group is closer to it, so going back (24 h → 6 h → 24 h) costs almost nothing.
  function group() { return state.groups[state.active]; }

  function markerOf(entry, g) {
    if (!entry.markers[g]) { entry.markers[g] = makeMarker(entry.p); }
    return entry.markers[g];
  }

  function addMessages(points) {
    var batch = [], g = state.active;
    points.forEach(function (p) {
      if (typeof p.lat !== "number" || typeof p.lon !== "number" || state.byId[p.id]) { return; }
      var entry = { p: p, markers: [null, null], member: [false, false], shown: passes(p) };
      state.byId[p.id] = entry;
      state.entries.push(entry);
      if (entry.shown) {
        batch.push(markerOf(entry, g));
        entry.member[g] = true;
        state.heat._latlngs.push([p.lat, p.lon]);
      }
    });
    group().addLayers(batch);
    if (batch.length && state.map.hasLayer(state.heat)) { state.heat.redraw(); }
    state.count = state.entries.length;
    state.visible += batch.length;
    return batch.length;
  }

  function dropFromGroups(entry) {
    [0, 1].forEach(function (g) {
      if (entry.member[g]) { state.groups[g].removeLayer(entry.markers[g]); entry.member[g] = false; }
      entry.markers[g] = null;
    });
  }

  function updateMessages(points) {
    // An operator changed messages already on the map (category, status): redraw them in place.
    points.forEach(function (p) {
      var entry = state.byId[p.id];
      if (!entry || typeof p.lat !== "number" || typeof p.lon !== "number") { return; }
      if (entry.shown) { state.visible -= 1; }
      dropFromGroups(entry);
      entry.p = p;
      entry.shown = passes(p);
      if (entry.shown) {
        group().addLayer(markerOf(entry, state.active));
        entry.member[state.active] = true;
        state.visible += 1;
      }
    });
  }

  function pruneBefore(ms) {
    // Long-running displays: drop messages older than the window so memory stays bounded.
    var keep = [], gone = [];
    state.entries.forEach(function (e) { (e.p.t < ms ? gone : keep).push(e); });
    if (!gone.length) { return 0; }
    [0, 1].forEach(function (g) {
      state.groups[g].removeLayers(gone.filter(function (e) { return e.member[g]; }).map(function (e) {
        return e.markers[g];
      }));
    });
    gone.forEach(function (e) { delete state.byId[e.p.id]; if (e.shown) { state.visible -= 1; } });
    state.entries = keep;
    state.count = keep.length;
    state.heat.setLatLngs(visibleLatLngs());
    return gone.length;
  }

  function clearMessages() {
    state.groups.forEach(function (layer) { layer.clearLayers(); });
    state.heat.setLatLngs([]);
    state.entries = [];
    state.byId = {};
    state.count = 0;
    state.visible = 0;
  }

  // What bringing group g to the new filter costs: markers to add and remove, or a rebuild
  // (clear, then add what passes) when more would go than stay.
  function plan(g, shown) {
    var add = [], remove = [], keep = 0;
    state.entries.forEach(function (e) {
      if (e.shown && !e.member[g]) { add.push(e); } else if (!e.shown && e.member[g]) { remove.push(e); }
      else if (e.shown) { keep += 1; }
    });
    var rebuild = remove.length > keep;
    return { g: g, add: add, remove: remove, rebuild: rebuild,
             cost: rebuild ? shown : add.length + remove.length, lost: rebuild ? keep + remove.length : 0 };
  }

  // The cheaper step; on a tie, the one that throws away less clustering (kept for going back).
  function better(a, b) {
    return a.cost < b.cost || (a.cost === b.cost && a.lost < b.lost) ? a : b;
  }

  function apply(step) {
    var g = step.g, layer = state.groups[g];
    if (step.rebuild) {
      layer.clearLayers();
      state.entries.forEach(function (e) { e.member[g] = false; });
      step.add = state.entries.filter(function (e) { return e.shown; });
    } else {
      layer.removeLayers(step.remove.map(function (e) { e.member[g] = false; return e.markers[g]; }));
    }
    layer.addLayers(step.add.map(function (e) { e.member[g] = true; return markerOf(e, g); }));
  }

  function switchTo(g) {
    if (g === state.active) { return; }
    var on = state.messagesOn;
    if (on) { state.map.removeLayer(state.groups[state.active]); }
    state.active = g;
    if (on) { state.map.addLayer(state.groups[g]); }
  }

  function setFilter(filter) {
    var cats = null;
    if (filter.categories && filter.categories.length) {
      cats = {};
      filter.categories.forEach(function (c) { cats[c] = true; });
    }
    state.filter = { start: filter.start === null ? -Infinity : filter.start,
                     end: filter.end === null ? Infinity : filter.end, cats: cats };
    var shown = 0;
    state.entries.forEach(function (e) { e.shown = passes(e.p); if (e.shown) { shown += 1; } });
    var here = plan(state.active, shown), there = plan(1 - state.active, shown);
    var step = better(here, there);
    switchTo(step.g);
    apply(step);
    state.visible = shown;
    state.heat.setLatLngs(visibleLatLngs());
    return shown;
  }

  function openPopup(id) {
    var entry = state.byId[id];
    if (!entry || !entry.shown) { return false; }
    // Straight to a zoom where clusters have come apart (markercluster's zoomToShowLayer
    // hung the page when the marker sat in a cluster).
    var alone = group().options.disableClusteringAtZoom || state.map.getMaxZoom();
    state.map.setView([entry.p.lat, entry.p.lon], Math.max(state.map.getZoom(), alone), { animate: false });
    popupAt(entry);
    return true;
  }

  // Opens the popup at the point without zooming (selftest opens hundreds in a row).
  function showPopup(id) {
    var entry = state.byId[id];
    if (!entry) { return false; }
    popupAt(entry);
    send({ type: "message_clicked", id: entry.p.id });
    return true;
  }

  function addLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("div", "ops-legend");
      Object.keys(state.config.categories).forEach(function (code) {
        var row = el("div"), dot = el("i", "fa-solid " + category(code).icon);
        dot.style.backgroundColor = category(code).color;
        row.appendChild(dot);
        row.appendChild(document.createTextNode(category(code).label));
        box.appendChild(row);
      });
      return box;
    };
    legend.addTo(state.map);
  }

  function stats() {
    var layers = window.opershtabLayers ? window.opershtabLayers.stats() : {};
    var out = { leaflet: typeof L, markers: state.count, visible: state.visible,
                clustered: state.groups ? group().getLayers().length : 0,
                heat: state.heat ? state.heat._latlngs.length : 0, popups: state.popups,
                errors: state.errors, dialogs: state.dialogs, ready: state.ready };
    Object.keys(layers).forEach(function (k) { out[k] = layers[k]; });
    return out;
  }

  function connect() {
    if (typeof QWebChannel === "undefined" || typeof qt === "undefined") { markReady(); return; }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      state.bridge = channel.objects.bridge;
      markReady();
    });
  }

  function markReady() {
    state.ready = true;
    send({ type: "ready" });
  }

  function init(options) {
    state.map = options.map;
    var spare = L.markerClusterGroup(L.extend({}, options.cluster.options));
    state.groups = [options.cluster, spare];
    state.groups.forEach(function (layer) { layer.on("click", onMarkerClick); });
    state.messagesOn = state.map.hasLayer(options.cluster);
    state.config = options.config;
    state.heat = L.heatLayer([], { radius: 18, blur: 15, minOpacity: 0.35, maxZoom: 12 });
    state.map.attributionControl.setPrefix("Leaflet · © Natural Earth · © участники OpenStreetMap");
    addLegend();
    if (window.opershtabLayers) { window.opershtabLayers.init(state.map, state.config, send, el); }
    connect();
  }

  function setLayerVisible(name, on) {
    if (name === "messages") { state.messagesOn = on; }
    var layer = name === "messages" ? group() : name === "heat" ? state.heat : null;
    if (!layer) { return window.opershtabLayers ? window.opershtabLayers.setVisible(name, on) : false; }
    if (on && !state.map.hasLayer(layer)) { state.map.addLayer(layer); }
    if (!on && state.map.hasLayer(layer)) { state.map.removeLayer(layer); }
    return true;
  }

  window.opershtab = { updateMessages: updateMessages, pruneBefore: pruneBefore,
    categoryOf: function (id) { return state.byId[id] ? state.byId[id].p.category : null; },
    init: init, addMessages: addMessages, clearMessages: clearMessages, openPopup: openPopup,
    showPopup: showPopup, setFilter: setFilter, setLayerVisible: setLayerVisible, stats: stats, send: send,
    ids: function () { return state.entries.map(function (e) { return e.p.id; }); },
    bounds: function () {
      var b = state.map.getBounds();
      return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
    },
    flyTo: function (lat, lon, zoom) { state.map.flyTo([lat, lon], zoom || 12); },
    fitBounds: function (s, w, n, e) { state.map.fitBounds([[s, w], [n, e]], { animate: false }); }
  };
})();

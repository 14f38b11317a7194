// Opershtab map page script. Points arrive from Python as typed columns (opershtab_store.js):
// inline base64 for live appends, a binary block fetched from app://pages for big loads. They are
// indexed per time bucket by supercluster in a worker and drawn on a canvas (opershtab_canvas.js).
// Public text (message text, author, address, settlement) is fetched
// from Python when a popup opens and only ever enters the DOM through textContent.
// Layers beyond messages live in opershtab_layers.js.
(function () {
  "use strict";

  var STREET_ZOOM = 16, popups = null;
  var state = { map: null, store: null, layer: null, messagesOn: true, heat: null, heatTotal: 0,
                config: { categories: {} }, bridge: null, errors: 0, dialogs: 0, popups: 0, ready: false, popup: null,
                visible: 0 };

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

  // Style of a category code from outside (any string, «__proto__» included): ours, or «other».
  function category(code) {
    var cats = state.store ? state.store.cats : new OpsStore.Categories(state.config);
    var cls = cats.known.has(String(code)) ? cats.known.get(String(code)) : cats.unknown;
    return cats.style(cls);
  }

  // --- rows ---
  function rowOf(id) { return state.store.rowOf(id); }

  function latLngOf(row) { return popups.latLngOf(row); }

  function openRow(row) {
    state.popups += 1;
    send({ type: "message_clicked", id: popups.open(row) });
  }

  function listPopup(hit) {
    state.popups += 1;
    return popups.list(hit, openRow);
  }

  function popupAt(row) {
    state.popups += 1;
    return popups.open(row);
  }

  // A click on the canvas: a message opens its popup; a cluster zooms in, or lists its messages.
  function onClick(hit) {
    if (hit.single) { openRow(hit.row); return "message"; }
    var zoom = state.map.getZoom();
    if (zoom >= STREET_ZOOM || hit.count <= 1) { listPopup(hit); return "list"; }
    state.map.setView(hit.latlng, Math.min(STREET_ZOOM, zoom + 2));
    return "zoom";
  }

  function outsideLayers(target) {
    return !(target && target.closest &&
      target.closest(".leaflet-marker-pane, .leaflet-popup-pane, .leaflet-control-container, .leaflet-tooltip-pane"));
  }

  // Capture phase on the map: a point under the cursor wins over the shapes drawn below it.
  function watchPointer(map) {
    var container = map.getContainer();
    container.addEventListener("click", function (e) {
      if (!state.messagesOn || !outsideLayers(e.target) || (map.dragging && map.dragging.moved())) { return; }
      var hit = state.layer.hit(map.mouseEventToContainerPoint(e));
      if (hit) { e.stopPropagation(); onClick(hit); }
    }, true);
    container.addEventListener("mousemove", function (e) {
      var over = state.messagesOn && outsideLayers(e.target) && state.layer.hit(map.mouseEventToContainerPoint(e));
      container.classList.toggle("ops-over-point", !!over);
    }, true);
  }

  function openPopup(id) {
    var row = rowOf(id);
    if (row < 0 || !state.store.passes(row)) { return false; }
    state.map.setView(latLngOf(row), Math.max(state.map.getZoom(), STREET_ZOOM), { animate: false });
    popupAt(row);
    return true;
  }

  // Opens the popup at the point without zooming (selftest opens hundreds in a row).
  function showPopup(id) {
    var row = rowOf(id);
    if (row < 0) { return false; }
    openRow(row);
    return true;
  }

  // --- data from Python ---
  function bytesOf(b64) {
    if (typeof Uint8Array.fromBase64 === "function") { return Uint8Array.fromBase64(b64); }
    var text = atob(b64), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes;
  }

  // Changes apply in the order Python sent them: while a block is being fetched, what follows waits.
  var queue = { busy: 0, tail: Promise.resolve() };

  function inOrder(fn) {
    if (!queue.busy) { return fn(); }
    queue.tail = queue.tail.then(fn).catch(function () { state.errors += 1; });
    return null;
  }

  function loadPoints(meta, url) {
    var marks = state.marks = [["call", performance.now()]];
    var data = fetch(url).then(function (r) { return r.arrayBuffer(); });
    queue.busy += 1;
    queue.tail = queue.tail.then(function () { return data; }).then(function (buffer) {
      marks.push(["fetched", performance.now()]);
      state.store.add(state.store.decode(meta, new Uint8Array(buffer)), false);
      marks.push(["added", performance.now()]);
    }).catch(function () { state.errors += 1; }).then(function () { queue.busy -= 1; });
  }

  function whenLoaded(callback) {
    if (!queue.busy) { callback(); return; }
    queue.tail = queue.tail.then(callback);
  }

  function addPoints(meta, b64) {
    return inOrder(function () { return meta.n ? state.store.add(state.store.decode(meta, bytesOf(b64)), false) : 0; });
  }

  function updatePoints(meta, b64) {
    return inOrder(function () { return meta.n ? state.store.add(state.store.decode(meta, bytesOf(b64)), true) : 0; });
  }

  function setFilter(filter) {
    return inOrder(function () {
      state.store.setFilter({ start: filter.start, end: filter.end, categories: filter.categories });
      return state.visible;
    });
  }

  function changed() {
    state.visible = state.store.countVisible();
    if (state.layer) { state.layer.requestDraw(); }
  }

  // The heat layer follows the drawn frame: one weighted point per cluster or message.
  function feedHeat() {
    var out = state.layer.frameData, pts = [], total = 0;
    if (!out) { return; }
    var min = state.layer._bounds.min;
    for (var i = 0; i < out.n; i++) {
      var at = state.map.layerPointToLatLng(min.add([out.x[i], out.y[i]]));
      pts.push([at.lat, at.lng, out.count[i]]);
      total += out.count[i];
    }
    state.heatTotal = total;
    state.heat.setLatLngs(pts);
  }

  function addLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("div", "ops-legend ops-cat-legend"), cats = state.store.cats;
      cats.styles.forEach(function (style) {
        var row = el("div"), dot = el("i", "fa-solid " + style.icon);
        dot.style.backgroundColor = style.color;
        row.appendChild(dot);
        row.appendChild(document.createTextNode(style.label));
        box.appendChild(row);
      });
      return box;
    };
    legend.addTo(state.map);
  }

  // What the last frame drew, for tests and selftest: categories as [code, count] pairs.
  function frame() {
    var cats = state.store.cats, known = Array.from(cats.known.keys());
    return state.layer.items().map(function (item) {
      return { lat: item.latlng.lat, lon: item.latlng.lng, x: item.point.x, y: item.point.y, count: item.count,
               id: item.single ? state.store.id[item.row] : null,
               mix: item.mix.map(function (p) { return [p[0] < known.length ? known[p[0]] : "", p[1]]; }) };
    });
  }

  function stats() {
    var layers = window.opershtabLayers ? window.opershtabLayers.stats() : {};
    var s = state.store ? state.store.stats() : { markers: 0 }, last = state.layer ? state.layer.last : {};
    var out = { leaflet: typeof L, markers: s.markers, visible: state.visible, clustered: last.drawn || 0,
                drawn: last.drawn || 0, items: last.items || 0, clusters: last.clusters || 0, frame_ms: last.ms || 0,
                frames: last.frames || 0, frame_zoom: last.zoom, frame_center: last.center, raw: last.raw || 0,
                indexed: s.indexed, indexes: s.indexes,
                buckets: s.buckets, pending: s.pending, index_mb: s.index_mb, worker: s.worker,
                heat: state.heatTotal, popups: state.popups, errors: state.errors, dialogs: state.dialogs,
                ready: state.ready, marks: state.marks };
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
    var map = state.map = options.map;
    state.config = options.config;
    state.store = new OpsStore.Store(state.config, changed);
    popups = new OpsPopups.Popups({ map: map, store: state.store, send: send, el: el,
                                    timezone: state.config.timezone });
    map.createPane("opsPoints");
    map.getPane("opsPoints").style.zIndex = 450;
    map.getPane("opsPoints").style.pointerEvents = "none";
    state.layer = new OpsCanvas.PointsLayer(state.store, { pane: "opsPoints" });
    state.layer.addTo(map);
    state.heat = L.heatLayer([], { radius: 18, blur: 15, minOpacity: 0.35, maxZoom: 12 });
    state.layer.on("drawn", feedHeat);
    map.attributionControl.setPrefix("Leaflet · supercluster · © Natural Earth · © участники OpenStreetMap");
    addLegend();
    watchPointer(map);
    if (document.fonts && document.fonts.load) {
      document.fonts.load("900 11px 'Font Awesome 6 Free'").then(function () { state.layer.refreshIcons(); });
    }
    if (window.opershtabLayers) { window.opershtabLayers.init(state.map, state.config, send, el, category); }
    connect();
  }

  function setLayerVisible(name, on) {
    if (name === "messages") { state.messagesOn = on; }
    var layer = name === "messages" ? state.layer : name === "heat" ? state.heat : null;
    if (!layer) { return window.opershtabLayers ? window.opershtabLayers.setVisible(name, on) : false; }
    if (on && !state.map.hasLayer(layer)) { state.map.addLayer(layer); }
    if (!on && state.map.hasLayer(layer)) { state.map.removeLayer(layer); }
    return true;
  }

  window.opershtab = {
    init: init, addPoints: addPoints, loadPoints: loadPoints, whenLoaded: whenLoaded, updatePoints: updatePoints,
    setFilter: setFilter, stats: stats, send: send, setLayerVisible: setLayerVisible,
    fillPopup: function (id, details) { return popups.fill(id, details); },
    openPopup: function (id) { return inOrder(function () { return openPopup(id); }); },
    showPopup: function (id) { return inOrder(function () { return showPopup(id); }); },
    frame: frame, category: category,
    pruneBefore: function (ms) { return inOrder(function () { return state.store.pruneBefore(ms); }); },
    removeMessages: function (ids) { return inOrder(function () { return state.store.remove(ids); }); },
    clearMessages: function () { return inOrder(function () { state.store.clear(); changed(); }); },
    categoryOf: function (id) {
      var row = rowOf(id);
      return row >= 0 ? state.store.cats.codes[state.store.cat[row]] : null;
    },
    pointOf: function (id) {
      var row = rowOf(id);
      if (row < 0) { return null; }
      var p = state.map.latLngToContainerPoint(latLngOf(row));
      return [p.x, p.y];
    },
    clickAt: function (x, y) {
      var hit = state.layer.hit(L.point(x, y));
      return hit ? onClick(hit) : null;
    },
    ids: function () {
      var s = state.store, out = [];
      for (var r = 0; r < s.n; r++) { if (s.alive[r]) { out.push(s.id[r]); } }
      return out;
    },
    redraw: function () { state.layer.draw(); return state.layer.last; },
    tune: function (options) { return state.store.tune(options || {}); },
    visibleIds: function () {
      var s = state.store, out = [];
      for (var r = 0; r < s.n; r++) { if (s.passes(r)) { out.push(s.id[r]); } }
      return out.sort(function (a, b) { return a - b; });
    },
    bounds: function () {
      var b = state.map.getBounds();
      return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
    },
    flyTo: function (lat, lon, zoom) { state.map.flyTo([lat, lon], zoom || 12); },
    setView: function (lat, lon, zoom) { state.map.setView([lat, lon], zoom, { animate: false }); },
    zoom: function () { return state.map.getZoom(); },
    moving: function () {
      var map = state.map;
      return !!(map._animatingZoom || (map._panAnim && map._panAnim._inProgress) || state.layer.pendingDraw);
    },
    setZoom: function (zoom) { state.map.setZoom(zoom, { animate: false }); },
    fitBounds: function (s, w, n, e) { state.map.fitBounds([[s, w], [n, e]], { animate: false }); }
  };
})();

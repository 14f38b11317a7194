// Opershtab map page script. Live data arrives as JSON from Python; public text
// (message text, author, address, settlement) only ever enters the DOM through
// textContent, never as HTML.
(function () {
  "use strict";

  var state = { map: null, cluster: null, config: { categories: {} }, bridge: null,
                markers: {}, count: 0, errors: 0, dialogs: 0, ready: false };

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

  function popupNode(p) {
    var box = el("div", "ops-popup");
    var cat = category(p.category);
    var badge = el("span", "ops-cat", cat.label);
    badge.style.backgroundColor = cat.color;
    box.appendChild(badge);
    var place = [p.settlement, p.address].filter(Boolean).join(", ");
    box.appendChild(el("div", "ops-meta", [p.time, place].filter(Boolean).join(" · ")));
    box.appendChild(el("div", "ops-text", p.text));
    return box;
  }

  function makeMarker(p) {
    var marker = L.circleMarker([p.lat, p.lon], {
      radius: 7, weight: 1, color: "#333", fillColor: category(p.category).color, fillOpacity: 0.9
    });
    marker.bindPopup(function () { return popupNode(p); });
    marker.on("click", function () { send({ type: "message_clicked", id: p.id }); });
    return marker;
  }

  function addMessages(points) {
    var batch = [];
    points.forEach(function (p) {
      if (typeof p.lat !== "number" || typeof p.lon !== "number" || state.markers[p.id]) { return; }
      var marker = makeMarker(p);
      state.markers[p.id] = marker;
      batch.push(marker);
    });
    state.cluster.addLayers(batch);
    state.count += batch.length;
    return batch.length;
  }

  function clearMessages() {
    state.cluster.clearLayers();
    state.markers = {};
    state.count = 0;
  }

  function openPopup(id) {
    var marker = state.markers[id];
    if (!marker) { return false; }
    state.cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
    return true;
  }

  function addLegend() {
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = el("div", "ops-legend");
      Object.keys(state.config.categories).forEach(function (code) {
        var row = el("div"), dot = el("i");
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
    return { leaflet: typeof L, markers: state.count, clustered: state.cluster ? state.cluster.getLayers().length : 0,
             errors: state.errors, dialogs: state.dialogs, ready: state.ready };
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
    state.cluster = options.cluster;
    state.config = options.config;
    state.map.attributionControl.setPrefix("Leaflet · © Natural Earth");
    addLegend();
    connect();
  }

  window.opershtab = {
    init: init, addMessages: addMessages, clearMessages: clearMessages, openPopup: openPopup, stats: stats,
    flyTo: function (lat, lon, zoom) { state.map.flyTo([lat, lon], zoom || 12); }
  };
})();

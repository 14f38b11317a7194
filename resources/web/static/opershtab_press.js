// Opershtab press map: a standalone page with the points of assistance. Point data
// comes only from the JSON data blocks of the page; names, addresses, hours
// and notes are public text and enter the DOM through textContent only.
(function () {
  "use strict";

  var state = { map: null, markers: [], errors: 0 };
  var SPREAD_PX = 24;
  window.addEventListener("error", function () { state.errors += 1; });

  function data(id) { return JSON.parse(document.getElementById(id).textContent); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null && text !== "") { node.textContent = String(text); }
    return node;
  }

  // A point's kind comes from outside: looked up as an own key only («__proto__» is «other»).
  function kindOf(config, code) {
    return Object.prototype.hasOwnProperty.call(config.kinds, code) ? config.kinds[code] : config.kinds.other;
  }

  // --- basemap: neighbours, the region, towns ---
  function addBasemap(map, base) {
    L.geoJSON(base.neighbours, { interactive: false,
      style: { color: "#9aa3ab", weight: 1, fillColor: "#f1f0ea", fillOpacity: 1 } }).addTo(map);
    L.geoJSON(base.region, { interactive: false,
      style: { color: "#b03a2e", weight: 2, fillColor: "#fdf8ec", fillOpacity: 1 } }).addTo(map);
    base.towns.forEach(function (t) {
      L.circleMarker([t.lat, t.lon], { radius: t.population >= 300000 ? 4 : 3, weight: 1, color: "#444",
        fillColor: "#fff", fillOpacity: 1, interactive: false, className: "press-town" })
        .bindTooltip(el("span", null, t.name), { permanent: true, direction: "right", offset: [4, 0],
          className: "press-town-label" })
        .addTo(map);
    });
  }

  // --- points ---
  function popupNode(p, number) {
    var box = el("div", "press-popup");
    box.appendChild(el("b", null, number + ". " + p.name));
    box.appendChild(el("div", "press-meta", p.kind_label + " · " + p.status_label));
    if (p.address) { box.appendChild(el("div", null, p.address)); }
    if (p.hours) { box.appendChild(el("div", null, "Часы работы: " + p.hours)); }
    if (p.notes) { box.appendChild(el("div", "press-notes", p.notes)); }
    return box;
  }

  function badge(number, color, status) {
    var node = el("span", "press-badge press-" + status, number);
    node.style.setProperty("--kind", color);
    return node;
  }

  function addPoints(map, points, config) {
    points.forEach(function (p, i) {
      var icon = L.divIcon({ className: "press-marker", iconSize: [26, 26], iconAnchor: [13, 13],
        html: badge(i + 1, kindOf(config, p.kind).color,
                    Object.prototype.hasOwnProperty.call(config.statuses, p.status) ? p.status : "open") });
      var marker = L.marker([p.lat, p.lon], { icon: icon, title: "", keyboard: true,
        zIndexOffset: p.status === "closed" ? -100 : 0 });
      marker.bindPopup(function () { return popupNode(p, i + 1); });
      marker.bindTooltip(el("span", null, (i + 1) + ". " + p.name), { direction: "top", offset: [0, -12] });
      marker.addTo(map);
      state.markers.push(marker);
    });
  }

  // Points a few hundred metres apart (two points in one town) would hide each other at the
  // regional zoom: fan their badges out around the true place, which keeps a small dot.
  function spread() {
    var groups = [];
    state.markers.forEach(function (m) {
      var p = state.map.latLngToLayerPoint(m.getLatLng());
      var group = groups.filter(function (g) { return g.p.distanceTo(p) < SPREAD_PX; })[0];
      if (group) { group.members.push(m); } else { groups.push({ p: p, members: [m] }); }
    });
    groups.forEach(function (g) {
      var n = g.members.length, r = n > 1 ? 10 + 3 * n : 0;
      g.members.forEach(function (m, i) {
        var icon = m.getElement(), angle = 2 * Math.PI * i / n - Math.PI / 2;
        if (!icon) { return; }
        icon.classList.toggle("press-spread", n > 1);
        icon.firstChild.style.transform = n > 1 ? "translate(" + Math.round(r * Math.cos(angle)) + "px, " +
          Math.round(r * Math.sin(angle)) + "px)" : "";
      });
    });
  }

  function fit(map, points, base) {
    if (!points.length) { map.fitBounds(base.bounds); return; }
    var bounds = L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; }));
    map.fitBounds(bounds.pad(0.08), { padding: [24, 24], maxZoom: 10 });
  }

  // --- legend and the list under the map ---
  function legendRow(swatch, text) {
    var row = el("div", "press-legend-row");
    row.appendChild(swatch);
    row.appendChild(el("span", null, text));
    return row;
  }

  function buildLegend(node, points, config) {
    var used = new Set();
    points.forEach(function (p) { used.add(String(p.kind)); });
    node.appendChild(el("div", "press-legend-title", "Тип пункта"));
    Object.keys(config.kinds).filter(function (k) { return used.has(k) || !points.length; }).forEach(function (k) {
      node.appendChild(legendRow(badge("", config.kinds[k].color, "open"), config.kinds[k].label));
    });
    node.appendChild(el("div", "press-legend-title", "Состояние"));
    Object.keys(config.statuses).forEach(function (s) {
      node.appendChild(legendRow(badge("", "#555555", s), config.statuses[s]));
    });
  }

  function listItem(p, number, config) {
    var item = el("li", "press-item press-item-" + p.status);
    var head = el("div", "press-item-head");
    head.appendChild(badge(number, kindOf(config, p.kind).color, p.status));
    head.appendChild(el("b", "press-item-name", p.name));
    item.appendChild(head);
    item.appendChild(el("div", "press-meta", p.kind_label + " · " + p.status_label));
    if (p.address) { item.appendChild(el("div", "press-address", "Адрес: " + p.address)); }
    if (p.hours) { item.appendChild(el("div", "press-hours", "Часы работы: " + p.hours)); }
    if (p.notes) { item.appendChild(el("div", "press-notes", p.notes)); }
    item.addEventListener("click", function () {
      var marker = state.markers[number - 1];
      state.map.setView(marker.getLatLng(), Math.max(state.map.getZoom(), 11));
      marker.openPopup();
      document.getElementById("map").scrollIntoView({ behavior: "smooth" });
    });
    return item;
  }

  function buildList(node, points, config) {
    points.forEach(function (p, i) { node.appendChild(listItem(p, i + 1, config)); });
    document.getElementById("empty").hidden = points.length > 0;
  }

  function legendControl(map) {
    var control = L.control({ position: "bottomleft" });
    control.onAdd = function () { return document.getElementById("legend"); };
    control.addTo(map);
  }

  function init() {
    var points = data("points"), config = data("config"), base = data("basemap");
    var map = L.map("map", { minZoom: 5, maxZoom: 16, zoomSnap: 0.25, attributionControl: true });
    state.map = map;
    map.attributionControl.setPrefix("Leaflet · © Natural Earth");
    fit(map, points, base);  // first: permanent town labels need a map with a view
    addBasemap(map, base);
    addPoints(map, points, config);
    buildLegend(document.getElementById("legend"), points, config);
    legendControl(map);
    buildList(document.getElementById("list"), points, config);
    map.on("zoomend", spread);
    spread();
  }

  init();
  window.pressMap = {
    stats: function () {
      return { markers: state.markers.length, rendered: document.querySelectorAll(".press-marker").length,
        listed: document.querySelectorAll("#list > li").length, errors: state.errors, leaflet: typeof L };
    }
  };
})();

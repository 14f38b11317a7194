// Opershtab message popups. Drawn at once from the page's columns (category, time); the public
// text (author, place, message) is asked of Python when the popup opens and put in with
// textContent only. Several messages at one spot open as a list, one line per message.
(function () {
  "use strict";

  var LIST_LIMIT = 50;

  function plural(n, one, few, many) {
    var m10 = n % 10, m100 = n % 100;
    if (m10 === 1 && m100 !== 11) { return one; }
    return m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14) ? few : many;
  }

  // ctx: {map, store, send, el, timezone}
  function Popups(ctx) {
    this.ctx = ctx;
    this.current = null;
    this.format = null;
  }

  // «24.11 17:05» in the region's time zone (from the page config).
  Popups.prototype.localTime = function (ms) {
    if (!this.format) {
      this.format = new Intl.DateTimeFormat("ru-RU", { timeZone: this.ctx.timezone || "Europe/Moscow",
        day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
    }
    return typeof ms === "number" ? this.format.format(new Date(ms)).replace(",", "") : "";
  };

  Popups.prototype.latLngOf = function (row) {
    var s = this.ctx.store;
    return L.latLng(OpsIndex.decodeLat(s.y[row]), OpsIndex.decodeLng(s.x[row]));
  };

  Popups.prototype.styleOf = function (row) { return this.ctx.store.cats.style(this.ctx.store.cls[row]); };

  Popups.prototype.node = function (row) {
    var el = this.ctx.el, box = el("div", "ops-popup"), style = this.styleOf(row);
    var badge = el("span", "ops-cat", style.label);
    badge.style.backgroundColor = style.color;
    box.appendChild(badge);
    box.appendChild(el("div", "ops-meta", this.localTime(this.ctx.store.t[row])));
    box.appendChild(el("div", "ops-loading", "…"));
    return box;
  };

  // The popup of one message; Python is asked for its text. Returns the message id.
  Popups.prototype.open = function (row) {
    var id = this.ctx.store.id[row], node = this.node(row);
    var popup = L.popup({ maxWidth: 340, offset: [0, -10] }).setLatLng(this.latLngOf(row)).setContent(node);
    this.current = { id: id, row: row, node: node, popup: popup };
    popup.openOn(this.ctx.map);
    this.ctx.send({ type: "popup", id: id });
    return id;
  };

  // Python's answer: {author, settlement, address, text} (strings or null), or null when unknown.
  Popups.prototype.fill = function (id, details) {
    var open = this.current, el = this.ctx.el;
    if (!open || open.id !== id || !open.node.isConnected) { return false; }
    var box = open.node, d = details && typeof details === "object" ? details : {};
    var loading = box.querySelector(".ops-loading");
    if (loading) { box.removeChild(loading); }
    var place = [d.settlement, d.address].filter(function (v) { return typeof v === "string" && v; }).join(", ");
    var meta = [this.localTime(this.ctx.store.t[open.row]), place].filter(Boolean);
    box.querySelector(".ops-meta").textContent = meta.join(" · ");
    if (typeof d.author === "string" && d.author) { box.appendChild(el("div", "ops-author", d.author)); }
    box.appendChild(el("div", "ops-text", typeof d.text === "string" ? d.text : "Текст сообщения — в карточке справа"));
    open.popup.update();
    return true;
  };

  // Several messages at one place (street zoom): a list, newest first; a line opens its message.
  Popups.prototype.list = function (hit, openRow) {
    var s = this.ctx.store, el = this.ctx.el, self = this;
    var scale = 256 * Math.pow(2, this.ctx.map.getZoom()) / OpsIndex.SCALE;
    var rows = s.near(OpsIndex.encodeX(hit.latlng.lng), OpsIndex.encodeY(hit.latlng.lat), OpsStore.RADIUS / scale,
                      LIST_LIMIT);
    rows.sort(function (a, b) { return s.t[b] - s.t[a]; });
    var box = el("div", "ops-popup ops-list");
    var words = plural(hit.count, "сообщение", "сообщения", "сообщений");
    box.appendChild(el("b", null, hit.count + " " + words + " здесь"));
    rows.forEach(function (row) {
      var line = el("div", "ops-list-row"), style = self.styleOf(row), dot = el("i", "ops-dot");
      dot.style.backgroundColor = style.color;
      line.appendChild(dot);
      line.appendChild(document.createTextNode(self.localTime(s.t[row]) + " · " + style.label));
      line.addEventListener("click", function () { openRow(row); });
      box.appendChild(line);
    });
    if (hit.count > rows.length) { box.appendChild(el("div", "ops-meta", "и ещё " + (hit.count - rows.length))); }
    this.current = null;
    L.popup({ maxWidth: 340 }).setLatLng(hit.latlng).setContent(box).openOn(this.ctx.map);
    return rows.length;
  };

  window.OpsPopups = { Popups: Popups, plural: plural };
})();

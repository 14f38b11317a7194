// Opershtab message layer: one canvas over the map. Each frame (opershtab_frame.js) takes what the
// store shows in view and merges it into clusters; they are painted as discs whose ring shows the
// category mix, single messages as category icons. CanvasLayer is the base of the towns layer too.
(function () {
  "use strict";

  var RING = 6, ICON = 24, Frame = OpsFrame.Frame;
  var SCALE = OpsIndex.SCALE, HALF = OpsIndex.SCALE / 2;

  function radiusFor(count) {
    return count < 10 ? 14 : count < 100 ? 17 : count < 1000 ? 20 : count < 10000 ? 23 : count < 100000 ? 26 : 29;
  }

  function label(count) {
    if (count < 1000) { return String(count); }
    if (count < 10000) { return String(Math.round(count / 100) / 10).replace(".", ",") + "k"; }
    return Math.round(count / 1000) + "k";
  }

  // A canvas over the view (plus padding) that follows Leaflet's pans and zoom animations as its own
  // renderers do; subclasses paint in ``render()``. Redrawn on moveend, or on request in the next frame.
  var CanvasLayer = L.Layer.extend({
    options: { padding: 0.1, pane: "overlayPane", className: "" },

    onAdd: function () {
      if (!this._canvas) {
        this._canvas = L.DomUtil.create("canvas", "leaflet-zoom-animated " + this.options.className);
        this._ctx = this._canvas.getContext("2d");
      }
      this.getPane().appendChild(this._canvas);
      this._update();
    },

    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      this._bounds = null;
    },

    getEvents: function () {
      var events = { viewreset: this._reset, zoom: this._onZoom, moveend: this._update };
      if (this._map.options.zoomAnimation && L.Browser.any3d) { events.zoomanim = this._onAnimZoom; }
      return events;
    },

    _onAnimZoom: function (ev) { this._updateTransform(ev.center, ev.zoom); },
    _onZoom: function () { this._updateTransform(this._map.getCenter(), this._map.getZoom()); },
    // A view reset (zoom without animation) is always followed by moveend, which draws: draw once, not twice.
    _reset: function () { this._updateTransform(this._map.getCenter(), this._map.getZoom()); },

    // As Leaflet's own renderers: scale and move the last frame while a zoom animates.
    _updateTransform: function (center, zoom) {
      if (!this._center) { return; }
      var map = this._map, scale = map.getZoomScale(zoom, this._zoom);
      var viewHalf = map.getSize().multiplyBy(0.5 + this.options.padding);
      var offset = viewHalf.multiplyBy(-scale).add(map.project(this._center, zoom))
        .subtract(map._getNewPixelOrigin(center, zoom));
      if (L.Browser.any3d) { L.DomUtil.setTransform(this._canvas, offset, scale); }
      else { L.DomUtil.setPosition(this._canvas, offset); }
    },

    _update: function () {
      var map = this._map;
      if (!map) { return; }
      var p = this.options.padding, size = map.getSize();
      var min = map.containerPointToLayerPoint(size.multiplyBy(-p)).round();
      this._bounds = new L.Bounds(min, min.add(size.multiplyBy(1 + p * 2)).round());
      this._center = map.getCenter();
      this._zoom = map.getZoom();
      var b = this._bounds, s = b.getSize();
      L.DomUtil.setPosition(this._canvas, b.min);
      if (this._canvas.width !== s.x || this._canvas.height !== s.y) {
        this._canvas.width = s.x;
        this._canvas.height = s.y;
        this._canvas.style.width = s.x + "px";
        this._canvas.style.height = s.y + "px";
      }
      this.draw();
    },

    // Data changed: draw in the next animation frame (several changes cost one frame).
    requestDraw: function () {
      if (this.pendingDraw || !this._map) { return; }
      var self = this;
      this.pendingDraw = L.Util.requestAnimFrame(function () { self.pendingDraw = 0; self.draw(); });
    },

    draw: function () {
      if (this.pendingDraw) { L.Util.cancelAnimFrame(this.pendingDraw); this.pendingDraw = 0; }
      if (this._map && this._bounds) { this.render(this._ctx, this._bounds); }
    },

    // Canvas pixel of a latitude/longitude at the current zoom.
    toCanvas: function (lat, lng) {
      return this._map.latLngToLayerPoint([lat, lng]).subtract(this._bounds.min);
    }
  });

  var PointsLayer = CanvasLayer.extend({
    options: { padding: 0.1, pane: "overlayPane", className: "ops-points" },

    initialize: function (store, options) {
      L.setOptions(this, options);
      this.store = store;
      this.frame = new Frame(store);
      this.frameData = null;
      this.sprites = [];
      this.last = { items: 0, clusters: 0, drawn: 0, raw: 0, ms: 0, frames: 0 };
      this.pendingDraw = 0;
    },

    onRemove: function () {
      CanvasLayer.prototype.onRemove.call(this);
      this.frameData = null;
    },

    render: function (ctx, b) {
      var map = this._map, started = performance.now(), zoom = map.getZoom(), size = b.getSize();
      var origin = map.getPixelOrigin(), ox = b.min.x + origin.x, oy = b.min.y + origin.y;
      var f = this.frame, scale = 256 * Math.pow(2, zoom) / SCALE;
      f.begin(zoom, ox, oy, size.x, size.y);
      var box = [ox / scale - HALF, oy / scale - HALF, (ox + size.x) / scale - HALF, (oy + size.y) / scale - HALF];
      var raw = this.store.collect(zoom, box, f);
      var collected = performance.now();
      var out = f.merge();
      var merged = performance.now();
      this.paint(out, size);
      this.frameData = out;
      var drawn = 0, clusters = 0;
      for (var i = 0; i < out.n; i++) { drawn += out.count[i]; if (out.count[i] > 1) { clusters += 1; } }
      this.last = { items: out.n, clusters: clusters, drawn: drawn, raw: raw, frames: this.last.frames + 1, zoom: zoom,
                    center: [this._center.lat, this._center.lng],
                    ms: Math.round((performance.now() - started) * 10) / 10,
                    parts: [collected - started, merged - collected, performance.now() - merged].map(Math.round) };
      this.fire("drawn");
    },

    paint: function (out, size) {
      var ctx = this._ctx, cats = this.store.cats;
      ctx.clearRect(0, 0, size.x, size.y);
      if (this.sprites.length !== cats.k) { this.makeSprites(); }
      for (var i = 0; i < out.n; i++) {
        if (out.count[i] === 1 && out.row[i] >= 0) {
          ctx.drawImage(this.sprites[this.store.cls[out.row[i]]], Math.round(out.x[i] - ICON / 2),
                        Math.round(out.y[i] - ICON / 2));
        }
      }
      for (var j = 0; j < out.n; j++) {
        if (!(out.count[j] === 1 && out.row[j] >= 0)) { this.paintCluster(ctx, out, j); }
      }
    },

    // The ring is one annulus filled with a conic gradient of hard stops, one band per category
    // (eleven arcs filled one by one cost three times as much on a software canvas).
    paintCluster: function (ctx, out, i) {
      var k = this.store.cats.k, x = out.x[i], y = out.y[i], count = out.count[i], r = radiusFor(count);
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.arc(x, y, r - RING, 2 * Math.PI, 0, true);
      ctx.fillStyle = this.ring(out.mix, i * k, count, x, y);
      ctx.fill();
      ctx.beginPath();
      ctx.arc(x, y, r - RING, 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(255,255,255,0.93)";
      ctx.fill();
      ctx.beginPath();
      ctx.arc(x, y, r + 0.5, 0, 2 * Math.PI);
      ctx.strokeStyle = "rgba(30,30,30,0.55)";
      ctx.lineWidth = 1;
      ctx.stroke();
      var text = this.countSprite(label(count));
      ctx.drawImage(text, Math.round(x - text.width / 2), Math.round(y - text.height / 2));
    },

    ring: function (mix, at, count, x, y) {
      var cats = this.store.cats, ctx = this._ctx, from = 0, last = null;
      var gradient = ctx.createConicGradient(-Math.PI / 2, x, y);
      for (var c = 0; c < cats.k; c++) {
        if (!mix[at + c]) { continue; }
        var to = Math.min(1, from + mix[at + c] / count), color = cats.style(c).color;
        gradient.addColorStop(from, color);
        gradient.addColorStop(to, color);
        from = to;
        last = color;
      }
      if (last && from < 1) { gradient.addColorStop(1, last); }
      return gradient;
    },

    // A cluster's count, drawn once per distinct label (text is slow on a software canvas).
    countSprite: function (text) {
      this.counts = this.counts || new Map();
      if (!this.counts.has(text)) {
        var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d");
        var font = "bold " + (text.length < 4 ? 12 : 11) + "px 'PT Sans', 'DejaVu Sans', sans-serif";
        ctx.font = font;
        canvas.width = Math.ceil(ctx.measureText(text).width) + 2;
        canvas.height = 16;
        ctx.font = font;
        ctx.fillStyle = "#1d232a";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillText(text, canvas.width / 2, 8.5);
        if (this.counts.size > 2000) { this.counts.clear(); }
        this.counts.set(text, canvas);
      }
      return this.counts.get(text);
    },

    // One pre-drawn icon per category class: a disc in the category colour with its glyph.
    makeSprites: function () {
      var cats = this.store.cats;
      this.sprites = [];
      for (var c = 0; c < cats.k; c++) {
        var style = cats.style(c), canvas = document.createElement("canvas");
        canvas.width = canvas.height = ICON;
        var ctx = canvas.getContext("2d");
        ctx.beginPath();
        ctx.arc(ICON / 2, ICON / 2, ICON / 2 - 1.5, 0, 2 * Math.PI);
        ctx.fillStyle = style.color;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = "#222";
        ctx.stroke();
        var glyph = glyphOf(style.icon);
        if (glyph) {
          ctx.fillStyle = "#fff";
          ctx.font = "900 11px 'Font Awesome 6 Free'";
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillText(glyph, ICON / 2, ICON / 2 + 0.5);
        }
        this.sprites.push(canvas);
      }
    },

    refreshIcons: function () { this.sprites = []; this.counts = null; this.draw(); },

    // The topmost item under a container point: {index, single, row, count, latlng}.
    hit: function (containerPoint) {
      var out = this.frameData;
      if (!out || !this._bounds) { return null; }
      var p = this._map.containerPointToLayerPoint(containerPoint).subtract(this._bounds.min);
      for (var j = out.n - 1; j >= 0; j--) {
        var single = out.count[j] === 1 && out.row[j] >= 0, r = single ? ICON / 2 : radiusFor(out.count[j]);
        var dx = p.x - out.x[j], dy = p.y - out.y[j];
        if (dx * dx + dy * dy <= r * r) { return this.item(j); }
      }
      return null;
    },

    item: function (j) {
      var out = this.frameData, single = out.count[j] === 1 && out.row[j] >= 0;
      var at = this._bounds.min.add([out.x[j], out.y[j]]);
      var mix = [], k = this.store.cats.k, cats = this.store.cats;
      for (var c = 0; c < k; c++) { if (out.mix[j * k + c]) { mix.push([c, out.mix[j * k + c]]); } }
      return { index: j, single: single, row: single ? out.row[j] : -1, count: out.count[j], mix: mix,
               point: this._map.layerPointToContainerPoint(at), latlng: this._map.layerPointToLatLng(at),
               classes: cats };
    },

    items: function () {
      var list = [];
      for (var j = 0; this.frameData && j < this.frameData.n; j++) { list.push(this.item(j)); }
      return list;
    }
  });

  var glyphs = new Map();

  // The Font Awesome glyph of an icon class (our own constants), read from its CSS once.
  function glyphOf(icon) {
    if (!icon) { return ""; }
    if (!glyphs.has(icon)) {
      var probe = document.createElement("i");
      probe.className = "fa-solid " + icon;
      probe.style.position = "absolute";
      probe.style.visibility = "hidden";
      document.body.appendChild(probe);
      var content = getComputedStyle(probe, "::before").content || "";
      document.body.removeChild(probe);
      glyphs.set(icon, content.length >= 3 ? content.slice(1, -1) : "");
    }
    return glyphs.get(icon);
  }

  window.OpsCanvas = { CanvasLayer: CanvasLayer, PointsLayer: PointsLayer, Frame: Frame, radiusFor: radiusFor };
})();

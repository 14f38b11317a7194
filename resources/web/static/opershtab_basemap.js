// Opershtab offline basemap on one canvas: coastline, rivers, lakes, and towns with their names.
// Positions are projected once, when the data arrives; a frame only scales them and draws the 5°
// squares in view. As Leaflet vectors the country's coast was projected twice and clipped on every
// zoom step, and 2,800 town names as DOM tooltips cost hundreds of milliseconds per step.
// Town names come from the generated basemap; on a canvas they can only ever be text.
(function () {
  "use strict";

  var FONT = "11px 'PT Sans', 'DejaVu Sans', sans-serif";
  var STYLES = { lakes: ["#7fb1d3", 0.6], rivers: ["#6fa8d6", 1], coast: ["#4a7fb0", 1.2] };

  function worldX(lon) { return (lon + 180) / 360; }
  function worldY(lat) {
    var sin = Math.sin(lat * Math.PI / 180), y = 0.5 - 0.25 * Math.log((1 + sin) / (1 - sin)) / Math.PI;
    return y < 0 ? 0 : y > 1 ? 1 : y;
  }

  function settlementMinZoom(pop) { return pop >= 300000 ? 0 : pop >= 100000 ? 7 : pop >= 30000 ? 8 : 9; }

  // The parts of a MultiLineString in 5° squares: world bounds and flat [x, y, x, y, …] per part.
  function linesOf(geometry, name) {
    var parts = geometry && Array.isArray(geometry.coordinates) ? geometry.coordinates : [], squares = new Map();
    parts.forEach(function (part) {
      if (!Array.isArray(part) || part.length < 2 || !Array.isArray(part[0])) { return; }
      var key = Math.floor(part[0][0] / 5) * 100 + Math.floor(part[0][1] / 5), flat = new Float64Array(part.length * 2);
      var square = squares.get(key) || { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, parts: [] };
      part.forEach(function (c, i) {
        var x = worldX(+c[0]), y = worldY(+c[1]);
        flat[2 * i] = x; flat[2 * i + 1] = y;
        square.x0 = Math.min(square.x0, x); square.x1 = Math.max(square.x1, x);
        square.y0 = Math.min(square.y0, y); square.y1 = Math.max(square.y1, y);
      });
      square.parts.push(flat);
      squares.set(key, square);
    });
    return { color: STYLES[name][0], width: STYLES[name][1], squares: Array.from(squares.values()) };
  }

  function townsOf(settlements) {
    return (settlements || []).filter(function (t) {
      return typeof t.lat === "number" && typeof t.lon === "number";
    }).map(function (t) {
      return { lat: t.lat, lon: t.lon, x: worldX(t.lon), y: worldY(t.lat), name: String(t.name),
               big: t.population >= 100000, population: +t.population || 0,
               minZoom: settlementMinZoom(t.population), sprite: null };
    }).sort(function (a, b) { return b.population - a.population; });  // bigger towns get their names first
  }

  // A town's name with its white halo, drawn once into a small canvas (text is slow on a software canvas).
  function nameSprite(t) {
    if (!t.sprite) {
      var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d");
      ctx.font = FONT;
      canvas.width = Math.ceil(ctx.measureText(t.name).width) + 6;
      canvas.height = 16;
      ctx.font = FONT;
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      ctx.lineWidth = 3;
      ctx.strokeStyle = "rgba(255,255,255,0.9)";
      ctx.strokeText(t.name, 3, 8);
      ctx.fillStyle = "#222";
      ctx.fillText(t.name, 3, 8);
      t.sprite = canvas;
    }
    return t.sprite;
  }

  var Layer = OpsCanvas.CanvasLayer.extend({
    options: { padding: 0.1, className: "ops-basemap" },

    initialize: function (data, options) {
      L.setOptions(this, options);
      this.lines = ["lakes", "rivers", "coast"].map(function (name) { return linesOf(data[name], name); });
      this.towns = townsOf(data.settlements);
      this.show = { basemap: true, settlements: true };
      this.shown = 0;
      this.pendingDraw = 0;
    },

    // ``basemap`` (the lines) and ``settlements`` (the towns) are switched separately.
    setShown: function (name, on) {
      this.show[name] = !!on;
      this.draw();
    },

    render: function (ctx, b) {
      var map = this._map, size = b.getSize(), origin = map.getPixelOrigin();
      var view = { scale: 256 * Math.pow(2, map.getZoom()), ox: b.min.x + origin.x, oy: b.min.y + origin.y };
      ctx.clearRect(0, 0, size.x, size.y);
      if (this.show.basemap) { this.drawLines(ctx, view, size); }
      this.shown = this.show.settlements ? this.drawTowns(ctx, view, map) : 0;
      map.getContainer().classList.toggle("ops-zoom-names", map.getZoom() >= 8);
    },

    // One path per line style; points closer than a pixel to the last one drawn are skipped.
    drawLines: function (ctx, view, size) {
      var s = view.scale, x0 = view.ox / s, y0 = view.oy / s, x1 = (view.ox + size.x) / s, y1 = (view.oy + size.y) / s;
      this.lines.forEach(function (group) {
        ctx.beginPath();
        group.squares.forEach(function (sq) {
          if (sq.x1 < x0 || sq.x0 > x1 || sq.y1 < y0 || sq.y0 > y1) { return; }
          sq.parts.forEach(function (flat) {
            var lx = flat[0] * s - view.ox, ly = flat[1] * s - view.oy;
            ctx.moveTo(lx, ly);
            for (var i = 2; i < flat.length; i += 2) {
              var px = flat[i] * s - view.ox, py = flat[i + 1] * s - view.oy;
              if (Math.abs(px - lx) + Math.abs(py - ly) < 1 && i < flat.length - 2) { continue; }
              ctx.lineTo(px, py);
              lx = px; ly = py;
            }
          });
        });
        ctx.strokeStyle = group.color;
        ctx.lineWidth = group.width;
        ctx.stroke();
      });
    },

    // Towns in and around the view from their zoom on, as dots; a name that would overlap a dot or a
    // name already written is left out. Returns the number of towns drawn.
    drawTowns: function (ctx, view, map) {
      var zoom = map.getZoom(), around = map.getBounds().pad(0.25), here = [], taken = [];
      var south = around.getSouth(), north = around.getNorth(), west = around.getWest(), east = around.getEast();
      this.towns.forEach(function (t) {
        if (zoom < t.minZoom || t.lat < south || t.lat > north || t.lon < west || t.lon > east) { return; }
        var x = t.x * view.scale - view.ox, y = t.y * view.scale - view.oy;
        here.push([t, x, y]);
        taken.push([x - 3, y - 3, x + 3, y + 3]);
      });
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#333";
      ctx.fillStyle = "#fff";
      here.forEach(function (item) {
        ctx.beginPath();
        ctx.arc(item[1], item[2], item[0].big ? 3.5 : 2.5, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      });
      here.forEach(function (item) {
        var sprite = nameSprite(item[0]), x = item[1], y = item[2];
        var box = [x + 4, y - 7, x + 2 + sprite.width, y + 7];
        if (taken.some(function (o) { return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]; })) {
          return;
        }
        taken.push(box);
        ctx.drawImage(sprite, Math.round(x + 3), Math.round(y - 8));
      });
      return here.length;
    }
  });

  window.OpsBasemap = { Layer: Layer, worldX: worldX, worldY: worldY };
})();

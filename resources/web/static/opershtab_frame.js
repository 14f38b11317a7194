// Opershtab frame: what one picture of the message layer shows. The store feeds it index clusters
// and single rows in view; it sums them into a 30-pixel grid anchored to the world (so clusters do
// not jump while panning) and merges grid cells within the cluster radius, biggest first.
(function () {
  "use strict";

  var CELL = 30, RADIUS = OpsStore.RADIUS;
  var SCALE = OpsIndex.SCALE, HALF = OpsIndex.SCALE / 2;

  function Frame(store) {
    this.store = store;
    this.cap = 0;
  }

  Frame.prototype.begin = function (zoom, ox, oy, width, height) {
    var k = this.store.cats.k;
    this.k = k;
    this.scale = 256 * Math.pow(2, zoom) / SCALE;
    this.ox = ox;
    this.oy = oy;
    this.gx0 = Math.floor(ox / CELL);
    this.gy0 = Math.floor(oy / CELL);
    this.gw = Math.floor((ox + width) / CELL) - this.gx0 + 1;
    this.gh = Math.floor((oy + height) / CELL) - this.gy0 + 1;
    var size = this.gw * this.gh;
    if (size * k > this.cap || this.mixK !== k) {
      this.cap = size * k;
      this.mixK = k;
      this.cnt = new Float64Array(size); this.sx = new Float64Array(size); this.sy = new Float64Array(size);
      this.one = new Int32Array(size); this.mix = new Float64Array(size * k);
    } else {
      this.cnt.fill(0, 0, size); this.sx.fill(0, 0, size); this.sy.fill(0, 0, size); this.mix.fill(0, 0, size * k);
    }
    this.size = size;
    this.touched = [];
    this.mask = this.store.filter.exact ? null : this.store.filter.mask;
  };

  Frame.prototype.cell = function (px, py) {
    var gx = Math.floor(px / CELL) - this.gx0, gy = Math.floor(py / CELL) - this.gy0;
    if (gx < 0 || gy < 0 || gx >= this.gw || gy >= this.gh) { return -1; }
    var c = gx + gy * this.gw;
    if (this.cnt[c] === 0) { this.touched.push(c); this.one[c] = -1; }
    return c;
  };

  // sink.point: a row that passed the filter.
  Frame.prototype.point = function (r) {
    var s = this.store, px = (s.x[r] + HALF) * this.scale, py = (s.y[r] + HALF) * this.scale;
    var c = this.cell(px, py);
    if (c < 0) { return; }
    this.one[c] = this.cnt[c] === 0 ? r : -2;
    this.cnt[c] += 1;
    this.sx[c] += px;
    this.sy[c] += py;
    this.mix[c * this.k + s.cls[r]] += 1;
  };

  // Rows [from, to) of a bucket, filtered and summed in one tight loop (the first frame of a
  // million messages goes through here before any index exists).
  Frame.prototype.scan = function (rows, from, to, whole, box) {
    var s = this.store, X = s.x, Y = s.y, T = s.t, A = s.alive, C = s.cls, CAT = s.cat, f = s.filter;
    var lo = f.lo, hi = f.hi, mask = f.mask, exact = f.exact, x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
    var scale = this.scale, inv = 1 / CELL, gx0 = this.gx0, gy0 = this.gy0, gw = this.gw, gh = this.gh, k = this.k;
    var cnt = this.cnt, sx = this.sx, sy = this.sy, one = this.one, mix = this.mix, touched = this.touched;
    for (var i = from; i < to; i++) {
      var r = rows[i];
      if (A[r] !== 1) { continue; }
      var xr = X[r], yr = Y[r];
      if (xr < x0 || xr > x1 || yr < y0 || yr > y1) { continue; }
      if (!whole && (T[r] < lo || T[r] >= hi)) { continue; }
      var c = C[r];
      if (exact !== null ? !exact.has(CAT[r]) : mask !== null && mask[c] !== 1) { continue; }
      var px = (xr + HALF) * scale, py = (yr + HALF) * scale;
      var gx = Math.floor(px * inv) - gx0, gy = Math.floor(py * inv) - gy0;
      if (gx < 0 || gy < 0 || gx >= gw || gy >= gh) { continue; }
      var cell = gx + gy * gw, n = cnt[cell];
      if (n === 0) { touched.push(cell); one[cell] = r; } else { one[cell] = -2; }
      cnt[cell] = n + 1;
      sx[cell] += px;
      sy[cell] += py;
      mix[cell * k + c] += 1;
    }
  };

  // sink.single: a point of an index, by its position in the bucket's rows.
  Frame.prototype.single = function (local) {
    var r = this.rows[local];
    if (!this.mask || this.mask[this.store.cls[r]] === 1) { this.point(r); }
  };

  // sink.cluster: an index cluster with its category mix at mix[off .. off + k).
  Frame.prototype.cluster = function (x, y, count, mix, off) {
    var k = this.k, mask = this.mask, n = count, j;
    if (mask) {
      n = 0;
      for (j = 0; j < k; j++) { if (mask[j] === 1) { n += mix[off + j]; } }
      if (n === 0) { return; }
    }
    var px = (x + HALF) * this.scale, py = (y + HALF) * this.scale, c = this.cell(px, py);
    if (c < 0) { return; }
    this.one[c] = -2;
    this.cnt[c] += n;
    this.sx[c] += px * n;
    this.sy[c] += py * n;
    for (j = 0; j < k; j++) { if (!mask || mask[j] === 1) { this.mix[c * k + j] += mix[off + j]; } }
  };

  // Greedy merge of grid cells, biggest first, within the cluster radius of the seed's centre.
  Frame.prototype.merge = function () {
    var cnt = this.cnt, sx = this.sx, sy = this.sy, k = this.k, gw = this.gw, gh = this.gh;
    var order = this.touched.sort(function (a, b) { return cnt[b] - cnt[a]; });
    var taken = new Uint8Array(this.size), m = order.length, r2 = RADIUS * RADIUS;
    var out = { n: 0, x: new Float64Array(m), y: new Float64Array(m), count: new Float64Array(m),
                row: new Int32Array(m), mix: new Float64Array(m * k) };
    for (var i = 0; i < m; i++) {
      var c = order[i];
      if (taken[c]) { continue; }
      taken[c] = 1;
      var cx = sx[c] / cnt[c], cy = sy[c] / cnt[c], total = cnt[c], wx = sx[c], wy = sy[c], row = this.one[c];
      var at = out.n * k, gx = c % gw, gy = (c / gw) | 0;
      for (var j = 0; j < k; j++) { out.mix[at + j] = this.mix[c * k + j]; }
      for (var dy = -2; dy <= 2; dy++) {
        var ny = gy + dy;
        if (ny < 0 || ny >= gh) { continue; }
        for (var dx = -2; dx <= 2; dx++) {
          var nx = gx + dx, d = nx + ny * gw;
          if (nx < 0 || nx >= gw || taken[d] || cnt[d] === 0) { continue; }
          var ex = sx[d] / cnt[d] - cx, ey = sy[d] / cnt[d] - cy;
          if (ex * ex + ey * ey > r2) { continue; }
          taken[d] = 1;
          total += cnt[d]; wx += sx[d]; wy += sy[d]; row = -2;
          for (var q = 0; q < k; q++) { out.mix[at + q] += this.mix[d * k + q]; }
        }
      }
      out.x[out.n] = wx / total - this.ox;
      out.y[out.n] = wy / total - this.oy;
      out.count[out.n] = total;
      out.row[out.n] = total === 1 ? row : -1;
      out.n += 1;
    }
    return out;
  };

  window.OpsFrame = { Frame: Frame, CELL: CELL };
})();

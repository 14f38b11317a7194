// Opershtab message points: columns in typed arrays, grouped into time buckets (an hour, or more
// when the data spans long), the filter, and what a frame shows. Each big bucket gets its own
// supercluster index (opershtab_builder.js); the rest is read row by row at draw time.
(function () {
  "use strict";

  var HOUR = 3600000, MAX_BUCKETS = 48, REBUCKET_AT = 600;
  // indexMin: smaller buckets are drawn from their rows directly; compactAt: dead rows before compaction.
  var TUNING = { indexMin: 2000, compactAt: 100000 };
  var FEW = 5000;  // with categories filtered out, a remainder this small is read row by row
  var INDEX_MAX_ZOOM = 13;  // deeper zooms read the index's raw level and merge at draw time
  var RADIUS = 60;  // cluster radius, screen pixels
  var grow = OpsRows.grow, IdIndex = OpsRows.IdIndex, Categories = OpsRows.Categories;

  // --- the store ---
  function Store(config, onChange) {
    this.cats = new Categories(config);
    this.onChange = function () {};
    this.builder = new OpsStore.Builder(this);
    this.clear();
    this.onChange = onChange;
  }

  Store.prototype.clear = function () {
    this.n = 0;
    this.live = 0;
    this.dead = 0;
    this.alloc(1024);
    this.byId = new IdIndex(1024);
    this.idsCovered = 0;
    this.width = 0;
    this.buckets = new Map();
    this.queue = [];
    this.generation = (this.generation || 0) + 1;
    this.builds = this.builds || 0;
    this.filter = this.filter || { lo: -Infinity, hi: Infinity, mask: null, exact: null };
    this.setFilter(this.filterSpec || {});
  };

  Store.prototype.alloc = function (capacity) {
    this.cap = capacity;
    this.id = new Float64Array(capacity);
    this.t = new Float64Array(capacity);
    this.x = new Int32Array(capacity);
    this.y = new Int32Array(capacity);
    this.cat = new Uint16Array(capacity);
    this.cls = new Uint8Array(capacity);
    this.alive = new Uint8Array(capacity);
  };

  Store.prototype.reserve = function (more) {
    if (this.n + more <= this.cap) { return; }
    var size = Math.max(this.n + more, Math.ceil(this.cap * 1.5));
    var self = this;
    ["id", "t", "x", "y", "cat", "cls", "alive"].forEach(function (name) { self[name] = grow(self[name], size); });
    this.cap = size;
  };

  // A batch from Python: {n, ids: "u32"|"f64", categories: [...]}, bytes = t f64 | id | x i32 | y i32 | cat u16.
  Store.prototype.decode = function (meta, bytes) {
    var n = meta.n, buffer = bytes.buffer, at = bytes.byteOffset;
    if (!(n >= 0) || bytes.byteLength < n * (meta.ids === "f64" ? 26 : 22)) { throw new Error("short points block"); }
    var t = new Float64Array(buffer, at, n);
    at += 8 * n;
    var id = meta.ids === "f64" ? new Float64Array(buffer, at, n) : new Uint32Array(buffer, at, n);
    at += id.BYTES_PER_ELEMENT * n;
    var x = new Int32Array(buffer, at, n), y = new Int32Array(buffer, at + 4 * n, n);
    var cat = new Uint16Array(buffer, at + 8 * n, n);
    var self = this, known = this.cats.codes.length;
    var local = (meta.categories || []).map(function (code) { return self.cats.index(code); });
    var spec = this.filterSpec || {};
    if (this.cats.codes.length > known && Array.isArray(spec.categories) && spec.categories.length) {
      this.setFilter(spec);  // a code the filter names may only now exist
    }
    return { n: n, t: t, id: id, x: x, y: y, cat: cat, local: local };
  };

  Store.prototype.chooseWidth = function (batch) {
    var lo = Infinity, hi = -Infinity;
    for (var i = 0; i < batch.n; i++) { var v = batch.t[i]; if (v < lo) { lo = v; } if (v > hi) { hi = v; } }
    var width = HOUR;
    while (hi > lo && (hi - lo) / width > MAX_BUCKETS) { width *= 2; }
    this.width = width;
  };

  Store.prototype.bucketOf = function (t) {
    var key = Math.floor(t / this.width);
    var b = this.buckets.get(key);
    if (!b) {
      b = { key: key, lo: key * this.width, hi: (key + 1) * this.width, rows: new Uint32Array(64), len: 0,
            live: new Float64Array(this.cats.k), dead: 0, index: null, indexed: 0, gen: 0, queued: false };
      this.buckets.set(key, b);
    }
    return b;
  };

  Store.prototype.put = function (b, row) {
    if (b.len === b.rows.length) { b.rows = grow(b.rows, b.rows.length * 2); }
    b.rows[b.len++] = row;
    b.live[this.cls[row]] += 1;
  };

  // The row of a live message, or -1. Ids of rows added in bulk are indexed on first need.
  Store.prototype.rowOf = function (id) {
    this.ensureIds();
    var row = this.byId.get(Number(id));
    return row >= 0 && this.alive[row] === 1 ? row : -1;
  };

  Store.prototype.ensureIds = function () {
    if (this.idsCovered === this.n) { return; }
    var touched = new Set(), twins = 0;
    for (var r = this.idsCovered; r < this.n; r++) {
      if (this.alive[r] !== 1) { continue; }
      var old = this.byId.get(this.id[r]);
      if (old >= 0 && old !== r && this.alive[old] === 1) { this.kill(old, touched); twins += 1; }
      this.byId.set(this.id[r], r);
    }
    this.idsCovered = this.n;
    if (twins) { this.live -= twins; this.afterChange(touched); }
  };

  // New messages; ids already present are skipped (``replace`` puts new data in their place).
  Store.prototype.add = function (batch, replace) {
    if (!batch.n) { return 0; }
    if (!this.width) { this.chooseWidth(batch); }
    var keep = null, touched = new Set(), replaced = 0, covered = this.idsCovered === this.n;
    if (this.live > 0 || replace) {
      keep = new Uint8Array(batch.n);
      for (var i = 0; i < batch.n; i++) {
        var old = this.rowOf(batch.id[i]);
        if ((old >= 0) !== !!replace) { continue; }
        if (old >= 0) { this.kill(old, touched); replaced += 1; }
        keep[i] = 1;
      }
    }
    var added = this.append(batch, keep, touched);
    this.live += added - replaced;
    if (replace || (covered && added < 20000)) { this.ensureIds(); } else { this.idsLater(); }
    this.afterChange(touched);
    return added;
  };

  // Index the ids of a big batch when the page is idle (after its first frame).
  Store.prototype.idsLater = function () {
    var self = this, later = window.requestIdleCallback || function (fn) { return setTimeout(fn, 300); };
    later(function () { self.ensureIds(); }, { timeout: 2000 });
  };

  // Copy the kept rows of a batch into the columns and their buckets (two passes, no per-row maps).
  Store.prototype.append = function (batch, keep, touched) {
    var m = batch.n, i;
    if (keep) { m = 0; for (i = 0; i < batch.n; i++) { m += keep[i]; } }
    if (!m) { return 0; }
    this.reserve(m);
    var base = this.n, classOf = this.cats.classOf, local = batch.local, r = base;
    if (!keep) {
      this.id.set(batch.id, base); this.t.set(batch.t, base); this.x.set(batch.x, base); this.y.set(batch.y, base);
    }
    for (i = 0; i < batch.n; i++) {
      if (keep && !keep[i]) { continue; }
      if (keep) { this.id[r] = batch.id[i]; this.t[r] = batch.t[i]; this.x[r] = batch.x[i]; this.y[r] = batch.y[i]; }
      var cat = local[batch.cat[i]] || 0;
      this.cat[r] = cat;
      this.cls[r] = classOf[cat];
      r += 1;
    }
    this.alive.fill(1, base, base + m);
    this.n = base + m;
    this.group(base, this.n, touched);
    return m;
  };

  // Put rows [from, to) into their buckets: count per bucket first, then fill.
  Store.prototype.group = function (from, to, touched) {
    var t = this.t, width = this.width, lo = Infinity, hi = -Infinity, r, key;
    for (r = from; r < to; r++) {
      key = Math.floor(t[r] / width);
      if (key < lo) { lo = key; }
      if (key > hi) { hi = key; }
    }
    if (hi - lo > 100000) {
      for (r = from; r < to; r++) { var one = this.bucketOf(t[r]); this.put(one, r); touched.add(one); }
      return;
    }
    var counts = new Int32Array(hi - lo + 1), list = new Array(hi - lo + 1);
    for (r = from; r < to; r++) { counts[Math.floor(t[r] / width) - lo] += 1; }
    for (var j = 0; j < counts.length; j++) {
      if (!counts[j]) { continue; }
      var b = list[j] = this.bucketOf((lo + j) * width);
      if (b.len + counts[j] > b.rows.length) { b.rows = grow(b.rows, Math.max(b.len + counts[j], b.rows.length * 2)); }
      touched.add(b);
    }
    var cls = this.cls;
    for (r = from; r < to; r++) {
      var bucket = list[Math.floor(t[r] / width) - lo];
      bucket.rows[bucket.len++] = r;
      bucket.live[cls[r]] += 1;
    }
  };

  Store.prototype.kill = function (row, touched) {
    if (!this.alive[row]) { return; }
    this.alive[row] = 0;
    var b = this.buckets.get(Math.floor(this.t[row] / this.width));
    if (b) {
      b.live[this.cls[row]] -= 1;
      b.dead += 1;
      touched.add(b);
    }
    this.dead += 1;
  };

  Store.prototype.remove = function (ids) {
    var touched = new Set(), gone = 0;
    for (var i = 0; i < ids.length; i++) {
      var row = this.rowOf(ids[i]);
      if (row >= 0) { this.kill(row, touched); gone += 1; }
    }
    this.live -= gone;
    this.afterChange(touched);
    return gone;
  };

  // Forget messages published before ``ms``: whole buckets go at once, the boundary one row by row.
  Store.prototype.pruneBefore = function (ms) {
    var touched = new Set(), gone = 0, self = this;
    this.buckets.forEach(function (b) {
      if (b.lo >= ms) { return; }
      for (var i = 0; i < b.len; i++) {
        var r = b.rows[i];
        if (self.alive[r] === 1 && self.t[r] < ms) { self.kill(r, touched); gone += 1; }
      }
      if (b.hi <= ms) { self.buckets.delete(b.key); touched.delete(b); }
    });
    this.live -= gone;
    this.afterChange(touched);
    return gone;
  };

  Store.prototype.afterChange = function (touched) {
    var self = this;
    if (this.buckets.size > REBUCKET_AT) { this.rebucket(); return; }
    if (this.dead > Math.max(TUNING.compactAt, this.live)) { this.compact(); return; }
    touched.forEach(function (b) { self.consider(b); });
    this.builder.pump();
    this.onChange();
  };

  // --- the filter: [lo, hi) in ms and categories (config codes as classes; other codes exactly) ---
  Store.prototype.setFilter = function (spec) {
    this.filterSpec = spec;
    var cats = this.cats, mask = null, exact = null;
    var codes = Array.isArray(spec.categories) ? spec.categories.map(String) : [];
    if (codes.length) {
      mask = new Uint8Array(cats.k);
      codes.forEach(function (code) {
        if (cats.known.has(code)) { mask[cats.known.get(code)] = 1; }
        else if (cats.ids.has(code)) { exact = exact || new Set(); exact.add(cats.ids.get(code)); }
      });
      if (exact) {  // some codes outside the page's categories: every row is judged by its own code
        cats.known.forEach(function (cls, code) {
          if (mask[cls] && cats.ids.has(code)) { exact.add(cats.ids.get(code)); }
        });
      }
    }
    this.filter = { lo: typeof spec.start === "number" ? spec.start : -Infinity,
                    hi: typeof spec.end === "number" ? spec.end : Infinity, mask: mask, exact: exact };
    this.onChange();
  };

  Store.prototype.passes = function (r) {
    var f = this.filter;
    return this.alive[r] === 1 && this.t[r] >= f.lo && this.t[r] < f.hi &&
      (f.exact ? f.exact.has(this.cat[r]) : !f.mask || f.mask[this.cls[r]] === 1);
  };

  // Messages passing the filter: whole buckets from their class counts, the rest row by row.
  Store.prototype.countVisible = function () {
    var f = this.filter, total = 0, self = this;
    this.buckets.forEach(function (b) {
      if (b.hi <= f.lo || b.lo >= f.hi) { return; }
      if (b.lo >= f.lo && b.hi <= f.hi && !f.exact) {
        for (var c = 0; c < b.live.length; c++) { if (!f.mask || f.mask[c]) { total += b.live[c]; } }
        return;
      }
      for (var i = 0; i < b.len; i++) { if (self.passes(b.rows[i])) { total += 1; } }
    });
    return total;
  };

  // Everything the filter shows inside the encoded box at ``zoom``, fed to ``sink``: index items through
  // sink.cluster(x, y, count, mix, offset) / sink.single(local), rows through sink.scan(rows, from, to, whole, box).
  Store.prototype.collect = function (zoom, box, sink) {
    var f = this.filter, raw = 0;
    this.buckets.forEach(function (b) {
      if (b.hi <= f.lo || b.lo >= f.hi || b.len === b.dead) { return; }
      var whole = b.lo >= f.lo && b.hi <= f.hi && !f.exact, from = 0;
      // With categories filtered out, a small remainder is read row by row: exact singles, no «1» clusters.
      if (whole && b.index && b.dead === 0 && (!f.mask || shown(b, f.mask) > FEW)) {
        sink.rows = b.rows;
        OpsIndex.query(b.index, zoom, box, sink);
        from = b.indexed;
      }
      raw += b.len - from;
      sink.scan(b.rows, from, b.len, whole, box);
    });
    return raw;
  };

  function shown(b, mask) {
    var n = 0;
    for (var c = 0; c < b.live.length; c++) { if (mask[c] === 1) { n += b.live[c]; } }
    return n;
  }

  Store.prototype.scan = function (b, box, sink) {
    var x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
    for (var i = 0; i < b.len; i++) {
      var r = b.rows[i];
      if (this.x[r] >= x0 && this.x[r] <= x1 && this.y[r] >= y0 && this.y[r] <= y1 && this.passes(r)) { sink.point(r); }
    }
  };

  // Rows passing the filter near an encoded point (a pile of messages at one place), at most ``limit``.
  Store.prototype.near = function (x, y, radius, limit) {
    var out = [], box = [x - radius, y - radius, x + radius, y + radius], self = this;
    var sink = { point: function (r) { if (out.length < limit) { out.push(r); } } };
    this.buckets.forEach(function (b) {
      var f = self.filter;
      if (b.hi > f.lo && b.lo < f.hi) { self.scan(b, box, sink); }
    });
    return out;
  };

  Store.prototype.stats = function () {
    var indexed = 0, bytes = 0, indexes = 0;
    this.buckets.forEach(function (b) {
      if (b.index) { indexed += b.indexed; bytes += b.index.bytes; indexes += 1; }
    });
    return { markers: this.live, indexed: indexed, indexes: indexes, buckets: this.buckets.size,
             pending: this.queue.length + (this.builder.busy || this.builder.waiting ? 1 : 0),
             index_mb: Math.round(bytes / 1048576),
             worker: this.builder.mode };
  };

  window.OpsStore = { Store: Store, IdIndex: OpsRows.IdIndex, Categories: OpsRows.Categories, RADIUS: RADIUS,
                      INDEX_MAX_ZOOM: INDEX_MAX_ZOOM, TUNING: TUNING, MAX_BUCKETS: MAX_BUCKETS, HOUR: HOUR };
})();

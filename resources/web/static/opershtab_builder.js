// Opershtab index building: which time bucket gets a supercluster index and when, built in a
// Web Worker (opershtab_index.js) and handed back as transferred buffers; on the page in steps
// when no worker starts. Extends OpsStore.Store (opershtab_store.js).
(function () {
  "use strict";

  var Store = OpsStore.Store, TUNING = OpsStore.TUNING, MAX_BUCKETS = OpsStore.MAX_BUCKETS, IdIndex = OpsRows.IdIndex;
  var WORKER_SCRIPTS = ["app://assets/supercluster/dist/supercluster.min.js", "app://static/opershtab_index.js"];

  // A bucket wants a (new) index when it is big enough and its index misses much or has dead rows.
  Store.prototype.consider = function (b) {
    var alive = b.len - b.dead;
    var least = TUNING.indexMin;
    var wants = alive >= least && (!b.index || b.dead > 0 || b.len - b.indexed > Math.max(least, b.indexed / 2));
    if (b.index && b.dead > 0) { b.index = null; b.indexed = 0; }
    if (wants && !b.queued) { b.queued = true; this.queue.push(b); }
  };

  // The rows a build covers: the bucket's live rows, which become its row list.
  Store.prototype.snapshot = function (b) {
    var keep = new Uint32Array(Math.max(64, b.len - b.dead + 64)), m = 0;
    for (var i = 0; i < b.len; i++) { var r = b.rows[i]; if (this.alive[r]) { keep[m++] = r; } }
    b.rows = keep;
    b.len = m;
    b.dead = 0;
    var x = new Int32Array(m), y = new Int32Array(m), cls = new Uint8Array(m);
    for (var j = 0; j < m; j++) { var row = keep[j]; x[j] = this.x[row]; y[j] = this.y[row]; cls[j] = this.cls[row]; }
    b.gen = ++this.builds;
    return { key: b.key, gen: b.gen, generation: this.generation, n: m, x: x, y: y, cls: cls, k: this.cats.k,
             maxZoom: OpsStore.INDEX_MAX_ZOOM, radius: OpsStore.RADIUS };
  };

  Store.prototype.install = function (packed, restored) {
    var b = this.buckets.get(packed.key);
    if (!b || b.gen !== packed.gen || packed.generation !== this.generation) { return false; }
    if (b.dead > 0) { this.consider(b); return false; }
    b.index = restored;
    b.indexed = packed.n;
    this.consider(b);
    this.onChange();
    return true;
  };

  // The next bucket to index: those in the filter's period first, then the biggest.
  Store.prototype.next = function () {
    var f = this.filter, self = this;
    this.queue = this.queue.filter(function (b) { return self.buckets.get(b.key) === b || (b.queued = false); });
    if (!this.queue.length) { return null; }
    var best = 0;
    for (var i = 1; i < this.queue.length; i++) {
      var a = this.queue[i], c = this.queue[best];
      var ain = a.hi > f.lo && a.lo < f.hi, cin = c.hi > f.lo && c.lo < f.hi;
      if ((ain && !cin) || (ain === cin && a.len > c.len)) { best = i; }
    }
    var b = this.queue.splice(best, 1)[0];
    b.queued = false;
    return b.len - b.dead >= TUNING.indexMin ? b : this.next();
  };

  Store.prototype.rebuildAll = function () {
    var self = this;
    this.queue = [];
    this.buckets.forEach(function (b) { b.index = null; b.indexed = 0; b.queued = false; self.consider(b); });
    this.generation += 1;
  };

  Store.prototype.rebucket = function () {
    var lo = Infinity, hi = -Infinity, r;
    for (r = 0; r < this.n; r++) { if (this.alive[r]) { lo = Math.min(lo, this.t[r]); hi = Math.max(hi, this.t[r]); } }
    while (hi > lo && (hi - lo) / this.width > MAX_BUCKETS) { this.width *= 2; }
    this.buckets = new Map();
    for (r = 0; r < this.n; r++) { if (this.alive[r]) { this.put(this.bucketOf(this.t[r]), r); } }
    this.rebuildAll();
    this.builder.pump();
    this.onChange();
  };

  // Drop dead rows from the columns (a wall pruning for days), renumbering rows everywhere.
  Store.prototype.compact = function () {
    var cols = { id: this.id, t: this.t, x: this.x, y: this.y, cat: this.cat, cls: this.cls, alive: this.alive };
    var count = this.n, moved = new Int32Array(count).fill(-1), m = 0;
    this.alloc(Math.max(1024, Math.ceil(this.live * 1.25)));
    for (var i = 0; i < count; i++) {
      if (cols.alive[i] !== 1) { continue; }
      moved[i] = m;
      this.id[m] = cols.id[i]; this.t[m] = cols.t[i]; this.x[m] = cols.x[i]; this.y[m] = cols.y[i];
      this.cat[m] = cols.cat[i]; this.cls[m] = cols.cls[i]; this.alive[m] = 1;
      m += 1;
    }
    this.n = m;
    this.dead = 0;
    this.byId = new IdIndex(m);
    this.idsCovered = 0;
    this.buckets.forEach(function (b) {
      var keep = new Uint32Array(Math.max(64, b.len)), len = 0;
      for (var k = 0; k < b.len; k++) { var to = moved[b.rows[k]]; if (to >= 0) { keep[len++] = to; } }
      b.rows = keep;
      b.len = len;
      b.dead = 0;
    });
    this.rebuildAll();
    this.builder.pump();
    this.onChange();
  };

  // --- building indexes: in a Web Worker, or on the page in small steps when workers fail ---
  function Builder(store) {
    this.store = store;
    this.busy = null;
    this.mode = "worker";
    this.KDBush = null;
    try {
      var source = "importScripts(" + WORKER_SCRIPTS.map(function (s) { return JSON.stringify(s); }).join(",") + ");";
      this.worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
      var self = this;
      this.worker.onmessage = function (e) { self.done(e.data); };
      this.worker.onerror = function (e) { e.preventDefault(); self.fallback(); };
    } catch (err) {
      this.fallback();
    }
  }

  Builder.prototype.kd = function () {
    if (!this.KDBush) { this.KDBush = new Supercluster({ maxZoom: 0 }).load([]).trees[0].constructor; }
    return this.KDBush;
  };

  Builder.prototype.fallback = function () {
    if (this.worker) { this.worker.terminate(); this.worker = null; }
    this.mode = "page";
    var pending = this.busy;
    this.busy = null;
    if (pending) { var b = this.store.buckets.get(pending.key); if (b) { b.gen = 0; this.store.consider(b); } }
    this.pump();
  };

  // Builds start after the next frame: the first picture of a million points comes before any index.
  Builder.prototype.pump = function () {
    if (this.busy || this.waiting) { return; }
    var self = this;
    this.waiting = true;
    var go = function () { if (self.waiting) { self.waiting = false; self.start(); } };
    requestAnimationFrame(function () { setTimeout(go, 0); });
    setTimeout(go, 250);  // hidden pages get no animation frames
  };

  Builder.prototype.start = function () {
    if (this.busy) { return; }
    var b = this.store.next();
    if (!b) { return; }
    var input = this.store.snapshot(b);
    this.busy = { key: input.key, gen: input.gen };
    if (this.worker) {
      this.worker.postMessage(input, [input.x.buffer, input.y.buffer, input.cls.buffer]);
      return;
    }
    var self = this;
    setTimeout(function () {
      self.done(OpsIndex.build(Supercluster, input).packed);
    }, 0);
  };

  Builder.prototype.done = function (packed) {
    this.busy = null;
    this.store.install(packed, OpsIndex.restore(this.kd(), packed));
    this.pump();
  };

  // Tests: index even small buckets, so the fixture goes through supercluster too.
  Store.prototype.tune = function (options) {
    if (typeof options.indexMin === "number" && options.indexMin >= 2) { TUNING.indexMin = options.indexMin; }
    if (typeof options.compactAt === "number" && options.compactAt >= 1) { TUNING.compactAt = options.compactAt; }
    var self = this;
    this.buckets.forEach(function (b) { self.consider(b); });
    this.builder.pump();
    return { indexMin: TUNING.indexMin, compactAt: TUNING.compactAt };
  };

  OpsStore.Builder = Builder;
})();

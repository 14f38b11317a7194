// Opershtab point index: supercluster (npm, pinned 9.1.0) fed from typed arrays instead of
// GeoJSON objects, with the category mix of every cluster kept in one Uint32Array.
// Runs in the page and in the index worker (importScripts): no DOM, no Leaflet here.
// It reads supercluster's flat Int32 layout (stride 7 with a reducer); the pinned version
// and tests/test_map_engine.py keep that honest.
(function (root) {
  "use strict";

  var SCALE = 0x40000000, INV = 1 / SCALE;  // supercluster 9's Int32 encoding of [0, 1] coordinates
  var STRIDE = 7, OFF_ZOOM = 2, OFF_ID = 3, OFF_PARENT = 4, OFF_NUM = 5, OFF_PROP = 6;
  var EXTENT = 256;  // Leaflet's tile size: ``radius`` is then in screen pixels at each zoom

  function encodeX(lng) { return ((lng / 360 + 0.5) - 0.5) * SCALE; }
  function encodeY(lat) {
    var sin = Math.sin(lat * Math.PI / 180);
    var y = 0.5 - 0.25 * Math.log((1 + sin) / (1 - sin)) / Math.PI;
    return ((y < 0 ? 0 : y > 1 ? 1 : y) - 0.5) * SCALE;
  }
  function decodeLng(v) { return v * INV * 360; }
  function decodeLat(v) {
    var y2 = (180 - (v * INV + 0.5) * 360) * Math.PI / 180;
    return 360 * Math.atan(Math.exp(y2)) / Math.PI - 90;
  }

  // Category counts per cluster: slot s holds K counters at counts[s*K .. s*K+K).
  // Slot 0 stays unused: supercluster starts a cluster's properties when they are falsy.
  function Counts(k, expected) {
    this.k = k;
    this.slots = 1;
    this.data = new Uint32Array(Math.max(16, expected) * k);
  }
  Counts.prototype.slot = function () {
    if ((this.slots + 1) * this.k > this.data.length) {
      var bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    return this.slots++;
  };

  // Build one index over n points: x, y (encoded Int32), cls (category class < k).
  function build(Supercluster, input) {
    var k = input.k, cls = input.cls, counts = new Counts(k, input.n >> 1);
    var index = new Supercluster({ minZoom: 0, maxZoom: input.maxZoom, radius: input.radius, extent: EXTENT,
                                   nodeSize: 64, reduce: reduce });
    function reduce(acc, v) {
      var d = counts.data, a = acc * k;
      if (v < 0) { d[a - v - 1] += 1; return; }
      for (var c = 0, b = v * k; c < k; c++) { d[a + c] += d[b + c]; }
    }
    // A cluster's mix is its slot; a single point is -(class + 1). ``clone`` starts a new cluster.
    index._map = function (data, i, clone) {
      if (data[i + OFF_NUM] > 1) {
        var from = this.clusterProps[data[i + OFF_PROP]];
        if (!clone) { return from; }
        var copy = counts.slot();
        counts.data.copyWithin(copy * k, from * k, from * k + k);
        return copy;
      }
      var c = cls[data[i + OFF_ID]];
      if (!clone) { return -(c + 1); }
      var s = counts.slot();
      counts.data[s * k + c] = 1;
      return s;
    };
    loadColumns(index, input.x, input.y, input.n);
    return pack(index, counts, input);
  }

  // supercluster's load() without GeoJSON features: the same zoom loop over our columns.
  function loadColumns(index, xs, ys, n) {
    var maxZoom = index.options.maxZoom, minZoom = index.options.minZoom, fresh = maxZoom + 1;
    index.numPoints = n;
    var data = new Int32Array(n * STRIDE);
    for (var i = 0, w = 0; i < n; i++, w += STRIDE) {
      data[w] = xs[i]; data[w + 1] = ys[i]; data[w + OFF_ZOOM] = fresh; data[w + OFF_ID] = i;
      data[w + OFF_PARENT] = -1; data[w + OFF_NUM] = 1;
    }
    index.trees[maxZoom + 1] = index._createTree(data, n);
    var prev = data, prevNum = n, recycled = null;
    for (var z = maxZoom; z >= minZoom; z--) {
      var out = recycled || new Int32Array(prevNum * STRIDE);
      recycled = null;
      var written = index._cluster(prev, prevNum, z, out);
      if (written === prevNum) {
        index.trees[z] = index.trees[z + 1];
        recycled = out;
      } else {
        index.trees[z] = index._createTree(out, written);
        prev = out;
        prevNum = written;
      }
    }
  }

  // The built index as transferable buffers: distinct trees (KDBush buffer + trimmed slab), the
  // tree of each zoom, the slot of each cluster-props entry and the counts.
  function pack(index, counts, input) {
    var trees = [], levels = [], seen = new Map();
    for (var z = 0; z < index.trees.length; z++) {
      var tree = index.trees[z];
      if (!seen.has(tree)) {
        seen.set(tree, trees.length);
        var used = tree.numItems * STRIDE;
        trees.push({ kd: tree.ids.buffer, data: tree.data.length > used ? tree.data.slice(0, used) : tree.data,
                     items: tree.numItems });
      }
      levels.push(seen.get(tree));
    }
    var props = Int32Array.from(index.clusterProps);
    var mix = counts.data.slice(0, counts.slots * counts.k);
    var transfer = [props.buffer, mix.buffer];
    trees.forEach(function (t) { transfer.push(t.kd, t.data.buffer); });
    var packed = { key: input.key, gen: input.gen, generation: input.generation, n: input.n, k: counts.k,
                   maxZoom: index.options.maxZoom, trees: trees, levels: levels, props: props, mix: mix };
    return { packed: packed, transfer: transfer };
  }

  // The packed index, queryable where it arrived (KDBush comes from supercluster's own bundle).
  function restore(KDBush, packed) {
    var trees = packed.trees.map(function (t) {
      var tree = KDBush.from(t.kd);
      tree.data = t.data;
      return tree;
    });
    return { n: packed.n, k: packed.k, maxZoom: packed.maxZoom, levels: packed.levels, trees: trees,
             props: packed.props, mix: packed.mix, bytes: bytesOf(packed) };
  }

  function bytesOf(packed) {
    var total = packed.props.byteLength + packed.mix.byteLength;
    packed.trees.forEach(function (t) { total += t.kd.byteLength + t.data.byteLength; });
    return total;
  }

  // Items of one index at ``zoom`` inside the encoded box: sink.cluster(x, y, count, mix, offset)
  // for clusters, sink.single(localIndex) for points.
  function query(index, zoom, box, sink) {
    var z = Math.max(0, Math.min(Math.floor(zoom), index.maxZoom + 1));
    var tree = index.trees[index.levels[z]], data = tree.data, k = index.k;
    var ids = tree.range(box[0], box[1], box[2], box[3]);
    for (var j = 0; j < ids.length; j++) {
      var at = ids[j] * STRIDE;
      if (data[at + OFF_NUM] > 1) {
        sink.cluster(data[at], data[at + 1], data[at + OFF_NUM], index.mix, index.props[data[at + OFF_PROP]] * k);
      } else {
        sink.single(data[at + OFF_ID]);
      }
    }
    return ids.length;
  }

  root.OpsIndex = { SCALE: SCALE, encodeX: encodeX, encodeY: encodeY, decodeLng: decodeLng, decodeLat: decodeLat,
                    build: build, restore: restore, query: query };

  // In the worker: build what the page asks for and hand the buffers back (transferred, not copied).
  if (typeof document === "undefined" && typeof postMessage === "function" && typeof Supercluster === "function") {
    root.onmessage = function (event) {
      var result = build(Supercluster, event.data);
      postMessage(result.packed, result.transfer);
    };
  }
})(typeof self !== "undefined" ? self : this);

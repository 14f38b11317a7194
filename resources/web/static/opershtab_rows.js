// Opershtab point store helpers: ids → rows in typed arrays, and categories as data.
// Category codes come from outside (any string, «__proto__» included): they live in a Map and an
// array, never as keys of a plain object.
(function () {
  "use strict";

  function grow(array, size) {
    var bigger = new array.constructor(size);
    bigger.set(array);
    return bigger;
  }

  // --- ids → rows: open addressing over typed arrays (a Map of a million ids took half a second).
  // Entries are only added or overwritten; a dead row's entry stays until the columns are compacted.
  function IdIndex(expected) { this.reset(expected); }
  IdIndex.prototype.reset = function (expected) {
    var size = 1024;
    while (size < expected * 2) { size *= 2; }
    this.keys = new Float64Array(size).fill(NaN);
    this.rows = new Int32Array(size);
    this.mask = size - 1;
    this.used = 0;
  };
  IdIndex.prototype.slot = function (id) {
    var h = Math.imul((id | 0) ^ ((id / 4294967296) | 0), 0x9E3779B1);
    return (h ^ (h >>> 15)) & this.mask;
  };
  IdIndex.prototype.get = function (id) {
    for (var i = this.slot(id); ; i = (i + 1) & this.mask) {
      var key = this.keys[i];
      if (key !== key) { return -1; }
      if (key === id) { return this.rows[i]; }
    }
  };
  IdIndex.prototype.set = function (id, row) {
    if ((this.used + 1) * 2 > this.keys.length) { this.rehash(); }
    for (var i = this.slot(id); ; i = (i + 1) & this.mask) {
      var key = this.keys[i];
      if (key !== key) { break; }
      if (key === id) { this.rows[i] = row; return; }
    }
    this.keys[i] = id;
    this.rows[i] = row;
    this.used += 1;
  };
  IdIndex.prototype.rehash = function () {
    var keys = this.keys, rows = this.rows;
    this.reset(this.used * 2);
    for (var i = 0; i < keys.length; i++) { if (keys[i] === keys[i]) { this.set(keys[i], rows[i]); } }
  };

  // --- categories: class = position among the page's categories; one more class for unknown codes ---
  function Categories(config) {
    this.known = new Map();
    var codes = Object.keys(config.categories || {});
    var self = this;
    codes.forEach(function (code, i) { self.known.set(code, i); });
    this.styles = codes.map(function (code) { return config.categories[code]; });
    this.unknown = codes.length;
    this.k = codes.length + 1;
    this.other = this.known.has("other") ? this.known.get("other") : 0;
    this.codes = [];
    this.ids = new Map();
    this.classOf = [];
  }
  Categories.prototype.index = function (code) {
    code = String(code);
    var at = this.ids.get(code);
    if (at === undefined) {
      at = this.codes.length < 65535 ? this.codes.length : 65534;  // more distinct codes share the last
      if (at === this.codes.length) {
        this.codes.push(code);
        this.ids.set(code, at);
        this.classOf.push(this.known.has(code) ? this.known.get(code) : this.unknown);
      }
    }
    return at;
  };
  // Colour and label of a class; unknown codes look like «other».
  Categories.prototype.style = function (cls) {
    return this.styles[cls === this.unknown ? this.other : cls] || { color: "#888", label: "", icon: "" };
  };

  window.OpsRows = { grow: grow, IdIndex: IdIndex, Categories: Categories };
})();

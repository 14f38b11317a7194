// The map engine's arithmetic in Node, without a browser: the page's own scripts (supercluster,
// opershtab_index.js, opershtab_rows.js, opershtab_store.js, opershtab_builder.js, opershtab_frame.js)
// against brute-force counts of the same random messages. Prints one JSON line of named checks;
// tests/test_map_engine_node.py runs it. Usage: node tests/js/engine_check.js <repository root>
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const root = process.argv[2] || path.resolve(__dirname, "../..");
globalThis.window = globalThis;
globalThis.self = globalThis;
globalThis.requestAnimationFrame = (fn) => setTimeout(fn, 0);
for (const file of ["resources/web/node_modules/supercluster/dist/supercluster.min.js",
  "resources/web/static/opershtab_index.js", "resources/web/static/opershtab_rows.js",
  "resources/web/static/opershtab_store.js", "resources/web/static/opershtab_builder.js",
  "resources/web/static/opershtab_frame.js"]) {
  vm.runInThisContext(fs.readFileSync(path.join(root, file), "utf8"), { filename: file });
}

const CODES = ["power", "water", "heating", "gas", "storm", "flood", "roads", "waste", "health", "telecom", "other"];
const styles = CODES.map((c, i) => [c, { label: c, color: "#" + (i + 1) + "00", icon: "" }]);
const config = { categories: Object.fromEntries(styles) };
const HOUR = 3600000, T0 = Date.UTC(2026, 10, 24, 0, 0, 0);
let seed = 7;
function random() { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; }

// A batch as Python packs it (same layout): t f64 | id f64 | x i32 | y i32 | category u16.
function batch(rows, codes) {
  const n = rows.length, buf = new ArrayBuffer(n * 26);
  const t = new Float64Array(buf, 0, n), id = new Float64Array(buf, 8 * n, n);
  const x = new Int32Array(buf, 16 * n, n), y = new Int32Array(buf, 20 * n, n), cat = new Uint16Array(buf, 24 * n, n);
  rows.forEach((r, i) => {
    t[i] = r.t; id[i] = r.id; x[i] = OpsIndex.encodeX(r.lon) | 0; y[i] = OpsIndex.encodeY(r.lat) | 0;
    cat[i] = codes.indexOf(r.code);
  });
  return { meta: { n, ids: "f64", categories: codes }, bytes: new Uint8Array(buf) };
}

function messages(n, firstId, hours, codes) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push({ id: firstId + i, t: T0 + Math.floor(random() * hours * HOUR), lat: 43.5 + random() * 3,
                lon: 37.5 + random() * 4, code: codes[Math.floor(random() * codes.length)] });
  }
  return rows;
}

function add(store, rows, codes, replace) {
  const b = batch(rows, codes);
  return store.add(store.decode(b.meta, b.bytes), replace);
}

// Totals by category of a frame covering all the data, as the page would draw it at ``zoom``.
function frameTotals(store, zoom) {
  const f = new OpsFrame.Frame(store), scale = 256 * Math.pow(2, zoom) / OpsIndex.SCALE, half = OpsIndex.SCALE / 2;
  const west = OpsIndex.encodeX(37), east = OpsIndex.encodeX(42.5);
  const north = OpsIndex.encodeY(47.5), south = OpsIndex.encodeY(43);
  const ox = (west + half) * scale, oy = (north + half) * scale;
  const width = Math.ceil((east - west) * scale) + 1, height = Math.ceil((south - north) * scale) + 1;
  f.begin(zoom, ox, oy, width, height);
  store.collect(zoom, [west, north, east, south], f);
  const out = f.merge(), totals = {};
  let drawn = 0;
  for (let i = 0; i < out.n; i++) {
    drawn += out.count[i];
    for (let c = 0; c < store.cats.k; c++) {
      const v = out.mix[i * store.cats.k + c];
      if (v) { const code = c < CODES.length ? CODES[c] : "?"; totals[code] = (totals[code] || 0) + v; }
    }
  }
  return { drawn, totals, items: out.n };
}

function expected(live, filter) {
  const totals = {};
  let drawn = 0;
  for (const r of live.values()) {
    if (r.t < filter.lo || r.t >= filter.hi) { continue; }
    if (filter.codes && !filter.codes.includes(r.code)) { continue; }
    const code = CODES.includes(r.code) ? r.code : "?";
    totals[code] = (totals[code] || 0) + 1;
    drawn += 1;
  }
  return { drawn, totals };
}

function same(a, b) { return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b)); }
function sorted(o) { return Object.keys(o).sort().map((k) => [k, o[k]]); }

function settle(store) {
  return new Promise((resolve) => {
    const poll = () => (store.stats().pending === 0 ? resolve() : setTimeout(poll, 5));
    poll();
  });
}

async function main() {
  const checks = {};
  const ids = new OpsStore.IdIndex(16), keys = [];
  for (let i = 0; i < 50000; i++) { const k = Math.floor(random() * 1e13) - 5e12; keys.push(k); ids.set(k, i); }
  checks.id_index = keys.every((k, i) => { const r = ids.get(k); return r === i || keys.lastIndexOf(k) === r; }) &&
    ids.get(123.5) === -1;

  const store = new OpsStore.Store(config, () => {});
  store.tune({ indexMin: 300, compactAt: 2000 });
  const codes = CODES.concat(["__proto__", "constructor"]);
  const live = new Map();
  for (const r of messages(20000, 1, 6, codes)) { live.set(r.id, r); }
  const rows = Array.from(live.values());
  add(store, rows.slice(0, 15000), codes);
  add(store, rows.slice(15000), codes);
  await settle(store);
  const all = { lo: -Infinity, hi: Infinity, codes: null };
  checks.indexed = store.stats().indexed === 20000 && store.stats().worker === "page";
  checks.visible_all = store.countVisible() === 20000;
  checks.frames_all_zooms = [0, 2, 4, 6, 8, 10, 11].every((z) => {
    const got = frameTotals(store, z), want = expected(live, all);
    return got.drawn === want.drawn && same(got.totals, want.totals);
  });
  const filters = [
    { spec: { start: T0 + 2 * HOUR, end: T0 + 4 * HOUR }, lo: T0 + 2 * HOUR, hi: T0 + 4 * HOUR, codes: null },
    { spec: { start: T0 + 90 * 60000, end: T0 + 200 * 60000 }, lo: T0 + 90 * 60000, hi: T0 + 200 * 60000, codes: null },
    { spec: { categories: ["power", "flood"] }, lo: -Infinity, hi: Infinity, codes: ["power", "flood"] },
    { spec: { categories: ["gas", "__proto__"] }, lo: -Infinity, hi: Infinity, codes: ["gas", "__proto__"] },
    { spec: { categories: ["-"] }, lo: -Infinity, hi: Infinity, codes: ["-"] },
  ];
  checks.filters = filters.map((f) => {
    store.setFilter(f.spec);
    const want = expected(live, f);
    return [5, 9].every((z) => {
      const got = frameTotals(store, z);
      return got.drawn === want.drawn && same(got.totals, want.totals);
    })
      && store.countVisible() === want.drawn;
  });
  store.setFilter({});

  const moved = rows.slice(0, 500).map((r) => Object.assign({}, r, { code: "gas", lat: 44.0, lon: 40.0 }));
  add(store, moved, codes, true);
  moved.forEach((r) => live.set(r.id, r));
  checks.update_in_place = store.stats().markers === 20000 && store.rowOf(moved[0].id) >= 0 &&
    store.cats.codes[store.cat[store.rowOf(moved[0].id)]] === "gas";
  await settle(store);
  checks.after_update = [3, 7, 10].every((z) => same(frameTotals(store, z).totals, expected(live, all).totals));

  const cut = T0 + 3 * HOUR + 1234;
  store.pruneBefore(cut);
  for (const [id, r] of live) { if (r.t < cut) { live.delete(id); } }
  await settle(store);
  checks.prune = store.stats().markers === live.size && frameTotals(store, 6).drawn === live.size &&
    store.rowOf(rows.find((r) => r.t < cut).id) === -1;
  checks.compacted = store.dead === 0 && store.n === live.size;
  checks.ids_after_compaction = Array.from(live.keys()).every((id) => store.id[store.rowOf(id)] === id);

  const long = messages(3000, 100000, 1000, codes);
  long.forEach((r) => live.set(r.id, r));
  add(store, long, codes);
  await settle(store);
  checks.rebucketed = store.buckets.size <= 600 && store.width > HOUR;
  checks.after_rebucket = [4, 8].every((z) => same(frameTotals(store, z).totals, expected(live, all).totals)) &&
    store.countVisible() === live.size;
  checks.duplicates_skipped = add(store, long.slice(0, 10), codes) === 0 && store.stats().markers === live.size;
  const early = new OpsStore.Store(config, () => {});
  early.setFilter({ categories: ["flood", "__proto__"] });  // named before any such message exists
  const late = messages(400, 500000, 2, ["flood", "__proto__", "power"]);
  add(early, late, ["flood", "__proto__", "power"]);
  checks.filter_before_codes = early.countVisible() === late.filter((r) => r.code !== "power").length;
  process.stdout.write(JSON.stringify(checks) + "\n");
}

main().catch((err) => { process.stdout.write(JSON.stringify({ error: String(err && err.stack || err) }) + "\n"); });

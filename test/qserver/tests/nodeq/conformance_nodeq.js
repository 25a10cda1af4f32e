// test/qserver/tests/nodeq/conformance_nodeq.js -- run the conformance
// suite (test/qserver/conformance/*.tsv: expression TAB expected TAB
// citation) against a running q test server through node-q, an independent
// npm kdb+ client with its own handshake and deserializer.
//
// usage: node conformance_nodeq.js PORT FILE.tsv
//
// Rows run in file order on ONE node-q connection (setup rows' globals
// persist).  A row is checked so:
//   - expected "-": the reply must not be a q error;
//   - expected "'text": the reply must be a q error (type -128) "text";
//   - otherwise the expected text (real kdb+'s display, usually also q
//     input) is sent as a second request and the two values node-q
//     DECODED are deep-compared here, in JS, together with the type and
//     attribute bytes of each reply's root, read from the raw reply (node-q
//     drops attributes, maps ints, shorts and floats all to numbers, and
//     every temporal but timestamp and timespan to Date).  Options:
//     long2number:false (longs stay exact, as Long), nanos2date:false
//     (timestamps and timespans as numbers, not millisecond Dates),
//     flipTables:false (a table is {col: values}), emptyChar2null:false.
//     Integral numbers must be equal; other numbers (floats) equal to the
//     7 significant digits q's display (and so the expected column) shows.
//   What node-q cannot tell apart below the root (int vs float items of a
//   general list, date vs month, attributes of nested vectors) the libkipc
//   client (conformance_ipc.c) checks strictly.
// Texts that node-q would send as a symbol (/^`\S+$/, e.g. "`float$0Wj")
// are sent with one leading space (see qtext()).
// Rows are SKIPPED, and counted, when node-q cannot represent the value
// faithfully: functions (node-q gives the string "func"), q types node-q's
// deserializer does not know (enums 20-76, anymap 77: it throws), and
// expected texts that are q display but not q input (2.147484e+09,
// `hello world, 0000.00.00, a guid: the server's -3! of the text's value is
// not the text), whose value cannot be obtained for comparison (the libkipc
// client checks those rows by display).
// Prints mismatches, then "node-q: S skipped (...)" and
// "N passed, M failed, K skipped" (setup rows, expected "-", are counted only
// when they fail; every skip is named by a "# skip" line); exit status 1 on
// any failure.  Every request has a
// timeout: it never hangs.
"use strict";

const fs = require("fs");
const nodeq = require("node-q");
const libc = require("node-q/lib/c.js");
// node-q's Long (from its dependency "long"), recognised without requiring it
const Long = {
	isLong: (x) => x !== null && typeof x === "object" && x.__isLong__ === true,
};

const [port, file] = process.argv.slice(2);

// Remember the root type byte of every reply node-q deserializes (node-q
// itself still does all the decoding; this only reads byte 8 of the raw
// message, or notes that it arrived compressed).
const rootTypes = [];
const origDeserialize = libc.deserialize;
libc.deserialize = function (b, ...rest) {
	if (b[2] !== 0) rootTypes.push({ type: null, attr: null });
	else {
		const t = b.readInt8(8);
		// vectors, general lists and tables carry an attribute byte next
		rootTypes.push({ type: t, attr: t >= 0 && t <= 98 && b.length > 9 ? b[9] : 0 });
	}
	return origDeserialize.call(this, b, ...rest);
};

function connect() {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error("connect timeout")), 5000);
		nodeq.connect({
			host: "127.0.0.1", port: Number(port), socketTimeout: 10000,
			nanos2date: false, long2number: false, flipTables: false, emptyChar2null: false,
		}, (err, con) => {
			clearTimeout(timer);
			if (err) reject(err);
			else resolve(con);
		});
	});
}

// node-q sends a JS string matching /^`\S+$/ as a SYMBOL, not as a char
// vector (lib/c.js symbolStringRegex), and con.k() takes only JS strings; so
// such a text ("`float$0Wj", "`u") goes out with one leading space, which q
// ignores.  Counted and reported.
let spaced = 0;
function qtext(expr) {
	if (/^`\S+$/.test(expr)) {
		spaced++;
		return " " + expr;
	}
	return expr;
}

// run a sync query; resolves to {err, val, type} (type: root type byte)
function k(con, expr) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error("query timeout: " + expr)), 10000);
		con.k(qtext(expr), (err, val) => {
			clearTimeout(timer);
			const rt = rootTypes.shift() || { type: null, attr: null };
			resolve({ err, val, type: rt.type, attr: rt.attr });
		});
	});
}

// Numbers: exact when both are integral (ints, shorts, bytes, and
// timestamps, which node-q gives as ns-scale doubles), else the same to the
// 7 significant digits q displays (floats, reals: the expected column shows
// no more)
function numSame(a, b) {
	if (a === b) return true;
	if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
	if (Number.isInteger(a) && Number.isInteger(b)) return false;
	return a.toPrecision(7) === b.toPrecision(7);
}

function deepSame(a, b) {
	if (a === b) return true;
	if (a === null || b === null || a === undefined || b === undefined) return false;
	if (typeof a === "number" && typeof b === "number") return numSame(a, b);
	if (typeof a !== typeof b) return false;
	if (Long.isLong(a) || Long.isLong(b)) return Long.isLong(a) && Long.isLong(b) && a.low === b.low && a.high === b.high;
	if (a instanceof Date || b instanceof Date) {
		return a instanceof Date && b instanceof Date &&
			(a.getTime() === b.getTime() || (isNaN(a.getTime()) && isNaN(b.getTime())));
	}
	if (Array.isArray(a) || Array.isArray(b)) {
		if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
		return a.every((x, i) => deepSame(x, b[i]));
	}
	if (typeof a === "object") {
		const ka = Object.keys(a), kb = Object.keys(b);
		if (ka.length !== kb.length) return false;
		return ka.every((key, i) => key === kb[i] && deepSame(a[key], b[key]));
	}
	return false;
}

function hasFunc(v) {
	if (v === "func") return true;
	if (Array.isArray(v)) return v.some(hasFunc);
	if (v && typeof v === "object" && !Long.isLong(v) && !(v instanceof Date)) {
		return Object.keys(v).some((key) => hasFunc(v[key]));
	}
	return false;
}

function show(r) {
	if (r.err) return (r.type === -128 ? "'" : "(node-q failed: ") + r.err.message + (r.type === -128 ? "" : ")");
	return "type " + r.type + (r.attr ? " attr " + r.attr : "") + " " + JSON.stringify(r.val, (key, x) =>
		Long.isLong(x) ? x.toString() + "j" : (x === Infinity ? "Inf" : x === -Infinity ? "-Inf" : x));
}

async function main() {
	let passed = 0, failed = 0;
	const skipped = { func: 0, type: 0, notinput: 0 };
	const con = await connect();
	const lines = fs.readFileSync(file, "utf8").split("\n");
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i].replace(/\r$/, "");
		if (line === "" || line[0] === "#") continue;
		const cols = line.split("\t");
		if (cols.length < 2) {
			console.log(`${file}:${i + 1}: malformed row (no tab)`);
			failed++;
			continue;
		}
		const [expr, want] = cols;
		const got = await k(con, expr);
		const qerr = got.err && got.type === -128;
		let ok, why = "";
		if (got.err && !qerr) {
			// node-q could not deserialize the reply (enum, anymap, ...)
			if (want !== "-" && want[0] !== "'") {
				skipped.type++;
				console.log(`# skip ${file}:${i + 1}: ${expr}: node-q cannot decode the reply (${got.err.message})`);
				continue;
			}
			ok = false;
			why = "node-q could not decode the reply";
		} else if (want === "-") {
			ok = !qerr;
		} else if (want[0] === "'") {
			ok = qerr && got.err.message === want.slice(1);
		} else if (qerr) {
			ok = false;
		} else if (got.type >= 100 || hasFunc(got.val)) {
			skipped.func++;
			console.log(`# skip ${file}:${i + 1}: ${expr}: a function (node-q gives "func")`);
			continue;
		} else {
			const exp = await k(con, want);
			ok = !exp.err && got.type === exp.type && got.attr === exp.attr &&
				deepSame(got.val, exp.val);
			if (!ok) {
				// Is the expected text q input at all?  It is when the
				// server's display of its value is the text itself; if not
				// (a guid, `hello world, 2.147484e+09, 0000.00.00), there is
				// no value to compare node-q's with: skip, counted.
				const rt = await k(con, "-3!(" + want + ")");
				if (rt.err || rt.val !== want) {
					skipped.notinput++;
					console.log(`# skip ${file}:${i + 1}: ${expr}: expected ${want} is not q input ` +
						`(-3! of its value: ${rt.err ? "'" + rt.err.message : rt.val})`);
					continue;
				}
				why = "expected decodes as " + show(exp);
			}
		}
		// a setup row is not a test: counted only when it fails
		if (ok) { if (want !== "-") passed++; }
		else {
			failed++;
			console.log(`${file}:${i + 1}: ${expr}\n    expected: ${want}\n    got:      ${show(got)}` +
				(why ? `\n    (${why})` : ""));
		}
	}
	await new Promise((resolve) => {
		const timer = setTimeout(resolve, 2000);
		con.close(() => { clearTimeout(timer); resolve(); });
	});
	const nskip = skipped.func + skipped.type + skipped.notinput;
	console.log(`node-q: ${nskip} skipped (${skipped.func} functions, shown by node-q as "func"; ` +
		`${skipped.type} of q types node-q cannot decode; ` +
		`${skipped.notinput} expected texts that are not q input)`);
	console.log(`node-q: ${spaced} texts sent with a leading space (node-q sends /^\`\\S+$/ strings as symbols)`);
	console.log(`${passed} passed, ${failed} failed, ${nskip} skipped`);
	process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
	console.log("not ok - " + (e && e.message));
	console.log("0 passed, 1 failed, 0 skipped");
	process.exitCode = 1;
});

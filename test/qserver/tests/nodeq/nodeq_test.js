// test/qserver/tests/nodeq/nodeq_test.js -- check the q test server with
// the independent npm kdb+ client node-q (michaelwittig/node-q), which has
// its own handshake, deserializer and decompressor.
//
// usage: node nodeq_test.js PLAIN_PORT ZIP_PORT TLS_PORT CA_FILE
//   PLAIN_PORT  qserver started without options (-C auto)
//   ZIP_PORT    qserver started with -C always
//   TLS_PORT    qserver started with -E 1 and a certificate for localhost
//               signed by CA_FILE
// Prints one line per check and ends with "N passed, M failed, K skipped"
// (K: checks this machine cannot run, each named by a "skip - " line); exit status
// 1 on any failure.  Every connection has a timeout: it never hangs.
"use strict";

const fs = require("fs");
const nodeq = require("node-q");

const [plainPort, zipPort, tlsPort, caFile] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;	// only a check this machine cannot run; named by a "skip - " line

function report(name, ok, detail) {
	if (ok) {
		passed++;
		console.log("ok - " + name);
	} else {
		failed++;
		console.log("not ok - " + name + (detail ? "\n    " + detail : ""));
	}
}

// connect with params; resolves to a connection or rejects, within 5 s
function connect(params) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error("connect timeout")), 5000);
		nodeq.connect(Object.assign({ socketTimeout: 5000 }, params), (err, con) => {
			clearTimeout(timer);
			if (err) reject(err);
			else resolve(con);
		});
	});
}

// run a sync query, within 5 s
function k(con, expr) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error("query timeout: " + expr)), 5000);
		con.k(expr, (err, res) => {
			clearTimeout(timer);
			if (err) reject(err);
			else resolve(res);
		});
	});
}

function ks(con, expr) {
	return new Promise((resolve, reject) => {
		con.ks(expr, (err) => (err ? reject(err) : resolve()));
	});
}

function close(con) {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, 2000);
		con.close(() => {
			clearTimeout(timer);
			resolve();
		});
	});
}

// run one named check: fn returns [ok, detail]
async function check(name, fn) {
	try {
		const [ok, detail] = await fn();
		report(name, ok, detail);
	} catch (e) {
		report(name, false, "exception: " + (e && e.message));
	}
}

// Does this Node bind abstract Unix socket names padded with NULs to the
// full sun_path (libuv before the uv_pipe_bind2 length fix)?  Then it also
// connects to padded names and can never reach "\0/tmp/kx.PORT".
function libuvPadsAbstractNames() {
	return new Promise((resolve) => {
		const net = require("net");
		const name = "/tmp/qipc-nodeq-probe." + process.pid;
		const srv = net.createServer();
		srv.on("error", () => resolve(false));
		srv.listen("\0" + name, () => {
			let padded = false;
			try {
				const tbl = fs.readFileSync("/proc/net/unix", "latin1");
				padded = tbl.split("\n").some((l) => l.includes("@" + name + "@"));
			} catch (e) {
				padded = false;
			}
			srv.close(() => resolve(padded));
		});
	});
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const show = (x) => JSON.stringify(x).slice(0, 300);

async function main() {
	const host = "127.0.0.1";
	let con;

	await check("connect and til 10", async () => {
		con = await connect({ host, port: Number(plainPort) });
		const r = await k(con, "til 10");
		return [same(r, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), show(r)];
	});
	if (!con) {
		console.log(passed + " passed, " + (failed + 1) + " failed, " + skipped + " skipped");
		process.exit(1);
	}

	await check("table arrives as rows", async () => {
		const r = await k(con, "([] a:1 2 3; b:`x`y`z)");
		return [same(r, [{ a: 1, b: "x" }, { a: 2, b: "y" }, { a: 3, b: "z" }]), show(r)];
	});
	await check("guid atom", async () => {
		const r = await k(con, '"G"$"8c680a01-5a49-5aab-5a65-d4bfddb6a661"');
		return [r === "8c680a01-5a49-5aab-5a65-d4bfddb6a661", show(r)];
	});
	await check("timestamp atom (as a Date, ms precision)", async () => {
		const r = await k(con, "2024.01.02D09:30:00.123456789");
		return [r instanceof Date && r.toISOString() === "2024-01-02T09:30:00.123Z", show(r)];
	});
	await check("q error is reported as an error", async () => {
		try {
			const r = await k(con, "1+`a");
			return [false, "no error, got " + show(r)];
		} catch (e) {
			return [e.message === "type", "message: " + e.message];
		}
	});
	await check("connection still usable after an error", async () => {
		const r = await k(con, "1+1");
		return [r === 2, show(r)];
	});
	await check("async message, then its effect seen by a sync one", async () => {
		await ks(con, "a:99");
		const r = await k(con, "a");
		return [r === 99, show(r)];
	});
	await close(con);

	await check("timespan atom (nanoseconds, nanos2date false)", async () => {
		const c = await connect({ host, port: Number(plainPort), nanos2date: false });
		const r = await k(c, "0D01:02:03.123456789");
		await close(c);
		return [r === 3723123456789, show(r)];
	});

	await check("compressed reply (-C always) decoded by node-q", async () => {
		const c = await connect({ host, port: Number(zipPort) });
		const r = await k(c, "til 100000");
		await close(c);
		let ok = Array.isArray(r) && r.length === 100000;
		for (let i = 0; ok && i < r.length; i++) ok = r[i] === i;
		return [ok, "length " + (r && r.length)];
	});

	await check("TLS with the test CA", async () => {
		const c = await connect({
			host: "localhost",
			port: Number(tlsPort),
			useTLS: true,
			ca: fs.readFileSync(caFile),
		});
		const r = await k(c, "til 3");
		await close(c);
		return [same(r, [0, 1, 2]), show(r)];
	});

	if (await libuvPadsAbstractNames()) {
		// Not a server problem: real kdb+ is unreachable the same way.
		skipped++;
		console.log("skip - abstract Unix socket: this Node's libuv pads abstract socket " +
			"names to 108 bytes, so node-q cannot reach \\0/tmp/kx.PORT (kdb+'s exact-length name)");
	} else {
		await check("abstract Unix socket \\0/tmp/kx.PORT", async () => {
			const c = await connect({ unixSocket: "\0/tmp/kx." + plainPort });
			const r = await k(c, "til 3");
			await close(c);
			return [same(r, [0, 1, 2]), show(r)];
		});
	}

	await check("user name reaches .z.u", async () => {
		const c = await connect({ host, port: Number(plainPort), user: "alice", password: "pw" });
		const r = await k(c, ".z.u");
		await close(c);
		return [r === "alice", show(r)];
	});

	await check("refused credentials: connection fails", async () => {
		try {
			const c = await connect({ host, port: Number(plainPort), user: "baduser", password: "x" });
			await close(c);
			return [false, "connected"];
		} catch (e) {
			return [/wrong auth|closes|ECONNRESET/.test(e.message || e.code), "error: " + e.message];
		}
	});

	console.log(passed + " passed, " + failed + " failed, " + skipped + " skipped");
	process.exit(failed === 0 ? 0 : 1);
}

// a global guard: whatever happens, never run longer than 60 s
setTimeout(() => {
	console.log("not ok - global timeout");
	console.log(passed + " passed, " + (failed + 1) + " failed, " + skipped + " skipped");
	process.exit(1);
}, 60000).unref();

main();

import assert from "node:assert/strict";
import { test } from "node:test";

import {
	cleanQuery,
	resultRows,
	searchRunner,
	shouldSearch,
	significantLength,
	statusLabel,
} from "../../crm_portal/public/js/logic/accounts.mjs";

test("significant characters as the server counts them", () => {
	assert.equal(significantLength("  ab  "), 2);
	assert.equal(significantLength("*ab%"), 2);
	assert.equal(significantLength("a b"), 2);
	assert.equal(cleanQuery("440 529 949"), "440529949");
	assert.equal(cleanQuery("  ABC   Cie "), "ABC Cie");
	assert.equal(significantLength(null), 0);
	assert.equal(shouldSearch("abc", 3), true);
	assert.equal(shouldSearch("ab*", 3), false);
	assert.equal(shouldSearch("a", 0), true); // at least one character
	assert.equal(shouldSearch("", 0), false);
});

/** Fake timers: run() schedules, flush() fires every pending timer. */
function fakeTimers() {
	let id = 0;
	const pending = new Map();
	return {
		setTimeout: (fn) => {
			id += 1;
			pending.set(id, fn);
			return id;
		},
		clearTimeout: (t) => pending.delete(t),
		pending,
		async flush() {
			const fns = [...pending.values()];
			pending.clear();
			for (const fn of fns) await fn();
		},
	};
}

test("search as you type: debounced, short queries not sent, stale answers dropped", async () => {
	const timers = fakeTimers();
	const sent = [];
	const results = [];
	const shorts = [];
	let release;
	const run = searchRunner({
		timers,
		minChars: 3,
		search: (q) => {
			sent.push(q);
			if (q === "abcd") return new Promise((resolve) => (release = () => resolve(`answer ${q}`)));
			return Promise.resolve(`answer ${q}`);
		},
		onResult: (q, a) => results.push([q, a]),
		onShort: (q) => shorts.push(q),
	});
	run("a");
	run("ab");
	assert.deepEqual(shorts, ["a", "ab"]);
	assert.equal(timers.pending.size, 0);
	run("abc");
	run("abc ");
	assert.equal(timers.pending.size, 1, "only the last keystroke is pending");
	await timers.flush();
	assert.deepEqual(sent, ["abc"]);
	assert.deepEqual(results, [["abc ", "answer abc"]]);

	// a slow answer overtaken by a newer query is ignored
	run("abcd");
	const slow = timers.flush();
	run("abcde");
	await timers.flush();
	release();
	await slow;
	assert.deepEqual(sent, ["abc", "abcd", "abcde"]);
	assert.deepEqual(results.map((r) => r[0]), ["abc ", "abcde"]);

	run.setMinChars(5);
	run("abcd");
	assert.equal(shorts.at(-1), "abcd");
});

test("result rows: accounts then contacts, status and routes", () => {
	const rows = resultRows({
		too_short: false,
		accounts: [
			{ doctype: "CRM Prospect", name: "PROS-1", title: "ABC Cie", legal_name: "ABC Compagnie", siret: "123", status: "Validated", closed: 0 },
			{ doctype: "Customer", name: "DEF Cie", title: "DEF Cie", status: "Customer", closed: 0 },
		],
		contacts: [
			{
				name: "Jean Dupont-ABC",
				full_name: "Jean Dupont",
				title: "Jean Dupont",
				email_id: "jean@abc.fr",
				closed: 0,
				accounts: [{ doctype: "CRM Prospect", name: "PROS-1", title: "ABC Cie", closed: 0 }],
			},
		],
	});
	assert.deepEqual(
		rows.map((r) => [r.kind, r.title, r.status]),
		[
			["account", "ABC Cie", "Validated prospect"],
			["account", "DEF Cie", "Customer"],
			["contact", "Jean Dupont", "Contact"],
		]
	);
	assert.equal(rows[0].details, "ABC Compagnie · 123");
	assert.equal(rows[1].route, "/app/customer/DEF%20Cie");
	assert.equal(rows[2].route, "/app/contact/Jean%20Dupont-ABC");
	assert.deepEqual(rows[2].links, [{ title: "ABC Cie", route: "/app/crm-prospect/PROS-1", closed: false }]);
	assert.deepEqual(resultRows({ too_short: true, min_chars: 3 }), []);
	assert.deepEqual(resultRows(null), []);
	assert.equal(statusLabel({ doctype: "CRM Prospect", status: "Closed" }), "Closed prospect");
	assert.equal(statusLabel({ doctype: "Customer", status: "Disabled" }), "Disabled customer");
});

test("the default timers work when called as the runner calls them", async () => {
	const results = [];
	const run = searchRunner({ wait: 1, search: async (q) => q.length, onResult: (q, a) => results.push(a) });
	run("abcd");
	await new Promise((resolve) => setTimeout(resolve, 30));
	assert.deepEqual(results, [4]);
});

import assert from "node:assert/strict";
import { test } from "node:test";

import {
	BUCKETS,
	bucketTabs,
	datetimeString,
	dropAsk,
	dropCall,
	DROP_ZONES,
	format,
	formRoute,
	scopeOptions,
	tileDate,
	tileView,
} from "../../crm_portal/public/js/logic/actions.mjs";

test("bucket tabs in the seeds' order, with counts only when there is something", () => {
	const tabs = bucketTabs({ late: 7, today: 0, this_week: 1, next_week: 0, later: 1, all: 9 }, "late");
	assert.deepEqual(
		tabs.map((t) => t.key),
		["late", "today", "this_week", "next_week", "later", "all"]
	);
	assert.deepEqual(
		tabs.map((t) => t.label),
		["Late (7)", "Today", "This week (1)", "Next week", "Future weeks (1)", "All (9)"]
	);
	assert.equal(tabs.filter((t) => t.active).length, 1);
	assert.equal(tabs[0].active, true);
	// a missing answer does not break the tabs
	assert.equal(bucketTabs(undefined)[5].label, "All");
	// labels go through the translator
	const fr = { Late: "En retard", All: "Toutes" };
	assert.equal(bucketTabs({ late: 2 }, "all", (s) => fr[s] || s)[0].label, "En retard (2)");
	assert.equal(BUCKETS.length, 6);
});

test("format fills Frappe placeholders", () => {
	assert.equal(format("{0} of {1}", [1, "x"]), "1 of x");
	assert.equal(format("{0} and {1}", [1]), "1 and {1}");
});

test("scope options: fixed scopes then users, not the current user twice", () => {
	const options = scopeOptions(
		[
			{ name: "me@x.fr", full_name: "Me" },
			{ name: "abc@x.fr", full_name: "ABC ABC" },
			{ name: "raw@x.fr" },
			{},
		],
		undefined,
		"me@x.fr"
	);
	assert.deepEqual(
		options.map((o) => o.value),
		["me", "all", "team_n", "team_n1", "team_n1_me", "team_nn", "team_nn_me", "abc@x.fr", "raw@x.fr"]
	);
	assert.equal(options.at(-2).label, "ABC ABC (abc@x.fr)");
});

const action = { name: "ACT-1", modified: "2026-03-27 10:00:00.123456", status: "Open" };

test("each drop zone maps to its API call", () => {
	assert.deepEqual(dropCall("done", action), {
		method: "mark_done",
		args: { name: "ACT-1", modified: action.modified },
	});
	assert.deepEqual(dropCall("tomorrow", action).args, { name: "ACT-1", modified: action.modified, to: "tomorrow" });
	assert.deepEqual(dropCall("next_week", action).args.to, "next_week");
	assert.deepEqual(dropCall("date", action, { date: "2026-04-02" }), {
		method: "postpone",
		args: { name: "ACT-1", modified: action.modified, to: "date", date: "2026-04-02" },
	});
	assert.deepEqual(dropCall("reassign", action, { user: "b@x.fr" }).args, {
		name: "ACT-1",
		modified: action.modified,
		user: "b@x.fr",
	});
	assert.deepEqual(dropCall("done_next", action, { action_type: "Relance", subject: "", start: "2026-04-01 09:00:00" }), {
		method: "done_and_create_next",
		args: { name: "ACT-1", modified: action.modified, action_type: "Relance", start: "2026-04-01 09:00:00" },
	});
	assert.deepEqual(dropCall("delete", action, { confirmed: true }), { method: "delete_action", args: { name: "ACT-1" } });
});

test("a drop without its input, on a closed action or an unknown zone does nothing", () => {
	assert.equal(dropCall("date", action), null);
	assert.equal(dropCall("reassign", action, { user: "" }), null);
	assert.equal(dropCall("done_next", action, {}), null);
	assert.equal(dropCall("delete", action), null);
	assert.equal(dropCall("nowhere", action), null);
	assert.equal(dropCall("done", { ...action, status: "Done" }), null);
	assert.equal(dropCall("done", {}), null);
	// a done action may still be deleted
	assert.ok(dropCall("delete", { ...action, status: "Done" }, { confirmed: true }));
});

test("zones that ask something first", () => {
	assert.deepEqual(
		Object.fromEntries(DROP_ZONES.map((z) => [z.key, dropAsk(z.key)])),
		{ done: null, done_next: "next", delete: "confirm", tomorrow: null, next_week: null, date: "date", reassign: "user" }
	);
	assert.equal(dropAsk("nowhere"), null);
});

test("dates: tile format and the quick-create default", () => {
	assert.equal(tileDate("2026-03-27 11:50:00.000000"), "27/03/2026 11:50");
	assert.equal(tileDate("2026-03-27"), "27/03/2026 00:00");
	assert.equal(tileDate(null), "");
	assert.equal(tileDate("garbage"), "");
	assert.equal(datetimeString(new Date(2026, 2, 7, 9, 5, 3)), "2026-03-07 09:05:03");
});

test("tile view: routes encoded, colour checked, late and done flags", () => {
	const view = tileView({
		name: "ACT/1",
		start: "2026-03-27 11:50:00",
		action_type: "RDV tel",
		subject: "<img src=x onerror=alert(1)>",
		account_type: "CRM Prospect",
		account: "DEF Cie",
		account_name: "DEF Cie",
		opportunity: "OPP-0001",
		opportunity_title: "Projet 3",
		status: "Open",
		bucket: "late",
		color: "red;background:url(x)",
	});
	assert.equal(view.account_route, "/app/crm-prospect/DEF%20Cie");
	assert.equal(view.opportunity_route, "/app/crm-opportunity/OPP-0001");
	assert.equal(view.opportunity, "Projet 3");
	assert.equal(view.color, null);
	assert.equal(view.late, true);
	assert.equal(view.done, false);
	assert.equal(view.draggable, true);
	assert.equal(view.subject, "<img src=x onerror=alert(1)>"); // escaped by the page, not here
	assert.equal(tileView({ name: "A", status: "Done", color: "#2490EF" }).color, "#2490EF");
	assert.equal(tileView({ name: "A", status: "Done" }).draggable, false);
	assert.equal(formRoute("Customer", "A/B"), "/app/customer/A%2FB");
});

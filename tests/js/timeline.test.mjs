import assert from "node:assert/strict";
import { test } from "node:test";

import { entryView, headings, quickCreateArgs } from "../../crm_portal/public/js/logic/timeline.mjs";

test("headings: singular and plural, as in the seeds", () => {
	assert.deepEqual(headings({ upcoming: 1, past: 10, late: 0 }), {
		upcoming: "1 upcoming activity",
		past: "10 past activities",
		late: 0,
	});
	assert.equal(headings({}).upcoming, "0 upcoming activities");
	const fr = { "{0} upcoming activity": "{0} activité à venir" };
	const t = (s, args) => (fr[s] || s).replace("{0}", args[0]);
	assert.equal(headings({ upcoming: 1 }, t).upcoming, "1 activité à venir");
});

test("a new action is linked to the form it is made on", () => {
	const values = { action_type: "Relance", subject: "Rappeler", start: "2026-03-18 16:05:00" };
	assert.deepEqual(quickCreateArgs("CRM Opportunity", "OPP-1", values), { ...values, opportunity: "OPP-1" });
	assert.deepEqual(quickCreateArgs("Contact", "C-1", values), { ...values, contact: "C-1" });
	assert.deepEqual(quickCreateArgs("CRM Prospect", "P-1", { action_type: "Relance" }), {
		action_type: "Relance",
		account_type: "CRM Prospect",
		account: "P-1",
	});
	assert.equal(quickCreateArgs("Customer", "ABC", values).account_type, "Customer");
});

test("entry views per kind", () => {
	const action = entryView({
		kind: "action",
		date: "2024-04-08 14:44:00",
		name: "ACT-1",
		title: "Participation event - Salon",
		action_type: "Participation event",
		status: "Open",
		late: 1,
		opportunity: "OPP-4",
	});
	assert.equal(action.date, "08/04/2024 14:44");
	assert.equal(action.checkable, true);
	assert.equal(action.done, false);
	assert.equal(action.late, true);
	assert.equal(action.opportunity_route, "/app/crm-opportunity/OPP-4");
	assert.equal(entryView({ kind: "action", name: "A", status: "Cancelled" }).checkable, false);
	const opp = entryView({ kind: "opportunity", name: "OPP-8", title: "Projet 4", stage: "T-QUAL", stage_name: "QUALIFICATION", amount: 12000, days: 20 });
	assert.equal(opp.stage, "QUALIFICATION");
	assert.equal(opp.route, "/app/crm-opportunity/OPP-8");
	assert.deepEqual(entryView({ kind: "modified", title: "Modified by X", changed: ["Amount"] }).changed, ["Amount"]);
	assert.deepEqual(entryView({ kind: "created", title: "Created by X" }).changed, []);
});

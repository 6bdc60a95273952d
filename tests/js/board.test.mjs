import assert from "node:assert/strict";
import { test } from "node:test";

import {
	appendCards,
	columnTotals,
	compactValues,
	dialogField,
	findCard,
	mergeDialogValues,
	moveCard,
	quotationBadge,
	removeCard,
	requirementSteps,
	runSteps,
	snapshot,
	stepDefaults,
	summaryOf,
} from "../../crm_portal/public/js/logic/board.mjs";

const card = (name, amount, days, probability = 10) => ({
	name,
	amount,
	days,
	probability,
	weighted_amount: (amount * probability) / 100,
	weighted_days: (days * probability) / 100,
});

const board = () => [
	{ stage: "ID", probability: 10, count: 2, amount: 27000, days: 32, cards: [card("A", 15000, 12), card("B", 12000, 20)] },
	{ stage: "QUAL", probability: 40, count: 0, amount: 0, days: 0, cards: [] },
	{ stage: "PROP", probability: 70, count: 0, amount: 0, days: 0, cards: [] },
];

test("column totals, real and weighted", () => {
	const cards = [card("A", 15000, 12), card("B", 12000, 20)];
	assert.deepEqual(columnTotals(cards), { count: 2, amount: 27000, days: 32 });
	assert.deepEqual(columnTotals(cards, true), { count: 2, amount: 2700, days: 3.2 });
	assert.deepEqual(columnTotals([]), { count: 0, amount: 0, days: 0 });
});

test("summary adds the server figures of the columns", () => {
	assert.deepEqual(summaryOf(board()), { count: 2, amount: 27000, days: 32 });
	assert.deepEqual(summaryOf([{ count: 3, amount: 10, days: 0.1 }, { count: 1, amount: 5, days: 0.2 }]), {
		count: 4,
		amount: 15,
		days: 0.3,
	});
});

test("moving a card carries its figures and leaves the input untouched", () => {
	const before = board();
	const after = moveCard(before, "A", "QUAL");
	assert.equal(before[0].cards.length, 2, "input not mutated");
	assert.deepEqual(findCard(after, "A").column, "QUAL");
	assert.equal(after[0].count, 1);
	assert.equal(after[0].amount, 12000);
	assert.equal(after[0].days, 20);
	assert.equal(after[1].count, 1);
	assert.equal(after[1].amount, 15000);
	assert.equal(after[1].cards[0].stage, "QUAL");
	// weighted: the target column's probability reweighs the card
	const shownWeighted = board();
	Object.assign(shownWeighted[0], { amount: 2700, days: 3.2 });
	const weighted = moveCard(shownWeighted, "A", "PROP", { weighted: true });
	assert.equal(weighted[2].amount, 10500);
	assert.equal(weighted[2].days, 8.4);
	assert.equal(weighted[0].amount, 1200);
	assert.equal(weighted[0].days, 2);
});

test("moving to the same column or an unknown card changes nothing", () => {
	assert.deepEqual(moveCard(board(), "A", "ID"), board());
	assert.deepEqual(moveCard(board(), "Z", "QUAL"), board());
	assert.deepEqual(moveCard(board(), "A", "NOPE"), board());
});

test("snapshot restores exactly what was there before a refused move", () => {
	const columns = board();
	const saved = snapshot(columns);
	const moved = moveCard(columns, "B", "PROP");
	assert.notDeepEqual(moved, saved);
	assert.deepEqual(saved, board());
});

test("calendar columns move by key with fields set on the card", () => {
	const cal = [
		{ key: null, count: 1, amount: 100, days: 1, cards: [{ name: "X", amount: 100, days: 1 }] },
		{ key: "2026-03", count: 0, amount: 0, days: 0, cards: [] },
	];
	const after = moveCard(cal, "X", "2026-03", { key: "key", set: { expected_signature_date: "2026-03-31" } });
	assert.equal(after[1].cards[0].expected_signature_date, "2026-03-31");
	assert.equal(after[1].cards[0].stage, undefined);
	assert.equal(after[0].count, 0);
});

test("removing a card (won, lost, deleted) updates its column", () => {
	const after = removeCard(board(), "A");
	assert.equal(findCard(after, "A"), null);
	assert.deepEqual([after[0].count, after[0].amount, after[0].days], [1, 12000, 20]);
});

test("load more appends without duplicates", () => {
	const columns = [{ stage: "ID", count: 3, cards: [{ name: "A" }] }];
	const after = appendCards(columns, "ID", [{ name: "A" }, { name: "B" }]);
	assert.deepEqual(after[0].cards.map((c) => c.name), ["A", "B"]);
	assert.equal(after[0].has_more, true);
	assert.equal(appendCards(after, "ID", [{ name: "C" }])[0].has_more, false);
});

const requirements = [
	{
		stage: "T-QUAL",
		stage_name: "QUALIFICATION",
		stage_type: "Open",
		fields: [
			{ target: "Opportunity", fieldname: "crm_bu", label: "BU", fieldtype: "Select", options: "\nConseil\nAudit" },
			{ target: "Account", fieldname: "industry", label: "Industry", fieldtype: "Link", options: "Industry Type" },
		],
	},
	{
		stage: "T-PROP",
		stage_name: "PROPOSITION",
		stage_type: "Open",
		fields: [
			{ target: "Opportunity", fieldname: "expected_signature_date", label: "Expected", fieldtype: "Date" },
			{ target: "Opportunity", fieldname: "notes", label: "Notes", fieldtype: "Text Editor" },
			{ target: "Opportunity", fieldname: "lines", label: "Lines", fieldtype: "Table", options: "X" },
		],
	},
];

test("required fields become one dialog per stage, account section first, real field types", () => {
	const steps = requirementSteps(requirements);
	assert.equal(steps.length, 2);
	assert.deepEqual(steps.map((s) => s.stage_name), ["QUALIFICATION", "PROPOSITION"]);
	assert.deepEqual(steps[0].sections.map((s) => s.target), ["Account", "Opportunity"]);
	assert.deepEqual(steps[0].sections[0].fields[0], {
		fieldname: "account__industry",
		fieldtype: "Link",
		label: "Industry",
		reqd: 1,
		options: "Industry Type",
	});
	assert.equal(steps[0].sections[1].fields[0].fieldtype, "Select");
	assert.equal(steps[0].sections[1].fields[0].options, "\nConseil\nAudit");
	const types = steps[1].sections[0].fields.map((f) => f.fieldtype);
	assert.deepEqual(types, ["Date", "Small Text", "Data"]);
	assert.deepEqual(requirementSteps([{ stage: "S", fields: [] }]), []);
	assert.equal(dialogField({ target: "Opportunity", fieldname: "ok", fieldtype: "Check" }).reqd, 0);
});

test("dialog values are merged per target, later stages adding to earlier ones", () => {
	let values = mergeDialogValues({}, { opportunity__crm_bu: "Conseil", account__industry: "IT", junk: 1 });
	values = mergeDialogValues(values, { opportunity__expected_signature_date: "2026-05-31" });
	assert.deepEqual(values, {
		opportunity: { crm_bu: "Conseil", expected_signature_date: "2026-05-31" },
		account: { industry: "IT" },
	});
	assert.deepEqual(compactValues({ opportunity: {}, account: { a: 1 } }), { account: { a: 1 } });
});

test("steps run in sequence and a cancel stops everything", async () => {
	const steps = requirementSteps(requirements);
	const seen = [];
	const values = await runSteps(steps, async (step, i, total) => {
		seen.push(`${i + 1}/${total} ${step.stage_name}`);
		return i === 0 ? { opportunity__crm_bu: "Audit" } : { opportunity__expected_signature_date: "2026-01-31" };
	});
	assert.deepEqual(seen, ["1/2 QUALIFICATION", "2/2 PROPOSITION"]);
	assert.deepEqual(values.opportunity, { crm_bu: "Audit", expected_signature_date: "2026-01-31" });
	let asked = 0;
	const cancelled = await runSteps(steps, async () => {
		asked += 1;
		return null;
	});
	assert.equal(cancelled, null);
	assert.equal(asked, 1, "a cancel stops the sequence");
});

test("a cancel hands back the answers given so far, and they prefill the next attempt", async () => {
	const steps = requirementSteps(requirements);
	let kept = null;
	const cancelled = await runSteps(
		steps,
		async (step, i) => (i === 0 ? { opportunity__crm_bu: "Audit" } : null),
		{},
		(values) => {
			kept = values;
		}
	);
	assert.equal(cancelled, null);
	assert.deepEqual(kept.opportunity, { crm_bu: "Audit" }, "the 1st dialog's answers survive the 2nd's cancel");
	const prefills = [];
	await runSteps(
		steps,
		async (step, i, total, values) => {
			prefills.push(stepDefaults(step, values));
			return {};
		},
		kept
	);
	assert.deepEqual(prefills[0], { opportunity__crm_bu: "Audit" }, "the 1st dialog opens with them");
	assert.deepEqual(prefills[1], {}, "nothing invented for the 2nd");
});

test("quotation badge: no quotation, no badge", () => {
	assert.equal(quotationBadge({ name: "OPP-1" }), null);
	assert.equal(quotationBadge({ name: "OPP-1", quotation: "", quotation_state: "Validée" }), null);
});

test("quotation badge: D and the mark of each approval state", () => {
	const badge = (state) => quotationBadge({ quotation: "SAL-QTN-1", quotation_state: state });
	assert.deepEqual(badge("Brouillon"), { text: "D", key: "draft", state: "Brouillon" });
	assert.deepEqual(badge("À valider"), { text: "D ?", key: "pending", state: "À valider" });
	assert.deepEqual(badge("Validée"), { text: "D ✓", key: "approved", state: "Validée" });
	assert.deepEqual(badge("Refusée"), { text: "D ✗", key: "refused", state: "Refusée" });
});

test("quotation badge: a quotation outside the circuit is a plain D", () => {
	assert.deepEqual(quotationBadge({ quotation: "SAL-QTN-2" }), { text: "D", key: "none", state: "" });
	assert.deepEqual(quotationBadge({ quotation: "SAL-QTN-2", quotation_state: "Autre" }), {
		text: "D",
		key: "none",
		state: "",
	});
});

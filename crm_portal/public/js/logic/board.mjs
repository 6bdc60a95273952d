// DOM-free bookkeeping of the opportunities board (tested with node): where cards are, the figures of
// the columns, snapshots to undo a move, and the sequence of "we need to know a little more" dialogs.

/** The figures a card adds to its column: real or weighted amount and days. */
export function cardFigures(card, weighted = false) {
	return {
		amount: Number(weighted ? card.weighted_amount : card.amount) || 0,
		days: Number(weighted ? card.weighted_days : card.days) || 0,
	};
}

/** count / amount / days of a list of cards (what a column shows when all its cards are loaded). */
export function columnTotals(cards, weighted = false) {
	const totals = { count: 0, amount: 0, days: 0 };
	for (const card of cards || []) {
		const f = cardFigures(card, weighted);
		totals.count += 1;
		totals.amount += f.amount;
		totals.days += f.days;
	}
	totals.days = Math.round(totals.days * 1000) / 1000;
	return totals;
}

/** The summary of what is shown: the sum of the columns' figures (server figures, not loaded cards). */
export function summaryOf(columns) {
	const summary = { count: 0, amount: 0, days: 0 };
	for (const column of columns || []) {
		summary.count += Number(column.count) || 0;
		summary.amount += Number(column.amount) || 0;
		summary.days += Number(column.days) || 0;
	}
	summary.days = Math.round(summary.days * 1000) / 1000;
	return summary;
}

/** A deep copy of the columns, taken before a move so a refused move can be undone exactly. */
export function snapshot(columns) {
	return JSON.parse(JSON.stringify(columns || []));
}

/** Where a card is: { column, index } or null. `key` names the column's id field ("stage" or "key"). */
export function findCard(columns, name, key = "stage") {
	for (const column of columns || []) {
		const index = (column.cards || []).findIndex((c) => c.name === name);
		if (index !== -1) return { column: column[key], index, card: column.cards[index] };
	}
	return null;
}

function subtract(column, card, weighted) {
	const f = cardFigures(card, weighted);
	column.count = Math.max((Number(column.count) || 0) - 1, 0);
	column.amount = (Number(column.amount) || 0) - f.amount;
	column.days = Math.round(((Number(column.days) || 0) - f.days) * 1000) / 1000;
}

function add(column, card, weighted) {
	const f = cardFigures(card, weighted);
	column.count = (Number(column.count) || 0) + 1;
	column.amount = (Number(column.amount) || 0) + f.amount;
	column.days = Math.round(((Number(column.days) || 0) + f.days) * 1000) / 1000;
}

/** Weighted figures of a card once in a column of the given probability (%). */
export function reweigh(card, probability) {
	if (probability === undefined || probability === null) return { ...card };
	const p = Number(probability) || 0;
	return {
		...card,
		probability: p,
		weighted_amount: Math.round((Number(card.amount) || 0) * p) / 100,
		weighted_days: Math.round((Number(card.days) || 0) * p * 10) / 1000,
	};
}

/**
 * Move a card to another column (optimistic update before the server answers). Returns new columns;
 * the input is left untouched. Figures follow the card; weighted figures use the target column's
 * probability. `key` names the column id field; `set` holds fields to update on the card.
 */
export function moveCard(columns, name, target, { weighted = false, key = "stage", set = {}, index = 0 } = {}) {
	const next = snapshot(columns);
	const from = findCard(next, name, key);
	if (!from) return next;
	const source = next.find((c) => c[key] === from.column);
	const destination = next.find((c) => c[key] === target);
	if (!destination || source === destination) return next;
	const [card] = source.cards.splice(from.index, 1);
	subtract(source, card, weighted);
	const moved = { ...reweigh(card, destination.probability), ...set };
	if (key === "stage") moved.stage = target;
	destination.cards = destination.cards || [];
	destination.cards.splice(Math.min(Math.max(index, 0), destination.cards.length), 0, moved);
	add(destination, moved, weighted);
	return next;
}

/** Take a card off the board (won, lost, deleted): returns new columns without it. */
export function removeCard(columns, name, { weighted = false, key = "stage" } = {}) {
	const next = snapshot(columns);
	const from = findCard(next, name, key);
	if (!from) return next;
	const column = next.find((c) => c[key] === from.column);
	const [card] = column.cards.splice(from.index, 1);
	subtract(column, card, weighted);
	return next;
}

/** Append a "load more" page to a column, skipping cards already shown (a card may have moved in). */
export function appendCards(columns, columnId, cards, key = "stage") {
	const next = snapshot(columns);
	const column = next.find((c) => c[key] === columnId);
	if (!column) return next;
	const known = new Set((column.cards || []).map((c) => c.name));
	column.cards = [...(column.cards || []), ...cards.filter((c) => !known.has(c.name))];
	column.has_more = (Number(column.count) || 0) > column.cards.length;
	return next;
}

// --- required-field dialogs -----------------------------------------------------------------------

const TARGETS = ["Account", "Opportunity"];
const SUPPORTED = new Set([
	"Data",
	"Link",
	"Dynamic Link",
	"Select",
	"Date",
	"Datetime",
	"Time",
	"Int",
	"Float",
	"Currency",
	"Percent",
	"Check",
	"Small Text",
	"Text",
	"Long Text",
	"Phone",
	"Autocomplete",
	"Rating",
	"Duration",
]);
const AS_TEXT = new Set(["Text Editor", "HTML Editor", "Markdown Editor", "Code", "JSON"]);

/** The dialog field name of a required field: target and fieldname, so both sides never collide. */
export function dialogFieldname(field) {
	return `${field.target === "Account" ? "account" : "opportunity"}__${field.fieldname}`;
}

/** A Frappe dialog field from a server requirement, keeping its real type (Link, Select, Date…). */
export function dialogField(field) {
	let fieldtype = field.fieldtype || "Data";
	if (AS_TEXT.has(fieldtype)) fieldtype = "Small Text";
	else if (!SUPPORTED.has(fieldtype)) fieldtype = "Data";
	const df = {
		fieldname: dialogFieldname(field),
		fieldtype,
		label: field.label || field.fieldname,
		reqd: fieldtype === "Check" ? 0 : 1,
	};
	if (["Link", "Select", "Autocomplete", "Dynamic Link"].includes(fieldtype) && field.options) {
		df.options = field.options;
	}
	return df;
}

/**
 * One dialog per stage crossed, in order: `stage_requirements` (from the server's 417 error) become
 * steps with two sections, "about this prospect" (Account) then "about this opportunity".
 */
export function requirementSteps(stageRequirements) {
	return (stageRequirements || [])
		.map((stage) => ({
			stage: stage.stage,
			stage_name: stage.stage_name,
			stage_type: stage.stage_type,
			sections: TARGETS.map((target) => ({
				target,
				fields: (stage.fields || []).filter((f) => (f.target || "Opportunity") === target).map(dialogField),
			})).filter((section) => section.fields.length),
		}))
		.filter((step) => step.sections.length);
}

/** Merge one dialog's values into the `values` argument of move_to_stage: {opportunity, account}. */
export function mergeDialogValues(values, dialogValues) {
	const merged = {
		opportunity: { ...(values?.opportunity || {}) },
		account: { ...(values?.account || {}) },
	};
	for (const [name, value] of Object.entries(dialogValues || {})) {
		const cut = name.indexOf("__");
		if (cut === -1) continue;
		const target = name.slice(0, cut);
		if (target !== "opportunity" && target !== "account") continue;
		merged[target][name.slice(cut + 2)] = value;
	}
	return merged;
}

/** Whether a set of values has anything to send (drop empty targets). */
export function compactValues(values) {
	const out = {};
	for (const target of ["opportunity", "account"]) {
		if (values?.[target] && Object.keys(values[target]).length) out[target] = values[target];
	}
	return out;
}

/**
 * Run the steps one after another: `ask(step, index, total, values)` resolves with the step's dialog
 * values, or null when the user cancels (`values`: the answers so far, to prefill the dialog). Resolves
 * with the merged values, or null when cancelled; `onCancel(values)` then receives the answers given
 * before the cancel, so that the next attempt does not ask for them from scratch.
 */
export async function runSteps(steps, ask, initial = {}, onCancel = null) {
	let values = mergeDialogValues(initial, {});
	for (let i = 0; i < steps.length; i++) {
		const answer = await ask(steps[i], i, steps.length, values);
		if (answer === null || answer === undefined) {
			if (onCancel) onCancel(values);
			return null;
		}
		values = mergeDialogValues(values, answer);
	}
	return values;
}

/** The dialog values of one step taken from earlier answers ({opportunity, account}): its prefill. */
export function stepDefaults(step, values) {
	const defaults = {};
	for (const section of step?.sections || []) {
		const target = section.target === "Account" ? "account" : "opportunity";
		for (const field of section.fields) {
			const fieldname = field.fieldname.slice(field.fieldname.indexOf("__") + 2);
			const value = values?.[target]?.[fieldname];
			if (value !== undefined && value !== null && value !== "") defaults[field.fieldname] = value;
		}
	}
	return defaults;
}

/** The approval states of a card's quotation (the Quotation's workflow_state, mirrored on the opportunity as
 * `quotation_state`; crm_portal/pipeline/approval.py) and how the card's badge shows them. */
export const QUOTATION_STATES = {
	Brouillon: { key: "draft", mark: "" },
	"À valider": { key: "pending", mark: "?" },
	Validée: { key: "approved", mark: "✓" },
	Refusée: { key: "refused", mark: "✗" },
};

/**
 * The quotation badge of a card, or null when it has no quotation: "D" (devis) followed by a mark of its
 * approval state (none for a draft, "?" to be approved, "✓" approved, "✗" refused), the state's key (the
 * badge's colour) and the state itself (its title, translated by the page). A quotation outside the approval
 * circuit (no state) shows a plain "D".
 */
export function quotationBadge(card) {
	if (!card?.quotation) return null;
	const state = card.quotation_state || "";
	const known = QUOTATION_STATES[state];
	if (!known) return { text: "D", key: "none", state: "" };
	return { text: known.mark ? `D ${known.mark}` : "D", key: known.key, state };
}

// "Nous avons besoin d'en savoir un peu plus…": the pop-ups asking for the fields a stage requires, one
// per stage crossed, shared by the board (board/board.js) and the opportunity form (crm_opportunity.js).
// A plain ES module served from /assets/crm_portal (no bundler step). The steps come from the server's
// `stage_requirements` (HTTP 417) or from get_stage_requirements; their DOM-free preparation lives in
// ../logic/board.mjs (tested with node). Every value from a record is escaped before it reaches HTML.

import { compactValues, requirementSteps, runSteps, stepDefaults } from "../logic/board.mjs";

const MAX_REQUIREMENT_ROUNDS = 5;

// The answers given before a cancel, per opportunity: cancelling the 2nd of two chained pop-ups keeps
// the 1st one's answers, and the next attempt (board or form) opens the dialogs prefilled with them.
const kept = new Map();

/** The answers kept for an opportunity since its last cancelled move ({opportunity, account}). */
export function keptAnswers(key) {
	return (key && kept.get(key)) || {};
}

export function keepAnswers(key, values) {
	if (key) kept.set(key, values);
}

/** Forget the kept answers once the move is saved. */
export function forgetAnswers(key) {
	kept.delete(key);
}

const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

/** One stage's required fields in a dialog with their real field types. `title` is the opportunity's
 * name as typed; `values` the answers given so far ({opportunity, account}), shown prefilled. Resolves
 * with the dialog's values, or null when the user cancels. */
export function askRequirements(step, index, total, title, values = {}) {
	return new Promise((resolve) => {
		const section_labels = {
			Account: __("About this prospect"),
			Opportunity: __("About this opportunity"),
		};
		const fields = [
			// Filled once the dialog is made: Frappe renders an HTML field's `options` as a template, so a
			// name holding "{{ … }}" would run there.
			{ fieldtype: "HTML", fieldname: "intro" },
		];
		for (const section of step.sections) {
			fields.push({ fieldtype: "Section Break", label: section_labels[section.target] });
			fields.push(...section.fields);
		}
		let answered = false;
		const dialog = new frappe.ui.Dialog({
			title: total > 1 ? `${__("We need to know a little more…")} (${index + 1}/${total})` : __("We need to know a little more…"),
			fields,
			primary_action_label: index + 1 < total ? __("Next") : __("Save"),
			primary_action: (values) => {
				answered = true;
				dialog.hide();
				delete values.intro;
				resolve(values);
			},
			secondary_action_label: __("Cancel"),
			secondary_action: () => dialog.hide(),
		});
		dialog.fields_dict.intro.$wrapper.html(
			`<p>${esc(__("We need to know a little more to move {0} to {1}.", [title, step.stage_name]))}</p>`
		);
		dialog.$wrapper.addClass("crm-requirements-dialog").attr("data-stage", step.stage).data("dialog", dialog);
		const defaults = stepDefaults(step, values);
		if (Object.keys(defaults).length) dialog.set_values(defaults);
		dialog.onhide = () => {
			if (!answered) resolve(null);
		};
		dialog.show();
	});
}

/** Every stage's dialog in order: resolves with {opportunity: {...}, account: {...}}, or null. With a
 * `key` (the opportunity's name), the answers given before a cancel are kept and prefill the next call. */
export async function askAllRequirements(stageRequirements, title, initial = {}, key = null) {
	const start = { ...keptAnswers(key) };
	for (const target of ["opportunity", "account"]) {
		start[target] = { ...(start[target] || {}), ...(initial?.[target] || {}) };
	}
	const answer = await runSteps(
		requirementSteps(stageRequirements),
		(step, i, total, values) => askRequirements(step, i, total, title, values),
		start,
		(values) => keepAnswers(key, values)
	);
	if (answer) keepAnswers(key, answer); // until the caller's save succeeds (forgetAnswers)
	return answer;
}

/** POST a whitelisted method with a JSON body (the pipeline endpoints take `values` as a typed dict).
 * Rejects with the server's answer (exc_type, _server_messages, stage_requirements…). */
export async function postJSON(method, args = {}) {
	const response = await fetch(`/api/method/${method}`, {
		method: "POST",
		headers: {
			Accept: "application/json",
			"Content-Type": "application/json",
			"X-Frappe-CSRF-Token": frappe.csrf_token,
		},
		body: JSON.stringify(args),
	});
	let data = {};
	try {
		data = await response.json();
	} catch {
		// an empty or HTML answer: handled below
	}
	if (!response.ok) throw data || {};
	return data.message;
}

/** The server's message(s) of a failed call, as text a salesperson can read. */
export function serverMessage(error) {
	try {
		const messages = JSON.parse(error?._server_messages || "[]").map((m) => {
			try {
				return JSON.parse(m).message;
			} catch {
				return m;
			}
		});
		if (messages.length) return messages.join("<br>");
	} catch {
		// fall through
	}
	return __("The server refused the change.");
}

/** Call a pipeline endpoint that takes `values`; each time the server answers with the fields a stage
 * requires, ask for them and try again. Resolves with {message}, or null when the user cancels;
 * rejects with the server's answer on any other refusal. */
export async function callWithRequirements(method, args, title, key = args?.opportunity) {
	let values = {};
	for (let round = 0; round < MAX_REQUIREMENT_ROUNDS; round++) {
		try {
			const message = await postJSON(method, { ...args, values: compactValues(values) });
			forgetAnswers(key);
			return { message };
		} catch (error) {
			if (!error?.stage_requirements?.length) throw error;
			const answer = await askAllRequirements(error.stage_requirements, title, values, key);
			if (!answer) return null;
			values = answer;
		}
	}
	return null;
}

// DOM-free logic of the accounts & contacts page (/app/crm-accounts): when to search (the settings'
// minimum of significant characters, as crm_portal.accounts.identifiers counts them), a debounce that
// drops stale answers, and the rows shown for the search API's answer.

import { formRoute } from "./actions.mjs";

export const WILDCARDS = "*%";
export const DEBOUNCE_MS = 250;

/** The query as the server cleans it: trimmed, inner spaces collapsed, a spaced number compacted. */
export function cleanQuery(query) {
	const text = String(query ?? "").trim();
	const compacted = text.replace(/[\s.\-]/g, "");
	if (text && /^\d+$/.test(compacted)) return compacted;
	return text.replace(/\s+/g, " ");
}

/** Characters that count towards the minimum: wildcards and spaces do not. */
export function significantLength(query) {
	return [...cleanQuery(query)].filter((c) => !WILDCARDS.includes(c) && !/\s/.test(c)).length;
}

export function shouldSearch(query, minChars = 3) {
	return significantLength(query) >= Math.max(Number(minChars) || 0, 1);
}

/**
 * A search-as-you-type runner: `run(query)` waits `wait` ms of quiet, then calls `search(query)` and
 * hands its answer to `onResult(query, answer)` only if no newer query was typed meanwhile.
 * Too short a query calls `onShort(query)` at once. Timers are injectable for tests.
 */
export function searchRunner({
	search,
	onResult,
	onShort = () => {},
	onError = () => {},
	minChars = 3,
	wait = DEBOUNCE_MS,
	// bound: the browser's timers refuse to run as methods of another object ("Illegal invocation")
	timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id) },
}) {
	let timer = null;
	let sequence = 0;
	const state = { minChars };
	const run = (query) => {
		sequence += 1;
		const mine = sequence;
		if (timer !== null) timers.clearTimeout(timer);
		timer = null;
		if (!shouldSearch(query, state.minChars)) {
			onShort(query);
			return;
		}
		timer = timers.setTimeout(async () => {
			timer = null;
			try {
				const answer = await search(cleanQuery(query));
				if (mine === sequence) onResult(query, answer);
			} catch (error) {
				if (mine === sequence) onError(error);
			}
		}, wait);
	};
	run.setMinChars = (value) => {
		state.minChars = value;
	};
	return run;
}

const STATUS_LABELS = {
	Draft: "Draft prospect",
	Validated: "Validated prospect",
	Closed: "Closed prospect",
	Customer: "Customer",
	Disabled: "Disabled customer",
};

export function statusLabel(row) {
	if (row.doctype === "Contact") return row.closed ? "Contact (closed accounts)" : "Contact";
	if (row.doctype === "CRM Prospect") return STATUS_LABELS[row.status] || "Prospect";
	return STATUS_LABELS[row.status] || "Customer";
}

export function statusColor(row) {
	if (row.closed) return "gray";
	if (row.doctype === "Contact") return "purple";
	if (row.doctype === "Customer") return "green";
	return row.status === "Validated" ? "blue" : "orange";
}

/** The answer of crm_portal.api.accounts.search as display rows (accounts first, then contacts). */
export function resultRows(answer) {
	if (!answer || answer.too_short) return [];
	const accounts = (answer.accounts || []).map((row) => ({
		kind: "account",
		doctype: row.doctype,
		name: row.name,
		title: row.title || row.name,
		details: [row.legal_name && row.legal_name !== row.title ? row.legal_name : null, row.siret || row.siren]
			.filter(Boolean)
			.join(" · "),
		status: statusLabel(row),
		color: statusColor(row),
		route: formRoute(row.doctype, row.name),
		links: [],
	}));
	const contacts = (answer.contacts || []).map((contact) => ({ ...contact, doctype: "Contact" })).map((row) => ({
		kind: "contact",
		doctype: "Contact",
		name: row.name,
		title: row.title || row.full_name || row.name,
		details: [row.email_id, row.mobile_no || row.phone].filter(Boolean).join(" · "),
		status: statusLabel(row),
		color: statusColor(row),
		route: formRoute("Contact", row.name),
		links: (row.accounts || []).map((a) => ({
			title: a.title || a.name,
			route: formRoute(a.doctype, a.name),
			closed: !!a.closed,
		})),
	}));
	return [...accounts, ...contacts];
}

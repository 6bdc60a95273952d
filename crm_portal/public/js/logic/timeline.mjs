// DOM-free logic of the activity timeline on the Opportunity, Prospect, Customer and Contact forms:
// the headings ("1 activité à venir", "10 activités passées"), the tile of each entry of
// crm_portal.api.timeline.get_timeline, and the links a new action gets from the form it is made on.

import { format, formRoute, tileDate } from "./actions.mjs";

const identity = (text, args) => (args ? format(text, args) : text);

export const TIMELINE_DOCTYPES = ["CRM Opportunity", "CRM Prospect", "Customer", "Contact"];

/** "{0} upcoming activity" / "{0} upcoming activities" and the same for past ones. */
export function headings(counts = {}, t = identity) {
	const upcoming = Number(counts.upcoming) || 0;
	const past = Number(counts.past) || 0;
	return {
		upcoming: upcoming === 1 ? t("{0} upcoming activity", [upcoming]) : t("{0} upcoming activities", [upcoming]),
		past: past === 1 ? t("{0} past activity", [past]) : t("{0} past activities", [past]),
		late: Number(counts.late) || 0,
	};
}

/** The arguments of crm_portal.api.actions.create_action for an action made on this form. */
export function quickCreateArgs(doctype, name, values = {}) {
	const args = { action_type: values.action_type };
	if (values.subject) args.subject = values.subject;
	if (values.start) args.start = values.start;
	if (doctype === "CRM Opportunity") args.opportunity = name;
	else if (doctype === "Contact") args.contact = name;
	else {
		args.account_type = doctype;
		args.account = name;
	}
	return args;
}

/** What a tile shows, per kind of entry (action, opportunity, created, modified); escaped by the page. */
export function entryView(entry) {
	const base = { kind: entry.kind, date: tileDate(entry.date), title: entry.title || entry.name || "" };
	if (entry.kind === "action") {
		return {
			...base,
			name: entry.name,
			type: entry.action_type || "",
			route: formRoute("CRM Action", entry.name),
			done: entry.status === "Done",
			cancelled: entry.status === "Cancelled",
			late: !!entry.late,
			checkable: entry.status === "Open" || entry.status === "Done",
			opportunity: entry.opportunity || "",
			opportunity_route: entry.opportunity ? formRoute("CRM Opportunity", entry.opportunity) : null,
			assignee: entry.assigned_to || "",
		};
	}
	if (entry.kind === "opportunity") {
		return {
			...base,
			name: entry.name,
			route: formRoute("CRM Opportunity", entry.name),
			stage: entry.stage_name || entry.stage || "",
			status: entry.status || "",
			expected_signature_date: entry.expected_signature_date || "",
			amount: entry.amount,
			currency: entry.currency || "",
			days: entry.days,
			portfolio: entry.portfolio || "",
		};
	}
	return { ...base, changed: Array.isArray(entry.changed) ? entry.changed : [] };
}

// DOM-free logic of the actions page (/app/crm-actions): bucket tabs, "assigned to" choices, the drag
// zones and the server call each one makes, tile formatting. Labels are English msgids; the page
// passes Frappe's __() as `t` (identity by default, so node tests read the msgids).

const identity = (text, args) => (args ? format(text, args) : text);

/** "{0} late" + [3] → "3 late" (Frappe's placeholder style). */
export function format(text, args = []) {
	return String(text).replace(/\{(\d+)\}/g, (match, index) =>
		args[index] === undefined || args[index] === null ? match : String(args[index])
	);
}

/** Buckets in the seeds' order ("En retard", "Aujourd'hui", …, "Toutes"). */
export const BUCKETS = [
	{ key: "late", label: "Late" },
	{ key: "today", label: "Today" },
	{ key: "this_week", label: "This week" },
	{ key: "next_week", label: "Next week" },
	{ key: "later", label: "Future weeks" },
	{ key: "all", label: "All" },
];

/** The tabs with their counts: "Late (7)"; a bucket with nothing shows its bare label. */
export function bucketTabs(counts = {}, active = "all", t = identity) {
	return BUCKETS.map(({ key, label }) => {
		const count = Number(counts?.[key]) || 0;
		return {
			key,
			count,
			active: key === active,
			label: count ? `${t(label)} (${count})` : t(label),
		};
	});
}

/** "Affectées à": the scopes the server knows (crm_portal.teams.scope_users, and "team_n" of the
 * actions feed: the user and their peers under the same manager) before the users. */
export const SCOPES = [
	{ value: "me", label: "Me" },
	{ value: "all", label: "All" },
	{ value: "team_n", label: "My team (N)" },
	{ value: "team_n1", label: "My team (N-1)" },
	{ value: "team_n1_me", label: "My team (N-1) and me" },
	{ value: "team_nn", label: "My team (all levels)" },
	{ value: "team_nn_me", label: "My team (all levels) and me" },
];

export function scopeOptions(users = [], t = identity, me = null) {
	const options = SCOPES.map(({ value, label }) => ({ value, label: t(label) }));
	for (const user of users) {
		if (!user?.name || user.name === me) continue;
		options.push({ value: user.name, label: user.full_name ? `${user.full_name} (${user.name})` : user.name });
	}
	return options;
}

export const SORTS = [
	{ value: "date", label: "Date" },
	{ value: "account", label: "Account name" },
	{ value: "assignee", label: "Assigned to" },
];

/** The drag zones of the seeds ("Zone de traitement des événements"), in display order. */
export const DROP_ZONES = [
	{ key: "done", label: "Complete", method: "mark_done" },
	{ key: "done_next", label: "Complete and create a new action", method: "done_and_create_next", ask: "next" },
	{ key: "delete", label: "Delete", method: "delete_action", ask: "confirm" },
	{ key: "tomorrow", label: "Postpone: tomorrow", method: "postpone", group: "postpone" },
	{ key: "next_week", label: "Postpone: next week", method: "postpone", group: "postpone" },
	{ key: "date", label: "Postpone: a date…", method: "postpone", group: "postpone", ask: "date" },
	{ key: "reassign", label: "Reassign", method: "reassign", ask: "user" },
];

export function dropZone(key) {
	return DROP_ZONES.find((zone) => zone.key === key) || null;
}

/** What the page must ask before the call: null, "next", "confirm", "date" or "user". */
export function dropAsk(key) {
	return dropZone(key)?.ask || null;
}

/**
 * The server call of a drop: {method, args} for crm_portal.api.actions.<method>.
 * `action` is the feed row ({name, modified, status}); `input` what the dialog asked, if anything.
 * Returns null when the drop means nothing (unknown zone, action not open, input missing).
 */
export function dropCall(key, action, input = {}) {
	const zone = dropZone(key);
	if (!zone || !action?.name) return null;
	if (key !== "delete" && action.status && action.status !== "Open") return null;
	const base = { name: action.name };
	const stamp = action.modified ? { modified: action.modified } : {};
	switch (key) {
		case "done":
			return { method: zone.method, args: { ...base, ...stamp } };
		case "done_next":
			if (!input.action_type) return null;
			return {
				method: zone.method,
				args: compact({
					...base,
					...stamp,
					action_type: input.action_type,
					subject: input.subject,
					start: input.start,
					assigned_to: input.assigned_to,
				}),
			};
		case "delete":
			return input.confirmed ? { method: zone.method, args: base } : null;
		case "tomorrow":
		case "next_week":
			return { method: zone.method, args: { ...base, ...stamp, to: key } };
		case "date":
			if (!input.date) return null;
			return { method: zone.method, args: { ...base, ...stamp, to: "date", date: input.date } };
		case "reassign":
			if (!input.user) return null;
			return { method: zone.method, args: { ...base, ...stamp, user: input.user } };
		default:
			return null;
	}
}

function compact(values) {
	return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

const pad = (n) => String(n).padStart(2, "0");

/** A Frappe datetime string "2026-03-27 11:50:00[.ffffff]" → its parts (no time zone maths). */
export function parseDatetime(value) {
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(String(value || ""));
	if (!match) return null;
	const [, y, m, d, hh = "00", mm = "00", ss = "00"] = match;
	return { year: +y, month: +m, day: +d, hour: +hh, minute: +mm, second: +ss };
}

/** The quick-create default: now, as Frappe's "YYYY-MM-DD HH:mm:ss". */
export function datetimeString(date = new Date()) {
	return (
		`${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
		`${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
	);
}

/** The tile's date: "27/03/2026 11:50" (French order, 24 h). */
export function tileDate(value) {
	const p = parseDatetime(value);
	if (!p) return "";
	return `${pad(p.day)}/${pad(p.month)}/${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** The tile's content, escaped by the page: date, type, subject, account, opportunity, done state. */
export function tileView(action) {
	return {
		name: action.name,
		date: tileDate(action.start),
		type: action.action_type || "",
		subject: action.subject || "",
		account: action.account_name || action.account || "",
		account_route: action.account_type && action.account ? formRoute(action.account_type, action.account) : null,
		opportunity: action.opportunity ? action.opportunity_title || action.opportunity : "",
		opportunity_route: action.opportunity ? formRoute("CRM Opportunity", action.opportunity) : null,
		assignee: action.assigned_to_name || action.assigned_to || "",
		done: action.status === "Done",
		late: action.bucket === "late",
		color: /^#[0-9a-fA-F]{3,8}$/.test(action.color || "") ? action.color : null,
		draggable: action.status === "Open",
	};
}

/** "/app/crm-opportunity/OPP-0001" (DocType slug as Frappe builds it, the name URI-encoded). */
export function formRoute(doctype, name) {
	const slug = String(doctype).toLowerCase().replace(/ /g, "-");
	return `/app/${slug}/${encodeURIComponent(name)}`;
}

// Month maths of the signature calendar (tested with node). Months are {year, month} with month 1-12.

const pad = (n, size = 2) => String(n).padStart(size, "0");

export function addMonths(year, month, delta) {
	const index = year * 12 + (month - 1) + delta;
	return { year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1 };
}

/** Number of days of a month (leap years included). */
export function daysInMonth(year, month) {
	return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** "2026-02-28": the date a card dropped on a month gets (the last day of that month). */
export function lastDayOfMonth(year, month) {
	return `${pad(year, 4)}-${pad(month)}-${pad(daysInMonth(year, month))}`;
}

/** "2026-03" for "2026-03-15" (or a Date); null for no date (the "Sans date" column). */
export function monthKey(value) {
	if (!value) return null;
	if (value instanceof Date) return `${pad(value.getFullYear(), 4)}-${pad(value.getMonth() + 1)}`;
	const match = /^(\d{4})-(\d{2})/.exec(String(value));
	return match ? `${match[1]}-${match[2]}` : null;
}

export function parseMonthKey(key) {
	const match = /^(\d{4})-(\d{2})$/.exec(String(key || ""));
	return match ? { year: Number(match[1]), month: Number(match[2]) } : null;
}

/** The month containing a date ("2026-03-15" or a Date; default: today in the browser's time zone). */
export function monthOf(value = new Date()) {
	return parseMonthKey(monthKey(value));
}

/** `count` consecutive month keys from year-month. */
export function monthWindow(year, month, count) {
	return Array.from({ length: count }, (_, i) => {
		const m = addMonths(year, month, i);
		return `${pad(m.year, 4)}-${pad(m.month)}`;
	});
}

/**
 * Where a drop lands: a month key → that month; "previous"/"next" (the side frames) → the month before
 * the first / after the last shown; "none" → no date. Returns {year, month} or null (no date).
 */
export function dropMonth(target, first, count) {
	if (target === "none" || target === null || target === undefined) return null;
	if (target === "previous") return addMonths(first.year, first.month, -1);
	if (target === "next") return addMonths(first.year, first.month, count);
	return parseMonthKey(target);
}

/** "mars 2026" / "March 2026" through Intl, capitalised. */
export function monthLabel(year, month, locale = "fr") {
	let text;
	try {
		text = new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(
			new Date(Date.UTC(year, month - 1, 1))
		);
	} catch {
		text = `${pad(month)}/${year}`;
	}
	return text.charAt(0).toUpperCase() + text.slice(1);
}

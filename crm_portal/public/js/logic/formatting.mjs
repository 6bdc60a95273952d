// DOM-free formatting shared by the board, the calendar and the portal pages (tested with node).

const NBSP = "\u00a0";

/** 15000 → "15 k€", 1250000 → "1,3 M€", 950 → "950 €" (French separators, non-breaking spaces). */
export function formatAmountShort(amount, currencySymbol = "€") {
	const value = Number(amount) || 0;
	const abs = Math.abs(value);
	let scaled = value;
	let unit = "";
	if (abs >= 1e6) {
		scaled = value / 1e6;
		unit = "M";
	} else if (abs >= 1e3) {
		scaled = value / 1e3;
		unit = "k";
	}
	const digits = unit && Math.abs(scaled) < 10 && !Number.isInteger(Math.round(scaled * 10) / 10) ? 1 : 0;
	const text = (Math.round(scaled * 10 ** digits) / 10 ** digits).toFixed(digits).replace(".", ",");
	return `${text}${NBSP}${unit}${currencySymbol}`;
}

/** Days with at most one decimal: 12 → "12 j", 2.5 → "2,5 j". */
export function formatDays(days) {
	const value = Math.round((Number(days) || 0) * 10) / 10;
	return `${String(value).replace(".", ",")}${NBSP}j`;
}

/** The Kanban column header of the seeds: "15 k€ - 12 j (1)". */
export function columnHeader({ amount = 0, days = 0, count = 0 }, currencySymbol = "€") {
	return `${formatAmountShort(amount, currencySymbol)} - ${formatDays(days)} (${count})`;
}

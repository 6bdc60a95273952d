// DOM-free formatting shared by the board, the calendar, the reports, the workspace and the portal pages
// (tested with node). Its Python twin, for the pages and cards drawn on the server, is in
// crm_portal/crm_portal/report/figures.py; both are held to the same examples (tests/formatting_cases.json).

const NBSP = "\u00a0";

/** JS rounding (half towards +∞) to `digits` decimals, the one the Python twin copies. */
function roundTo(value, digits) {
	const factor = 10 ** digits;
	return Math.round(value * factor) / factor;
}

/** 1234567.5 → "1 234 567,5" with `digits` decimals (French separators, non-breaking spaces). */
function frenchNumber(value, digits) {
	const [whole, decimals] = Math.abs(value).toFixed(digits).split(".");
	const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
	const sign = value < 0 && Number(whole + (decimals || "")) !== 0 ? "-" : "";
	return sign + grouped + (decimals ? `,${decimals}` : "");
}

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
	const digits = unit && Math.abs(scaled) < 10 && !Number.isInteger(roundTo(scaled, 1)) ? 1 : 0;
	const text = roundTo(scaled, digits).toFixed(digits).replace(".", ",");
	return `${text}${NBSP}${unit}${currencySymbol}`;
}

/** A whole amount: 43000 → "43 000 €", 455.5 → "455,50 €" (cents only when there are some). */
export function formatAmount(amount, currencySymbol = "€") {
	const value = roundTo(Number(amount) || 0, 2);
	return `${frenchNumber(value, Number.isInteger(value) ? 0 : 2)}${NBSP}${currencySymbol}`;
}

/** Days with at most one decimal: 12 → "12 j", 2.5 → "2,5 j". */
export function formatDays(days) {
	const value = roundTo(Number(days) || 0, 1);
	return `${String(value).replace(".", ",")}${NBSP}j`;
}

/** A percentage with at most one decimal: 10 → "10 %", 12.5 → "12,5 %". */
export function formatPercent(percent) {
	const value = roundTo(Number(percent) || 0, 1);
	return `${String(value).replace(".", ",")}${NBSP}%`;
}

/** The Kanban column header of the seeds: "15 k€ - 12 j (1)". */
export function columnHeader({ amount = 0, days = 0, count = 0 }, currencySymbol = "€") {
	return `${formatAmountShort(amount, currencySymbol)} - ${formatDays(days)} (${count})`;
}

/** How a figure of a report column is written: amounts in full ("25 000 €"), days ("12 j"),
 * percentages ("10 %"); undefined for any other column (the report's default formatter then writes it).
 * An empty figure, and the probability of a total row (a sum of probabilities means nothing), stay empty. */
export function formatReportFigure(value, column = {}, row = {}, currencySymbol = "€") {
	const percent = column.fieldtype === "Percent";
	const days = column.fieldname === "days" || column.fieldname === "weighted_days";
	if (!(column.fieldtype === "Currency" || percent || days)) return undefined;
	if (value === null || value === undefined || value === "") return "";
	if (percent && row && row.is_total_row && column.fieldname === "probability") return "";
	if (percent) return formatPercent(value);
	if (days) return formatDays(value);
	return formatAmount(value, currencySymbol);
}

// DOM-free shaping of the signature forecast (crm_portal.api.forecast.get_forecast) for the board's
// right-hand panel: months → bars and P10–P90 whiskers of a small SVG chart, the totals shown under it,
// and the reasons of the risk flag of a card. Tested with node (tests/js/forecast.test.mjs).

const num = (value) => {
	const n = Number(value);
	return Number.isFinite(n) ? n : 0;
};

/** "2026-12" → "déc. 26" (a short month label through Intl; "12/26" when Intl cannot). */
export function shortMonthLabel(key, locale = "fr") {
	const match = /^(\d{4})-(\d{2})$/.exec(String(key || ""));
	if (!match) return String(key || "");
	const [year, month] = [Number(match[1]), Number(match[2])];
	try {
		const text = new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" }).format(
			new Date(Date.UTC(year, month - 1, 1))
		);
		return `${text.charAt(0).toUpperCase()}${text.slice(1)} ${String(year).slice(2)}`;
	} catch {
		return `${match[2]}/${String(year).slice(2)}`;
	}
}

/**
 * The forecast's months as numbers: expected, signed, and the range [low, high] (P10, P90) around the
 * expected amount. Missing figures count as 0; a range given upside down is put back in order and
 * always contains the expected amount (a bar never sits outside its whisker).
 */
export function forecastSeries(months = []) {
	return (months || []).map((m) => {
		const expected = Math.max(0, num(m.expected));
		const p10 = num(m.p10);
		const p90 = num(m.p90);
		return {
			month: String(m.month || ""),
			expected,
			signed: Math.max(0, num(m.signed)),
			low: Math.max(0, Math.min(p10, p90, expected)),
			high: Math.max(p10, p90, expected),
		};
	});
}

/** Sums of the months shown: expected and signed (P10/P90 do not add up, so no range total). */
export function forecastTotals(months = []) {
	return forecastSeries(months).reduce(
		(t, m) => ({ expected: t.expected + m.expected, signed: t.signed + m.signed }),
		{ expected: 0, signed: 0 }
	);
}

/** True when there is nothing to draw (no month, or every figure 0). */
export function isEmptyForecast(months = []) {
	return forecastSeries(months).every((m) => m.high === 0 && m.signed === 0);
}

/**
 * Geometry of the chart in a width × height box (SVG units, y down), with `bottom` px kept for the
 * month labels: per month a group with the signed bar on the left, the expected bar on the right and
 * the P10–P90 whisker over the expected bar. One scale for all: the largest P90 or signed amount.
 */
export function chartModel(months = [], { width = 260, height = 120, bottom = 16, gap = 6 } = {}) {
	const series = forecastSeries(months);
	const plot = Math.max(1, height - bottom);
	const max = Math.max(0, ...series.map((m) => Math.max(m.high, m.signed)));
	const y = (value) => (max > 0 ? plot - (value / max) * plot : plot);
	const slot = series.length ? width / series.length : width;
	const bar = Math.max(1, (slot - gap) / 2);
	const groups = series.map((m, i) => {
		const x = i * slot + gap / 2;
		const expectedX = x + bar;
		return {
			...m,
			x,
			center: x + bar,
			signedBar: { x, y: y(m.signed), width: bar, height: plot - y(m.signed) },
			expectedBar: { x: expectedX, y: y(m.expected), width: bar, height: plot - y(m.expected) },
			whisker: { x: expectedX + bar / 2, y1: y(m.high), y2: y(m.low) },
		};
	});
	return { width, height, plot, max, groups };
}

export const RISK_CODES = ["overdue", "no_action", "stuck"];

/** The labels of a card's risk codes, in a fixed order, unknown codes left out. */
export function riskReasons(codes = [], labels = {}) {
	const given = new Set(Array.isArray(codes) ? codes : []);
	return RISK_CODES.filter((code) => given.has(code)).map((code) => labels[code] || code);
}

import assert from "node:assert/strict";
import { test } from "node:test";

import {
	chartModel,
	forecastSeries,
	forecastTotals,
	isEmptyForecast,
	riskReasons,
	shortMonthLabel,
} from "../../crm_portal/public/js/logic/forecast.mjs";

const MONTHS = [
	{ month: "2026-12", expected: 20000, p10: 5000, p90: 40000, signed: 10000 },
	{ month: "2027-01", expected: 8000, p10: 0, p90: 16000, signed: 0 },
	{ month: "2027-02", expected: 0, p10: 0, p90: 0, signed: 0 },
];

test("series: numbers, ranges ordered and around the expected amount", () => {
	const series = forecastSeries([
		...MONTHS,
		{ month: "2027-03", expected: "1500.5", p10: null, p90: undefined, signed: "abc" },
		{ month: "2027-04", expected: 3000, p10: 9000, p90: 1000, signed: -5 },
	]);
	assert.deepEqual(series[0], { month: "2026-12", expected: 20000, signed: 10000, low: 5000, high: 40000 });
	assert.deepEqual(series[3], { month: "2027-03", expected: 1500.5, signed: 0, low: 0, high: 1500.5 });
	// upside-down range put back in order, negative signed amount treated as nothing
	assert.deepEqual(series[4], { month: "2027-04", expected: 3000, signed: 0, low: 1000, high: 9000 });
	for (const m of series) assert.ok(m.low <= m.expected && m.expected <= m.high, m.month);
	assert.deepEqual(forecastSeries(null), []);
});

test("totals add expected and signed, not the ranges", () => {
	assert.deepEqual(forecastTotals(MONTHS), { expected: 28000, signed: 10000 });
	assert.deepEqual(forecastTotals([]), { expected: 0, signed: 0 });
});

test("an all-zero forecast is empty; one signed amount is not", () => {
	assert.equal(isEmptyForecast([]), true);
	assert.equal(isEmptyForecast([MONTHS[2]]), true);
	assert.equal(isEmptyForecast([{ month: "2027-01", signed: 1 }]), false);
	assert.equal(isEmptyForecast(MONTHS), false);
});

test("chart: one scale, the largest P90 touches the top, bars inside their whiskers", () => {
	const model = chartModel(MONTHS, { width: 300, height: 116, bottom: 16, gap: 10 });
	assert.equal(model.max, 40000);
	assert.equal(model.plot, 100);
	const [dec, jan, feb] = model.groups;
	assert.equal(dec.whisker.y1, 0, "P90 of December is the top");
	assert.equal(dec.whisker.y2, 87.5);
	assert.equal(dec.expectedBar.y, 50);
	assert.equal(dec.expectedBar.height, 50);
	assert.equal(dec.signedBar.height, 25);
	assert.equal(jan.expectedBar.height, 20);
	assert.equal(feb.expectedBar.height, 0);
	for (const g of model.groups) {
		assert.ok(g.whisker.y1 <= g.expectedBar.y && g.expectedBar.y <= g.whisker.y2, g.month);
		assert.ok(g.signedBar.x + g.signedBar.width <= g.expectedBar.x + 1e-9, "signed bar left of expected");
		assert.ok(g.expectedBar.x + g.expectedBar.width <= 300 + 1e-9, "inside the box");
	}
	// three slots of 100: bars of (100 - 10) / 2
	assert.equal(dec.signedBar.width, 45);
	assert.equal(jan.x, 105);
});

test("chart of nothing draws flat bars at the baseline, no division by zero", () => {
	const model = chartModel([MONTHS[2]], { height: 50, bottom: 10 });
	assert.equal(model.max, 0);
	assert.equal(model.groups[0].expectedBar.y, 40);
	assert.equal(model.groups[0].expectedBar.height, 0);
	assert.deepEqual(chartModel([]).groups, []);
});

test("short month labels in French", () => {
	assert.match(shortMonthLabel("2026-12", "fr"), /^Déc\.? 26$/);
	assert.match(shortMonthLabel("2027-01", "fr"), /^Janv\.? 27$/);
	assert.equal(shortMonthLabel("nonsense"), "nonsense");
	assert.equal(shortMonthLabel(""), "");
});

test("risk reasons: fixed order, unknown codes left out", () => {
	const labels = { overdue: "Date dépassée", no_action: "Aucune action", stuck: "Bloquée" };
	assert.deepEqual(riskReasons(["stuck", "overdue", "weird"], labels), ["Date dépassée", "Bloquée"]);
	assert.deepEqual(riskReasons(undefined, labels), []);
	assert.deepEqual(riskReasons("overdue", labels), [], "a string is not a list of codes");
	assert.deepEqual(riskReasons(["no_action"]), ["no_action"], "no label: the code");
});

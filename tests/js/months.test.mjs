import assert from "node:assert/strict";
import { test } from "node:test";

import {
	addMonths,
	daysInMonth,
	dropMonth,
	lastDayOfMonth,
	monthKey,
	monthLabel,
	monthOf,
	monthWindow,
	parseMonthKey,
} from "../../crm_portal/public/js/logic/months.mjs";

test("adding months crosses years both ways", () => {
	assert.deepEqual(addMonths(2026, 12, 1), { year: 2027, month: 1 });
	assert.deepEqual(addMonths(2026, 1, -1), { year: 2025, month: 12 });
	assert.deepEqual(addMonths(2026, 3, -15), { year: 2024, month: 12 });
	assert.deepEqual(addMonths(2026, 3, 0), { year: 2026, month: 3 });
});

test("last day of a month, leap years included", () => {
	assert.equal(lastDayOfMonth(2026, 2), "2026-02-28");
	assert.equal(lastDayOfMonth(2028, 2), "2028-02-29");
	assert.equal(lastDayOfMonth(2100, 2), "2100-02-28");
	assert.equal(lastDayOfMonth(2000, 2), "2000-02-29");
	assert.equal(lastDayOfMonth(2026, 12), "2026-12-31");
	assert.equal(lastDayOfMonth(2026, 4), "2026-04-30");
	assert.equal(daysInMonth(2026, 1), 31);
});

test("month keys", () => {
	assert.equal(monthKey("2026-03-15"), "2026-03");
	assert.equal(monthKey(null), null);
	assert.equal(monthKey(""), null);
	assert.equal(monthKey(new Date(2026, 0, 31)), "2026-01");
	assert.deepEqual(parseMonthKey("2026-11"), { year: 2026, month: 11 });
	assert.equal(parseMonthKey("nope"), null);
	assert.deepEqual(monthOf("2026-07-01"), { year: 2026, month: 7 });
	assert.deepEqual(monthWindow(2026, 11, 4), ["2026-11", "2026-12", "2027-01", "2027-02"]);
});

test("drops on months, side frames and the no-date column", () => {
	const first = { year: 2026, month: 11 };
	assert.deepEqual(dropMonth("2027-01", first, 4), { year: 2027, month: 1 });
	assert.deepEqual(dropMonth("previous", first, 4), { year: 2026, month: 10 });
	assert.deepEqual(dropMonth("next", first, 4), { year: 2027, month: 3 });
	assert.equal(dropMonth("none", first, 4), null);
});

test("month labels are capitalised and localised", () => {
	assert.equal(monthLabel(2026, 3, "fr"), "Mars 2026");
	assert.equal(monthLabel(2026, 3, "en"), "March 2026");
});

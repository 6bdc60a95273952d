import assert from "node:assert/strict";
import { test } from "node:test";

import {
	columnHeader,
	formatAmountShort,
	formatDays,
} from "../../crm_portal/public/js/logic/formatting.mjs";

const sp = (s) => s.replaceAll(" ", "\u00a0");

test("amounts are shortened with k and M and French decimals", () => {
	assert.equal(formatAmountShort(15000), sp("15 k€"));
	assert.equal(formatAmountShort(1250000), sp("1,3 M€"));
	assert.equal(formatAmountShort(2500), sp("2,5 k€"));
	assert.equal(formatAmountShort(950), sp("950 €"));
	assert.equal(formatAmountShort(0), sp("0 €"));
	assert.equal(formatAmountShort(null), sp("0 €"));
	assert.equal(formatAmountShort(-12000), sp("-12 k€"));
});

test("days keep one decimal", () => {
	assert.equal(formatDays(12), sp("12 j"));
	assert.equal(formatDays(2.5), sp("2,5 j"));
	assert.equal(formatDays(undefined), sp("0 j"));
});

test("column header reads like the seeds", () => {
	assert.equal(columnHeader({ amount: 15000, days: 12, count: 1 }), "15\u00a0k€ - 12\u00a0j (1)");
	assert.equal(columnHeader({}), "0\u00a0€ - 0\u00a0j (0)");
});

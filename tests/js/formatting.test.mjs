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

// The examples the Python twin (crm_portal/crm_portal/report/figures.py) is held to as well.
import { readFileSync } from "node:fs";

import { formatAmount, formatPercent, formatReportFigure } from "../../crm_portal/public/js/logic/formatting.mjs";

const cases = JSON.parse(readFileSync(new URL("../formatting_cases.json", import.meta.url), "utf8"));
const formatters = {
	amount_short: formatAmountShort,
	amount: formatAmount,
	days: formatDays,
	percent: formatPercent,
	column_header: columnHeader,
};

for (const [kind, examples] of Object.entries(cases)) {
	if (kind.startsWith("_")) continue;
	test(`shared examples: ${kind}`, () => {
		for (const [value, expected] of examples) {
			assert.equal(formatters[kind](value), expected, `${kind}(${JSON.stringify(value)})`);
		}
	});
}

test("report figures: amounts in full, days, percentages; others left to the report", () => {
	const nb = (text) => text.replaceAll(" ", "\u00a0");
	assert.equal(formatReportFigure(25000, { fieldtype: "Currency", fieldname: "amount" }), nb("25 000 €"));
	assert.equal(formatReportFigure(12.5, { fieldtype: "Float", fieldname: "days" }), nb("12,5 j"));
	assert.equal(formatReportFigure(10, { fieldtype: "Percent", fieldname: "probability" }), nb("10 %"));
	assert.equal(formatReportFigure(-60, { fieldtype: "Percent", fieldname: "variation" }), nb("-60 %"));
	assert.equal(formatReportFigure(null, { fieldtype: "Percent", fieldname: "variation" }), "");
	assert.equal(
		formatReportFigure(0, { fieldtype: "Percent", fieldname: "probability" }, { is_total_row: 1 }),
		"",
		"no probability on a total row"
	);
	assert.equal(formatReportFigure(3, { fieldtype: "Int", fieldname: "count" }), undefined);
	assert.equal(formatReportFigure("ABC", { fieldtype: "Data", fieldname: "account_name" }), undefined);
});

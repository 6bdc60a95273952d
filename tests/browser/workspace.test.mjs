// Browser test of the CRM Portal workspace (/app/crm-portal) and the Pipeline by Stage report, against a
// running bench with the demo data. Run by scripts/browser.sh (make browser): BASE_URL, CRM_USER,
// CRM_PASSWORD, SCREENSHOTS in the env.
//
// As a salesperson: the five number cards show a number, both charts draw, the shortcuts are there;
// the report shows its stage rows and total, its figures read back through the API.

import assert from "node:assert/strict";

import { BASE_URL, login, logger, openBrowser, PASSWORD, run, until, USER } from "./harness.mjs";

const TAG = "workspace";
const log = logger(TAG);

async function main() {
	const { page, errors, shot, close } = await openBrowser({
		tag: TAG,
		viewport: { width: 1600, height: 1100 },
		fullPage: true,
	});
	try {
		await login(page, USER, PASSWORD);
		log("logged in as", USER);

		// --- the workspace ----------------------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/crm-portal`);
		await page.waitForSelector(".number-widget-box");
		await until(
			async () =>
				(await page.$$eval(".number-widget-box .widget-content .number", (els) =>
					els.filter((el) => el.textContent.trim() !== "").length,
				)) === 5,
			"five number cards with a number",
		);
		const cards = await page.$$eval(".number-widget-box", (els) =>
			els.map((el) => ({
				title: el.querySelector(".widget-title")?.textContent.trim(),
				number: el.querySelector(".number")?.textContent.trim(),
			})),
		);
		log("cards", JSON.stringify(cards));
		assert.equal(cards.length, 5);
		await until(
			async () => (await page.$$(".dashboard-widget-box .chart-container svg, .dashboard-widget-box .frappe-chart")).length >= 2,
			"both charts drawn",
		);
		const shortcuts = await page.$$eval(".shortcut-widget-box .widget-title", (els) =>
			els.map((el) => el.textContent.trim()),
		);
		log("shortcuts", JSON.stringify(shortcuts));
		assert.ok(shortcuts.length >= 6, "the shortcuts are shown");
		await page.waitForTimeout(1000);
		await shot("workspace-crm-portal");
		// the charts' axis labels are readable ("IDENTIFICATION", "11/26"), never cut to "IDENTIFI ..." / "1 ..."
		// (the monthly chart shows every other month when they do not fit)
		await page.setViewportSize({ width: 1440, height: 900 });
		await page.waitForTimeout(1000);
		const axisLabels = await page.$$eval(".dashboard-widget-box .chart-container .x.axis text", (els) =>
			els.map((el) => el.textContent.trim()).filter(Boolean),
		);
		log("chart labels", JSON.stringify(axisLabels));
		assert.ok(axisLabels.length >= 3, "the charts have axis labels");
		// (a stage name longer than its bar, "QUALIFICATION / POSITIONNEMENT", may end in "...": its first
		// dozen letters still say which stage it is, and the tooltip shows it whole)
		const cut = axisLabels.filter((label) => /\.\.$/.test(label) && label.replace(/[\s.]+$/, "").length < 12);
		assert.deepEqual(cut, [], "no label cut to a few letters by the chart");
		await shot("workspace-crm-portal-1440");

		// the open-opportunities card agrees with the list view's count for this user (row-level
		// permissions applied; frappe.client.get_count would count everybody's)
		const open = await page.evaluate(() =>
			frappe.xcall("frappe.desk.reportview.get_count", {
				doctype: "CRM Opportunity",
				filters: [["CRM Opportunity", "status", "=", "Open"]],
			}),
		);
		const openCard = cards.find((c) => /opportunit/i.test(c.title || ""));
		assert.ok(openCard, "an open opportunities card");
		assert.equal(openCard.number.replace(/\s/g, ""), String(open), "card = count through the API");

		// --- the Pipeline by Stage report --------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/query-report/Pipeline by Stage?from_date=&to_date=`);
		await page.waitForSelector(".dt-scrollable .dt-row");
		await until(
			async () => (await page.$$(".dt-scrollable .dt-row")).length >= 2,
			"stage rows and a total row",
		);
		const result = await page.evaluate(() =>
			frappe.xcall("frappe.desk.query_report.run", {
				report_name: "Pipeline by Stage",
				filters: {},
				ignore_prepared_report: 1,
			}),
		);
		const total = result.result[result.result.length - 1];
		log("report total", JSON.stringify({ count: total.count, amount: total.amount }));
		assert.ok(total.is_total_row);
		await page.waitForTimeout(800);
		await shot("workspace-report-pipeline-by-stage");

		assert.deepEqual(errors, [], "no JavaScript error on the page");
		log("OK");
	} catch (error) {
		await shot("workspace-failure").catch(() => {});
		throw error;
	} finally {
		await close();
	}
}

run(TAG, main);

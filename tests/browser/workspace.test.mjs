// Browser test of the CRM Portal workspace (/app/crm-portal) and the Pipeline by Stage report, against a
// running bench with the demo data. Run by scripts/browser.sh (make browser): BASE_URL, CRM_USER,
// CRM_PASSWORD, SCREENSHOTS in the env.
//
// As a salesperson: the five number cards show a number, both charts draw, the shortcuts are there;
// the report shows its stage rows and total, its figures read back through the API.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium } from "playwright-core";

const BASE_URL = process.env.BASE_URL || "http://127.0.0.1:8000";
const USER = process.env.CRM_USER || "alfred.dupont@conseil-dupont.fr";
const PASSWORD = process.env.CRM_PASSWORD || "Alfred-Demo-2026";
const SCREENSHOTS = process.env.SCREENSHOTS || "bench-results/screenshots";
const TIMEOUT = 30_000;

const log = (...args) => console.log("[workspace]", ...args);

async function until(check, what, timeout = TIMEOUT) {
	const end = Date.now() + timeout;
	while (Date.now() < end) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`timed out waiting for: ${what}`);
}

async function main() {
	mkdirSync(SCREENSHOTS, { recursive: true });
	const profile = mkdtempSync(join(tmpdir(), "crm-portal-chromium-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
		headless: true,
		viewport: { width: 1600, height: 1100 },
		locale: "fr-FR",
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
	});
	const page = context.pages()[0] || (await context.newPage());
	page.setDefaultTimeout(TIMEOUT);
	const errors = [];
	page.on("pageerror", (e) => errors.push(String(e)));
	page.on("console", (m) => m.type() === "error" && log("console error:", m.text()));
	const shot = async (name) => {
		const path = join(SCREENSHOTS, `${name}.png`);
		await page.screenshot({ path, fullPage: true });
		log("screenshot", path);
	};
	try {
		await page.goto(`${BASE_URL}/login`);
		await page.fill("#login_email", USER);
		await page.fill("#login_password", PASSWORD);
		await page.click(".btn-login");
		await page.waitForURL(/\/app/, { timeout: TIMEOUT });
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

		// the open-opportunities card agrees with the API, as this user
		const open = await page.evaluate(() =>
			frappe.xcall("frappe.client.get_count", {
				doctype: "CRM Opportunity",
				filters: { status: "Open" },
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
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

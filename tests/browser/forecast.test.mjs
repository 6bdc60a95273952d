// Browser test of the signature forecast (issue 18) on the demo site, whose demo history
// (crm_portal/demo/history.py) gives 18 months of deals. Run by scripts/browser.sh (make browser).
//
// As the sales manager: the board's right-hand panel draws the forecast chart of the next six months
// with its figures (checked against the API), a card carries a risk flag whose title says why in French;
// the report "Prévisions de signature" renders in French with one row per month and opens a month's
// deals; the stage template form shows each stage's observed win rate with its sample size.
// Screenshots: forecast-panel.png, forecast-risk-flag.png, forecast-report.png.

import assert from "node:assert/strict";

import { join } from "node:path";

import { BASE_URL, login, logger, openBrowser, PORTFOLIO, run, SCREENSHOTS, TEMPLATE, until } from "./harness.mjs";

const TAG = "forecast";
const log = logger(TAG);
const MANAGER = process.env.CRM_MANAGER || "marie.martin@conseil-dupont.fr";
const MANAGER_PASSWORD = process.env.CRM_MANAGER_PASSWORD || "Marie-Demo-2026";

/** Frappe Charts first draws zeros, then animates to the data: wait for a bar that has a height. */
async function chartDrawn(page) {
	await until(
		async () =>
			(
				await page
					.locator(".chart-container .dataset-units rect")
					.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("height")) || 0))
			).some((h) => h > 0),
		"the report's chart draws its bars"
	);
	await page.waitForTimeout(800); // the end of the animation, for the screenshot
}

async function main() {
	const { page, errors, shot, close } = await openBrowser({ tag: TAG, viewport: { width: 1600, height: 1000 } });
	try {
		await login(page, MANAGER, MANAGER_PASSWORD);
		log("logged in as", MANAGER);
		await page.goto(`${BASE_URL}/app/crm-board`);
		await page.waitForSelector(".crm-board .crm-column");
		await page.waitForFunction(() => window.frappe?.session?.user);
		const server = (method, args) => page.evaluate(([m, a]) => frappe.xcall(m, a), [method, args]);

		// the demo portfolio, every salesperson
		await page.locator('.page-form select[data-fieldname="portfolio"]').selectOption(`p:${PORTFOLIO}`);
		await page.locator('.page-form select[data-fieldname="scope"]').selectOption("all");
		// --- the panel: a chart of six months with figures, as the API computes them ------------------
		const panel = page.locator(".crm-forecast");
		// Other tests may add deals to the dev site meanwhile (and `bench serve` has no realtime updates):
		// the panel is drawn again (as a scope change does) right after each read of the API, until both agree.
		await page.waitForSelector(".crm-forecast .crm-forecast-chart");
		let forecast;
		let shown;
		await until(async () => {
			await page.evaluate(() => frappe.pages["crm-board"].crm_board.load_forecast());
			forecast = await server("crm_portal.api.forecast.get_forecast", { portfolio: PORTFOLIO, scope: "all", months: 6 });
			shown = await page.evaluate(async (months) => {
				const { formatAmountShort } = await import("/assets/crm_portal/js/logic/formatting.mjs");
				return months.map((m) => formatAmountShort(m.expected));
			}, forecast.months);
			const texts = await panel.locator(".crm-forecast-expected").allInnerTexts();
			return JSON.stringify(texts) === JSON.stringify(shown);
		}, "the panel shows each month's expected amount as the API computes it");
		log("forecast", JSON.stringify(forecast.months));
		assert.ok(forecast.months.some((m) => m.expected > 0), "the demo history gives an expected amount");
		assert.match(await panel.locator(".crm-side-title").innerText(), /Prévisions de signature/);
		assert.equal(await panel.locator(".crm-forecast-month").count(), 6, "one bar group per month");
		assert.equal(await panel.locator(".crm-forecast-row").count(), 6);
		const heights = await panel
			.locator("rect.expected")
			.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("height"))));
		assert.ok(heights.some((h) => h > 0), "an expected bar is drawn");
		const total = await panel.locator(".crm-forecast-total").innerText();
		assert.match(total, /Attendu sur 6 mois/);
		assert.match(total, /\d.*€/);
		assert.match(await panel.locator(".crm-forecast-legend").innerText(), /Signé[\s\S]*Attendu[\s\S]*P10/);

		await page.evaluate(() => window.scrollTo(0, 0));
		await shot("forecast-panel");

		// --- a deal at risk carries a flag saying why, in French --------------------------------------
		// searched by name: other tests' fresh cards may fill the first page of each column (last modified)
		const atRisk = await server("crm_portal.api.forecast.get_deals_at_risk", { portfolio: PORTFOLIO, scope: "all" });
		assert.ok(atRisk.length > 0, "the demo history has deals at risk");
		await page.locator('.page-form input[data-fieldname="search"]').fill(atRisk[0].name);
		await page.waitForSelector(`.crm-card[data-name="${atRisk[0].name}"] .crm-risk-flag`);
		const flags = await page.locator(".crm-card .crm-risk-flag").evaluateAll((els) => els.map((e) => e.title));
		log(`${flags.length} flagged cards, e.g. "${flags[0]}"`);
		assert.ok(
			flags.every((t) => /Date de signature prévue dépassée|Aucune action récente|Dans ce stade depuis/.test(t)),
			`French reasons: ${flags.slice(0, 3).join(" | ")}`
		);
		const flagged = page.locator(".crm-card.at-risk").first();
		await flagged.scrollIntoViewIfNeeded();
		await flagged.screenshot({ path: join(SCREENSHOTS, "forecast-risk-flag.png") });

		// --- the report "Prévisions de signature" ------------------------------------------------------
		const reportUrl = `${BASE_URL}/app/query-report/Signature%20Forecast?portfolio=${encodeURIComponent(PORTFOLIO)}&scope=all`;
		await page.goto(reportUrl);
		await page.waitForSelector(".dt-row .dt-cell__content a", { timeout: 60_000 });
		assert.match(await page.locator(".page-title .title-text").innerText(), /Prévisions de signature/);
		const headers = (await page.locator(".dt-header .dt-cell__content").allInnerTexts()).join(" | ");
		log("columns", headers);
		for (const label of ["Mois", "Signé", "Attendu", "P10 (bas)", "P90 (haut)", "Affaires en cours"]) {
			assert.ok(headers.includes(label), `column ${label} in French: ${headers}`);
		}
		const months = await page.locator(".dt-scrollable .dt-row .dt-cell__content a").allInnerTexts();
		assert.equal(months.length, 6, `six months: ${months.join(", ")}`);
		assert.match(months[0], /^[A-ZÉ][a-zéû]+ \d{4}$/, "a month in words, in French");
		await chartDrawn(page);
		await shot("forecast-report");

		// --- drill-down: the busiest month's link lists its deals ---------------------------------------
		const busiest = forecast.months.reduce((a, m) => (m.deals > a.deals ? m : a), forecast.months[0]);
		const index = forecast.months.indexOf(busiest);
		await page.locator(".dt-scrollable .dt-row .dt-cell__content a").nth(index).click();
		// Frappe routes the link itself: its query string becomes the report's filters
		await until(
			async () => (await page.locator('.page-form input[data-fieldname="month"]').inputValue()) === busiest.month,
			"the month filter set by the link"
		);
		await until(
			async () => (await page.locator(".dt-header .dt-cell__content").allInnerTexts()).join(" ").includes("Taux de gain"),
			"the deals of the month"
		);
		const deals = await server("crm_portal.api.forecast.get_forecast_deals", {
			month: busiest.month,
			portfolio: PORTFOLIO,
			scope: "all",
			months: 6,
		});
		await until(
			async () => (await page.locator(".dt-scrollable .dt-row").count()) >= deals.length,
			`${deals.length} open deals of ${busiest.month}`
		);
		log(`drill-down ${busiest.month}: ${deals.length} open deals`);

		// --- the report "Affaires à risque": reasons in French, titles shown as typed (never as HTML) ----
		await page.goto(
			`${BASE_URL}/app/query-report/Deals%20at%20Risk?portfolio=${encodeURIComponent(PORTFOLIO)}&scope=all`
		);
		await page.waitForSelector(".report-wrapper .dt-scrollable .dt-row", { timeout: 60_000 });
		assert.match(await page.locator(".page-title .title-text").innerText(), /Affaires à risque/);
		const risky = await server("crm_portal.api.forecast.get_deals_at_risk", {
			portfolio: PORTFOLIO,
			scope: "all",
			limit: 500,
		});
		await until(
			async () => (await page.locator(".report-wrapper .dt-scrollable .dt-row").count()) >= Math.min(risky.length, 10),
			`${risky.length} deals at risk listed`
		);
		const reasons = (await page.locator(".report-wrapper .dt-scrollable .dt-row").first().innerText()).replace(/\s+/g, " ");
		assert.match(reasons, /Date de signature prévue dépassée|Aucune action depuis|Dans ce stade depuis/, reasons);
		assert.equal(
			await page.locator(".report-wrapper .dt-scrollable .dt-cell__content :is(svg, img, b, script)").count(),
			0,
			"no HTML from a title is interpreted"
		);
		await chartDrawn(page);
		await shot("forecast-risk-report");

		// --- the stage template form: observed win rate beside the typed probability -------------------
		await page.goto(`${BASE_URL}/app/crm-stage-template/${encodeURIComponent(TEMPLATE)}`);
		const learned = page.locator(".crm-learned-probabilities");
		await learned.waitFor();
		const stats = await server("crm_portal.api.forecast.get_stage_stats", { template: TEMPLATE, scope: "all" });
		assert.match(await learned.locator("thead").innerText(), /Probabilité saisie[\s\S]*Taux de gain observé/);
		assert.equal(await learned.locator("tbody tr").count(), stats.stages.length);
		const first = stats.stages[0];
		const cell = await learned.locator(`tr[data-stage="${first.stage}"] .crm-learned-rate`).innerText();
		assert.match(cell, new RegExp(`\\(${first.learned_sample} affaires\\)`), `sample size shown: ${cell}`);
		if (first.learned_rate !== null) {
			const rate = String(Math.round(first.learned_rate * 1000) / 10).replace(".", ",");
			assert.ok(cell.startsWith(`${rate} %`), `${cell} starts with ${rate} %`);
		}
		log("learned", cell.replace(/\s+/g, " "));

		assert.deepEqual(errors, [], "no page error");
		log("OK");
	} finally {
		await close();
	}
}

run(TAG, main);

// Browser test of the website portal (/crm) as the demo portal user (role CRM Portal User, a website user
// without desk access). Run by scripts/browser.sh (make browser): BASE_URL, SCREENSHOTS in the env.
//
// Creates a prospect and an opportunity through the portal forms, moves the opportunity into a stage that
// asks for more fields (the portal shows them and saves them with the move), logs an action and marks it
// done, then reads the board, the list and the actions. Markup in a title renders as text (no element,
// no dialog), and an opportunity of another salesperson is refused.

import assert from "node:assert/strict";

import {
	BASE_URL,
	login,
	logger,
	openBrowser,
	PORTAL_PASSWORD as PASSWORD,
	PORTAL_USER as USER,
	run,
	TEMPLATE,
} from "./harness.mjs";

const MARKUP = "<b>gras</b><i>penché</i>"; // kept by Frappe's input sanitizer: must show as text

const TAG = "portal";
const log = logger(TAG);

async function main() {
	const { page, errors, dialogs, shot, close } = await openBrowser({
		tag: TAG,
		viewport: { width: 1400, height: 1000 },
		fullPage: true,
	});
	const stamp = Date.now().toString(36);
	try {
		// --- log in: a portal user lands on the portal, not the desk ----------------------------------
		await login(page, USER, PASSWORD, (url) => !url.pathname.startsWith("/login"));
		log("logged in as", USER, "landed on", new URL(page.url()).pathname);
		const desk = await page.goto(`${BASE_URL}/app/crm-board`);
		assert.ok(!new URL(page.url()).pathname.startsWith("/app/crm-board") || desk.status() >= 400,
			"a portal user has no desk");

		// --- a prospect, then an opportunity on it ------------------------------------------------------
		await page.goto(`${BASE_URL}/crm/new-prospect`);
		await page.fill('input[name="values.call_name"]', `Portail Client ${stamp}`);
		await page.selectOption('select[name="values.legal_form"]', "En cours d'immatriculation");
		await Promise.all([
			page.waitForURL(/\/crm\/new-opportunity\?prospect=/),
			page.click(".crm-new-prospect-form [type=submit]"),
		]);
		const prospect = new URL(page.url()).searchParams.get("prospect");
		log("prospect", prospect);
		assert.equal(await page.locator('select[name="account"]').inputValue(), prospect);
		const title = `Portail ${MARKUP} ${stamp}`;
		await page.fill('input[name="title"]', title);
		await page.fill('input[name="amount"]', "8000");
		await page.fill('input[name="days"]', "5");
		await Promise.all([
			page.waitForURL(/\/crm\/opportunity\/OPP-/),
			page.click(".crm-new-opportunity-form [type=submit]"),
		]);
		const opportunity = decodeURIComponent(new URL(page.url()).pathname.split("/").pop());
		log("opportunity", opportunity);
		const heading = page.locator("h1.crm-opportunity-title");
		assert.ok((await heading.innerText()).includes(MARKUP), "the markup of the title shows as text");
		assert.equal(await heading.locator("b, i").count(), 0, "no element made of the title");

		// --- move into a stage that asks for more: the fields appear, then the move saves -----------
		await page.selectOption("#crm-move-stage", `${TEMPLATE}-QUALIFICATION / POSITIONNEMENT`);
		await page.click(".crm-move-form [type=submit]");
		await page.waitForSelector(".crm-move-form .crm-requirements select");
		for (const select of await page.locator(".crm-move-form .crm-requirements select").all()) {
			const values = await select.locator("option").evaluateAll((options) =>
				options.map((o) => o.value).filter(Boolean)
			);
			await select.selectOption(values[0]);
		}
		await shot("portal-opportunity-requirements");
		await Promise.all([page.waitForEvent("load"), page.click(".crm-move-form [type=submit]")]);
		assert.match(await page.locator(".crm-stage").innerText(), /QUALIFICATION/);

		// --- log an action, then mark it done ------------------------------------------------------------
		await page.fill(".crm-action-form input[name=subject]", `Rappeler ${stamp}`);
		await Promise.all([page.waitForEvent("load"), page.click(".crm-action-form [type=submit]")]);
		const action = page.locator(".crm-actions .crm-action", { hasText: `Rappeler ${stamp}` });
		await action.waitFor();
		// "My actions" lists it, open, among the late ones (started before now; the dev site keeps the actions
		// of earlier runs: "all" stops at 100)
		const opportunityUrl = page.url();
		await page.goto(`${BASE_URL}/crm/actions?bucket=late`);
		await page.locator(".crm-actions .crm-action", { hasText: `Rappeler ${stamp}` }).waitFor();
		await shot("portal-actions");
		await page.goto(opportunityUrl);
		await action.waitFor();
		await Promise.all([page.waitForEvent("load"), action.locator(".crm-complete").click()]);
		await page
			.locator(".crm-actions .crm-action.crm-action-done", { hasText: `Rappeler ${stamp}` })
			.waitFor();
		assert.equal(await action.locator(".crm-complete").count(), 0, "a done action has no button");
		await shot("portal-opportunity");

		// --- board, list, actions ----------------------------------------------------------------------
		await page.goto(`${BASE_URL}/crm/board`);
		const card = page.locator(`.crm-card[data-name="${opportunity}"]`);
		await card.waitFor();
		assert.ok((await card.locator(".crm-card-title").innerText()).includes(MARKUP));
		assert.equal(await card.locator(".crm-card-title b, .crm-card-title i").count(), 0);
		const column = page.locator(`.crm-column[data-stage="${TEMPLATE}-QUALIFICATION / POSITIONNEMENT"]`);
		assert.equal(await column.locator(`.crm-card[data-name="${opportunity}"]`).count(), 1);
		await shot("portal-board");

		await page.goto(`${BASE_URL}/crm/opportunities`);
		await page.locator(`.crm-opportunity-row[data-name="${opportunity}"]`).waitFor();
		const rows = await page.locator(".crm-opportunity-row .crm-account").allInnerTexts();
		assert.ok(rows.every((account) => !/ABC Cie|DEF Cie/.test(account)), "only the user's own accounts");
		await shot("portal-list");


		// --- another salesperson's opportunity is refused (the demo's are OPP-0000001…4) --------------
		for (const other of ["OPP-0000001", "OPP-0000002"]) {
			if (other === opportunity) continue;
			const response = await page.goto(`${BASE_URL}/crm/opportunity/${other}`);
			assert.ok([403, 404].includes(response.status()), `${other} answers ${response.status()}`);
			assert.ok(!/Projet \d/.test(await page.content()), "nothing of the other opportunity shows");
		}
		const api = await page.evaluate(async () => {
			const r = await fetch("/api/method/crm_portal.api.pipeline.get_stage_history?opportunity=OPP-0000001", {
				headers: { Accept: "application/json" },
			});
			return r.status;
		});
		assert.ok([403, 404].includes(api), `the API refuses too (${api})`);

		assert.deepEqual(dialogs, [], "no dialog was opened by page content");
		assert.deepEqual(errors, [], "no script error");
		log("OK");
	} catch (error) {
		await shot("portal-failure").catch(() => {});
		throw error;
	} finally {
		await close();
	}
}

run(TAG, main);

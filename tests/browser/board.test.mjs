// Browser test of the opportunities board (/app/crm-board) against a running bench with built assets.
// Run by scripts/browser.sh (make browser): BASE_URL, CRM_USER, CRM_PASSWORD, SCREENSHOTS in the env.
//
// As a salesperson: drag a card across two stages filling both "we need to know a little more"
// dialogs, cancel a move (the card goes back), mark a card lost, move a card in the signature
// calendar; after each step the database is read back through the API.

import assert from "node:assert/strict";

import { BASE_URL, login, logger, openBrowser, PASSWORD, PORTFOLIO, run, TEMPLATE, until, USER } from "./harness.mjs";

const STAGE = (name) => `${TEMPLATE}-${name}`;
const TAG = "browser";
const log = logger(TAG);

function lastDayOfMonth(year, month) {
	const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
	return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

async function main() {
	const { page, errors, shot, close } = await openBrowser({ tag: TAG, viewport: { width: 1600, height: 1000 } });
	try {
		// --- log in through the login page ---------------------------------------------------------
		await login(page, USER, PASSWORD);
		log("logged in as", USER);

		await page.goto(`${BASE_URL}/app/crm-board`);
		await page.waitForSelector(".crm-board .crm-column");
		await page.waitForFunction(() => window.frappe?.session?.user);

		const server = (method, args) =>
			page.evaluate(([m, a]) => frappe.xcall(m, a), [method, args]);
		const opportunity = (name) =>
			server("frappe.client.get", { doctype: "CRM Opportunity", name });
		const stamp = Date.now().toString(36);
		const create = async (title, extra = {}) =>
			(
				await server("crm_portal.api.pipeline.quick_create", {
					portfolio: PORTFOLIO,
					account: "ABC Cie",
					title: `${title} ${stamp}`,
					amount: 9000,
					days: 6,
					...extra,
				})
			).name;

		const moved = await create("Navigateur – deux stades");
		const lost = await create("Navigateur – perdue");
		const dated = await create("Navigateur – calendrier <b>gras</b>");
		log("created", moved, lost, dated);

		await page.reload();
		await page.waitForSelector(`.crm-card[data-name="${moved}"]`);
		const column = (stage) => page.locator(`.crm-column[data-drop="${STAGE(stage)}"]`);
		const card = (name) => page.locator(`.crm-card[data-name="${name}"]`);
		await shot("board");
		// the salesperson by name on every card, never an e-mail address
		const sellers = await page.locator(".crm-card .crm-card-salesperson").allInnerTexts();
		assert.ok(sellers.length > 0 && sellers.every((s) => s && !s.includes("@")), `salespeople by name: ${sellers.slice(0, 3)}`);
		// The search box narrows the board to this run's cards (their titles carry the stamp).
		await page.locator('.page-form input[data-fieldname="search"]').fill(stamp);
		await page.waitForFunction(
			(s) =>
				document.querySelectorAll(".crm-card").length > 0 &&
				[...document.querySelectorAll(".crm-card .crm-card-title")].every((a) => a.textContent.includes(s)),
			stamp
		);
		assert.equal(await page.locator(".crm-card").count(), 3, "search keeps the three cards of this run");
		assert.match(
			await column("IDENTIFICATION").locator(".crm-column-figures").innerText(),
			/^27\sk€ - 18\sj \(3\)$/,
			'column header like "15 k€ - 12 j (1)"'
		);

		// --- a cancelled move puts the card back -----------------------------------------------------
		await card(moved).dragTo(column("QUALIFICATION / POSITIONNEMENT"));
		const dialog = page.locator(".crm-requirements-dialog.modal.show");
		await dialog.waitFor();
		await dialog.locator(".btn-modal-secondary").click();
		await page.waitForSelector(
			`.crm-column[data-drop="${STAGE("IDENTIFICATION")}"] .crm-card[data-name="${moved}"]`
		);
		assert.equal((await opportunity(moved)).stage, STAGE("IDENTIFICATION"));
		log("cancel: card back in IDENTIFICATION");

		// --- drag across two stages: two dialogs, real field types -----------------------------------
		await card(moved).dragTo(column("PROPOSITION"));
		await dialog.waitFor();
		assert.equal(await dialog.getAttribute("data-stage"), STAGE("QUALIFICATION / POSITIONNEMENT"));
		assert.match(await dialog.locator(".modal-title").innerText(), /1\/2/);
		assert.equal(await dialog.locator('select[data-fieldname="opportunity__crm_bu"]').count(), 1);
		await dialog.locator('select[data-fieldname="opportunity__crm_bu"]').selectOption("Conseil");
		await dialog.locator('select[data-fieldname="opportunity__crm_filiere"]').selectOption("Industrie");
		await dialog.locator('select[data-fieldname="opportunity__crm_source_type"]').selectOption("Salon");
		await shot("dialog-qualification");
		await dialog.locator(".btn-modal-primary").click();

		const second = page.locator(`.crm-requirements-dialog.modal.show[data-stage="${STAGE("PROPOSITION")}"]`);
		await second.waitFor();
		assert.match(await second.locator(".modal-title").innerText(), /2\/2/);
		await second
			.locator('select[data-fieldname="opportunity__crm_offer_family"]')
			.selectOption("Comptabilité");
		await second.locator('input[data-fieldname="opportunity__crm_offer"]').fill("Audit légal");
		// A Link (User) and a Date control: typed values are validated asynchronously by Frappe, so they
		// are set through the dialog's own API, as the user's pick from the dropdown / date picker does.
		const today = new Date();
		const signature = lastDayOfMonth(today.getFullYear(), today.getMonth() + 1);
		await page.evaluate(
			([user, date]) =>
				$(".crm-requirements-dialog.show").data("dialog").set_values({
					opportunity__crm_engagement_manager: user,
					opportunity__expected_signature_date: date,
				}),
			[USER, signature]
		);
		assert.equal(
			await second.locator('input[data-fieldname="opportunity__crm_engagement_manager"]').count(),
			1,
			"the Link field is a real Link control"
		);
		await shot("dialog-proposition");
		await second.locator(".btn-modal-primary").click();
		await page.waitForSelector(
			`.crm-column[data-drop="${STAGE("PROPOSITION")}"] .crm-card[data-name="${moved}"] .crm-quotation-badge`
		);
		const after = await opportunity(moved);
		assert.equal(after.stage, STAGE("PROPOSITION"));
		assert.equal(after.crm_bu, "Conseil");
		assert.equal(after.crm_filiere, "Industrie");
		assert.equal(after.crm_offer, "Audit légal");
		assert.equal(after.expected_signature_date, signature);
		assert.ok(after.quotation, "entering PROPOSITION made the quotation");
		log("moved across two stages:", after.stage, after.quotation);
		await shot("board-after-move");

		// --- mark one lost --------------------------------------------------------------------------
		await card(lost).dragTo(page.locator('.crm-dropzone[data-drop="lost"]'));
		const lostDialog = page.locator(".crm-lost-dialog.modal.show");
		await lostDialog.waitFor();
		await page.evaluate(() =>
			$(".crm-lost-dialog.show").data("dialog").set_value("lost_reason", "Prix trop élevé")
		);
		await lostDialog.locator('textarea[data-fieldname="comment"]').fill("Trop cher <b>pour eux</b>");
		await shot("dialog-lost");
		await lostDialog.locator(".btn-modal-primary").click();
		await page.waitForSelector(`.crm-card[data-name="${lost}"]`, { state: "detached" });
		await until(async () => (await opportunity(lost)).status === "Lost", "the opportunity is lost");
		const lostDoc = await opportunity(lost);
		assert.equal(lostDoc.status, "Lost");
		assert.equal(lostDoc.lost_reason, "Prix trop élevé");
		assert.ok(lostDoc.lost_on);
		log("marked lost:", lost);

		// --- archives: the lost one is listed and can be reused ---------------------------------------
		await page.getByRole("button", { name: /Opportunités perdues|Lost opportunities/ }).click();
		const archive = page.locator(`.crm-archives-table tr[data-name="${lost}"]`);
		await archive.waitFor();
		await shot("archives-lost");
		await archive.locator(".crm-reuse").click();
		const prompt = page.locator(".modal.show").filter({ has: page.locator('input[data-fieldname="portfolio"]') });
		await prompt.waitFor();
		await page.waitForTimeout(500);
		await prompt.locator(".btn-modal-primary").click();
		let reusedName;
		await until(async () => {
			const rows = await server("frappe.client.get_list", {
				doctype: "CRM Opportunity",
				filters: { reused_from: lost },
				fields: ["name", "status", "stage"],
			});
			reusedName = rows[0]?.name;
			return rows.length === 1 && rows[0].status === "Open" && rows[0].stage === STAGE("IDENTIFICATION");
		}, "the reused opportunity");
		await page.waitForSelector(`.crm-card[data-name="${reusedName}"]`);
		log("reused:", lost, "→", reusedName);

		// --- weighted amounts: PROPOSITION at 70 % shows 6,3 k€ for 9 000 € --------------------------
		await page.locator('.page-form input[data-fieldname="weighted"]').check();
		await page.waitForFunction(
			(stage) =>
				document
					.querySelector(`.crm-column[data-drop="${stage}"] .crm-column-figures`)
					?.textContent.startsWith("6,3"),
			STAGE("PROPOSITION")
		);
		await page.locator('.page-form input[data-fieldname="weighted"]').uncheck();
		log("weighted figures shown");

		// --- the next-action pictogram lists the actions (none yet: orange) -------------------------
		await card(dated).locator(".crm-action-state.none").click();
		const actions = page.locator(".crm-actions-dialog.modal.show");
		await actions.waitFor();
		await actions.locator('input[data-fieldname="subject"]').waitFor();
		await shot("actions-popover");
		await page.waitForTimeout(500); // the modal's fade-in: a close during it is ignored by Bootstrap
		await actions.locator(".btn-modal-close").click();
		await page.waitForSelector(".crm-actions-dialog.modal.show", { state: "detached" });

		// --- "+ Opportunité": the quick-create dialog -----------------------------------------------
		await page.locator(".page-actions .primary-action").click();
		const quick = page.locator(".crm-quick-create-dialog.modal.show");
		await quick.waitFor();
		const quickTitle = `Navigateur – rapide ${stamp}`;
		await page.waitForTimeout(500); // fade-in done before typing
		await quick.locator('input[data-fieldname="title"]').fill(quickTitle);
		await quick.locator('input[data-fieldname="title"]').blur();
		await page.evaluate(() =>
			$(".crm-quick-create-dialog.show")
				.data("dialog")
				.set_values({ account_type: "Customer", account: "DEF Cie", amount: 4000, days: 3 })
		);
		await shot("dialog-quick-create");
		await quick.locator(".btn-modal-primary").click();
		let quickName;
		await until(async () => {
			const rows = await server("frappe.client.get_list", {
				doctype: "CRM Opportunity",
				filters: { title: quickTitle },
				fields: ["name", "account", "amount", "stage"],
			});
			quickName = rows[0]?.name;
			return rows.length === 1 && rows[0].account === "DEF Cie" && rows[0].amount === 4000;
		}, "the quick-created opportunity");
		await page.waitForSelector(`.crm-card[data-name="${quickName}"]`);
		log("quick-created:", quickName);

		// --- signature calendar: drag a card to a month ---------------------------------------------
		await page.getByRole("button", { name: /Calendrier de signature|Signature calendar/ }).first().click();
		await page.waitForSelector('.crm-board[data-view="calendar"] .crm-column[data-drop="none"]');
		await page.waitForSelector(`.crm-column[data-drop="none"] .crm-card[data-name="${dated}"]`);
		const next = new Date(Date.UTC(today.getFullYear(), today.getMonth() + 1, 1));
		const key = `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, "0")}`;
		await shot("calendar");
		await card(dated).dragTo(page.locator(`.crm-column[data-drop="${key}"]`));
		await page.waitForSelector(`.crm-column[data-drop="${key}"] .crm-card[data-name="${dated}"]`);
		const expected = lastDayOfMonth(next.getUTCFullYear(), next.getUTCMonth() + 1);
		await until(
			async () => (await opportunity(dated)).expected_signature_date === expected,
			`expected signature date ${expected}`
		);
		log("calendar: expected signature", expected);
		await shot("calendar-after-move");

		// --- leave the demo board as it was: delete what can be, close the rest ----------------------
		await server("crm_portal.api.pipeline.mark_lost", { opportunity: moved, lost_reason: "Projet abandonné" });
		await server("frappe.client.delete", { doctype: "CRM Opportunity", name: dated });
		await server("frappe.client.delete", { doctype: "CRM Opportunity", name: quickName });
		await server("frappe.client.delete", { doctype: "CRM Opportunity", name: reusedName });

		// --- user data is shown as text, never as HTML ----------------------------------------------
		assert.equal(await page.locator(".crm-board b").count(), 0, "no HTML from records is interpreted");
		assert.deepEqual(errors, [], "no JavaScript error on the page");
		log("OK");
	} catch (error) {
		await shot("failure").catch(() => {});
		throw error;
	} finally {
		await close();
	}
}

run(TAG, main);

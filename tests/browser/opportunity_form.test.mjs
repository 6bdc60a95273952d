// Browser test of the opportunity form's stage rules against a running bench (scripts/browser.sh).
//
// As the demo sales manager: changing Stade on the form opens the board's "we need to know a little
// more" dialog (cancel puts the stage back; answering saves), the fields the stage requires carry the
// mandatory asterisk, a lost opportunity's stage is read-only and the manager's "Rouvrir" button takes
// it back to the stage it was lost from. After each step the database is read back through the API.

import assert from "node:assert/strict";

import { BASE_URL, login, logger, openBrowser, PORTFOLIO, run, TEMPLATE, until } from "./harness.mjs";

const STAGE = (name) => `${TEMPLATE}-${name}`;
const QUALIFICATION = STAGE("QUALIFICATION / POSITIONNEMENT");
const MANAGER = process.env.CRM_MANAGER || "marie.martin@conseil-dupont.fr";
const MANAGER_PASSWORD = process.env.CRM_MANAGER_PASSWORD || "Marie-Demo-2026";
const TAG = "opportunity-form";
const log = logger(TAG);

async function main() {
	const { page, errors, shot, close } = await openBrowser({ tag: TAG, viewport: { width: 1400, height: 1000 } });
	try {
		await login(page, MANAGER, MANAGER_PASSWORD);
		await page.waitForFunction(() => window.frappe?.session?.user);
		const server = (method, args) => page.evaluate(([m, a]) => frappe.xcall(m, a), [method, args]);
		const opportunity = (name) => server("frappe.client.get", { doctype: "CRM Opportunity", name });
		const name = (
			await server("crm_portal.api.pipeline.quick_create", {
				portfolio: PORTFOLIO,
				account: "ABC Cie",
				title: `Formulaire – stades ${Date.now().toString(36)}`,
				amount: 5000,
			})
		).name;
		log("created", name);

		const openForm = async () => {
			await page.goto(`${BASE_URL}/app/crm-opportunity/${encodeURIComponent(name)}`);
			await page.waitForFunction((n) => window.cur_frm?.doc?.name === n && !cur_frm.is_dirty(), name);
		};
		const dialog = page.locator(`.crm-requirements-dialog.modal.show[data-stage="${QUALIFICATION}"]`);
		const chooseStage = (stage) =>
			page.evaluate((s) => {
				cur_frm.set_value("stage", s); // as the user's pick in the Link field
			}, stage);

		// --- changing Stade asks for the stage's fields; cancelling puts the stage back --------------
		await openForm();
		await chooseStage(QUALIFICATION);
		await dialog.waitFor();
		assert.equal(await dialog.locator('[data-fieldname="opportunity__crm_bu"]').count() > 0, true);
		await shot("form-requirements-dialog");
		await page.waitForTimeout(500); // the modal's fade-in
		await dialog.locator(".btn-modal-secondary").click();
		await page.waitForFunction((s) => cur_frm.doc.stage === s && !cur_frm.crm_asking, STAGE("IDENTIFICATION"));
		assert.equal((await opportunity(name)).stage, STAGE("IDENTIFICATION"), "nothing saved on cancel");
		log("cancel puts the stage back");

		// --- answering saves the move with the answers ------------------------------------------------
		await chooseStage(QUALIFICATION);
		await dialog.waitFor();
		await page.waitForTimeout(500);
		await page.evaluate(() =>
			$(".crm-requirements-dialog.show").data("dialog").set_values({
				opportunity__crm_bu: "Conseil",
				opportunity__crm_filiere: "Services",
				opportunity__crm_source_type: "Recommandation",
			})
		);
		await dialog.locator(".btn-modal-primary").click();
		await until(async () => (await opportunity(name)).stage === QUALIFICATION, "the form saved the move");
		const moved = await opportunity(name);
		assert.equal(moved.crm_bu, "Conseil");
		assert.equal(moved.crm_source_type, "Recommandation");
		// the fields the stage requires are mandatory on the form (asterisk)
		await page.waitForFunction(() => !cur_frm.is_dirty() && cur_frm.fields_dict.crm_bu.df.reqd);
		await page.waitForSelector('.frappe-control[data-fieldname="crm_bu"] .control-label.reqd');
		assert.equal(await page.evaluate(() => !!cur_frm.fields_dict.crm_offer?.df.reqd), false, "not yet: PROPOSITION's");
		await shot("form-required-fields");
		log("moved from the form:", moved.stage);

		// --- a lost opportunity: stage read-only, "Rouvrir" for the manager ---------------------------
		await server("crm_portal.api.pipeline.mark_lost", { opportunity: name, lost_reason: "Prix trop élevé" });
		await openForm();
		assert.equal(await page.evaluate(() => cur_frm.doc.status), "Lost");
		assert.equal(await page.evaluate(() => cur_frm.fields_dict.stage.df.read_only), 1, "a closed deal keeps its stage");
		const reopen = page.locator(".page-actions button", { hasText: "Rouvrir" });
		await reopen.waitFor();
		await shot("form-lost-reopen-button");
		await reopen.click();
		const confirm = page.locator(".modal.show").filter({ hasText: "Rouvrir cette opportunité" });
		await confirm.waitFor();
		await page.waitForTimeout(500);
		await confirm.locator(".btn-modal-primary").click();
		await until(async () => (await opportunity(name)).status === "Open", "the opportunity is reopened");
		const reopened = await opportunity(name);
		assert.equal(reopened.stage, QUALIFICATION, "back to the stage it was lost from");
		assert.equal(reopened.lost_reason, null);
		await page.waitForFunction(() => cur_frm.doc.status === "Open" && !cur_frm.fields_dict.stage.df.read_only);
		log("reopened by the manager:", reopened.stage);

		// leave the demo board as it was: this run's opportunity is closed
		await server("crm_portal.api.pipeline.mark_lost", { opportunity: name, lost_reason: "Projet abandonné" });
		assert.deepEqual(errors, [], "no page error");
		log("OK");
	} finally {
		await close();
	}
}

run(TAG, main);

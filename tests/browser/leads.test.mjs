// Browser test of the lead conversion dialog and the account sheet against a running bench.
// Run by scripts/browser.sh (make browser; BROWSER_TESTS="leads.test.mjs"): BASE_URL, CRM_USER,
// CRM_PASSWORD, SCREENSHOTS in the env.
//
// As a salesperson: a qualified lead is converted from its form into a new prospect, a contact and an
// opportunity in one dialog; the database is read back through the API; the prospect's account sheet
// renders in the print view.

import assert from "node:assert/strict";

import { BASE_URL, login, logger, openBrowser, PASSWORD, PORTFOLIO, run, until, USER } from "./harness.mjs";

const TAG = "browser:leads";
const log = logger(TAG);

async function main() {
	const { page, errors, shot, close } = await openBrowser({ tag: TAG, viewport: { width: 1600, height: 1000 } });
	try {
		await login(page, USER, PASSWORD);
		await page.waitForFunction(() => window.frappe?.session?.user);
		log("logged in as", USER);

		const server = (method, args) => page.evaluate(([m, a]) => frappe.xcall(m, a), [method, args]);
		const get = (doctype, name) => server("frappe.client.get", { doctype, name });
		const stamp = Date.now().toString(36);
		const company = `Navigateur Piste ${stamp}`;
		const lead = await server("frappe.client.insert", {
			doc: {
				doctype: "Lead",
				first_name: "Louise",
				last_name: `Piste${stamp}`,
				company_name: company,
				email_id: `louise.${stamp}@piste.example`,
				crm_lead_status: "Qualification commerciale",
			},
		});
		log("lead", lead.name);

		// --- the conversion dialog -------------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/lead/${encodeURIComponent(lead.name)}`);
		const convert = page.locator(".page-actions .btn, .custom-actions .btn").filter({ hasText: /^\s*(Convertir|Convert)\s*$/ });
		await convert.first().click();
		const dialog = page.locator(".modal.show").filter({ has: page.locator('[data-fieldname="account_mode"]') });
		await dialog.waitFor();
		assert.equal(await dialog.locator('input[data-fieldname="call_name"]').inputValue(), company, "call name from the lead");
		assert.equal(await dialog.locator('input[data-fieldname="first_name"]').inputValue(), "Louise");
		await dialog.locator('select[data-fieldname="legal_form"]').selectOption("En cours d'immatriculation");
		await dialog.locator('input[data-fieldname="create_opportunity"]').check();
		await page.evaluate((p) => cur_dialog.set_value("portfolio", p), PORTFOLIO);
		await dialog.locator('input[data-fieldname="amount"]').fill("4200");
		await dialog.locator('input[data-fieldname="amount"]').blur();
		await shot("lead-conversion-dialog");
		await dialog.locator(".btn-modal-primary").click();

		let converted;
		await until(async () => {
			converted = await get("Lead", lead.name);
			return !!converted.crm_converted_account;
		}, "lead converted");
		assert.equal(converted.crm_converted_account_type, "CRM Prospect");
		assert.equal(converted.crm_lead_status, "Convertie");
		assert.equal(converted.crm_status_is_open, 0);
		assert.equal(converted.status, "Converted", "ERPNext's own status follows");
		const prospect = await get("CRM Prospect", converted.crm_converted_account);
		assert.equal(prospect.call_name, company);
		const opportunity = await get("CRM Opportunity", converted.crm_converted_opportunity);
		assert.equal(opportunity.account, prospect.name);
		assert.equal(opportunity.contact, converted.crm_converted_contact);
		assert.equal(opportunity.amount, 4200);
		await page.waitForSelector(`.form-message a[href*="${encodeURIComponent(prospect.name)}"]`);
		await shot("lead-converted");
		log("converted into", prospect.name, converted.crm_converted_contact, opportunity.name);

		// --- the account sheet -----------------------------------------------------------------------
		await page.goto(
			`${BASE_URL}/printview?doctype=CRM%20Prospect&name=${encodeURIComponent(prospect.name)}` +
				`&format=${encodeURIComponent("CRM Prospect Sheet")}`
		);
		await page.waitForSelector(".crm-account-sheet");
		const sheet = await page.locator(".crm-account-sheet").innerText();
		assert.ok(sheet.includes(company), "the sheet shows the account");
		assert.ok(sheet.includes(`louise.${stamp}@piste.example`), "the sheet lists the contact");
		await shot("account-sheet");

		// leave the demo board as it was: the converted lead keeps its links, so the deal is closed as lost
		await page.goto(`${BASE_URL}/app`);
		await page.waitForFunction(() => window.frappe?.session?.user);
		await server("crm_portal.api.pipeline.mark_lost", { opportunity: opportunity.name, lost_reason: "Projet abandonné" });

		assert.deepEqual(errors, [], "no JavaScript error on the page");
		log("OK");
	} catch (error) {
		await shot("leads-failure").catch(() => {});
		throw error;
	} finally {
		await close();
	}
}

run(TAG, main);

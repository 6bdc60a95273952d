// Browser test of the proposal approval circuit, the approver's side, and the mission letter (issue #19),
// against a running bench (scripts/browser.sh).
//
// Set-up through the REST API as Administrator: an approver (a Sales User of no team, with a password) and
// the route "filière Santé → that approver" in CRM Portal Settings (kept: both are harmless data).
// The demo salesperson makes an 11 000 € proposal in filière Santé and requests its approval: the card's
// badge shows "à valider". The approver logs in, is assigned the quotation (the bell's notification when a
// background worker made it), opens the workspace's "Propositions à valider" list, opens the quotation and
// approves it (the workflow's action). The salesperson's badge turns
// to "validée", the opportunity form offers "Envoyer la lettre de mission", which opens Frappe's e-mail
// composer to the opportunity's contact with the letter attached; the letter prints as a PDF.
// Screenshots: bench-results/screenshots/approval-*.png.

import assert from "node:assert/strict";

import { request } from "playwright-core";

import { BASE_URL, login, logger, openBrowser, PASSWORD, PORTFOLIO, run, TEMPLATE, TIMEOUT, until, USER } from "./harness.mjs";

const TAG = "approval";
const log = logger(TAG);
const ADMIN_PASSWORD = process.env.CRM_ADMIN_PASSWORD || process.env.ADMIN_PASSWORD || "admin";
const APPROVER = process.env.CRM_APPROVER || "valerie.valideur@conseil-dupont.fr";
const APPROVER_PASSWORD = process.env.CRM_APPROVER_PASSWORD || "Valerie-Demo-2026";
const FILIERE = "Santé";
const ACCOUNT = "ABC Cie";
const CONTACT_EMAIL = "jean.martin@abc-cie.example";
const PENDING = "À valider";
const VALIDATED = "Validée";
const STAGE = (name) => `${TEMPLATE}-${name}`;

/** The REST API as Administrator (its own cookies), for the set-up an admin does in the desk. */
async function adminApi() {
	const api = await request.newContext({ baseURL: BASE_URL });
	const response = await api.post("/api/method/login", { data: { usr: "Administrator", pwd: ADMIN_PASSWORD } });
	assert.equal(response.status(), 200, `Administrator login: ${await response.text()}`);
	const call = async (verb, path, data) => {
		const r = await api[verb](path, data === undefined ? {} : { data });
		if (!r.ok()) throw new Error(`${verb} ${path}: ${r.status()} ${await r.text()}`);
		return (await r.json()).data;
	};
	return { api, call };
}

/** The approver (a desk user with a password) and the route of filière Santé to them. */
async function setUpApprover({ call }) {
	const user = `/api/resource/User/${encodeURIComponent(APPROVER)}`;
	const values = { new_password: APPROVER_PASSWORD, enabled: 1, language: "fr" };
	try {
		await call("get", user);
		await call("put", user, values);
	} catch {
		await call("post", "/api/resource/User", {
			email: APPROVER,
			first_name: "Valérie",
			last_name: "Valideur",
			send_welcome_email: 0,
			roles: [{ role: "Sales User" }],
			...values,
		});
	}
	const settingsPath = `/api/resource/${encodeURIComponent("CRM Portal Settings")}/${encodeURIComponent("CRM Portal Settings")}`;
	const settings = await call("get", settingsPath);
	const routes = settings.approval_routes || [];
	const changes = {};
	if (!settings.approval_filiere_field) changes.approval_filiere_field = "crm_filiere";
	if (!routes.some((r) => r.filiere === FILIERE && !r.bu && r.approver === APPROVER)) {
		changes.approval_routes = [...routes, { filiere: FILIERE, approver: APPROVER }];
	}
	if (Object.keys(changes).length) await call("put", settingsPath, changes);
	log("approver", APPROVER, "routed for filière", FILIERE);
}

/** A server call from the page (the user's session); `json` posts a JSON body (typed dict arguments). */
function server(page) {
	return (method, args = {}, { json = false } = {}) =>
		page.evaluate(
			async ([m, a, asJson]) => {
				if (!asJson) return frappe.xcall(m, a);
				const r = await fetch(`/api/method/${m}`, {
					method: "POST",
					headers: { "Content-Type": "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token },
					body: JSON.stringify(a),
				});
				const body = await r.json();
				if (!r.ok) throw new Error(`${m}: ${r.status} ${JSON.stringify(body)}`);
				return body.message;
			},
			[method, args, json]
		);
}

async function badgeOf(page, opportunity) {
	await page.goto(`${BASE_URL}/app/crm-board`);
	const badge = page.locator(`.crm-card[data-name="${opportunity}"] .crm-quotation-badge`);
	await badge.waitFor({ timeout: TIMEOUT });
	await badge.scrollIntoViewIfNeeded();
	return badge;
}

async function main() {
	const admin = await adminApi();
	await setUpApprover(admin);
	const seller = await openBrowser({ tag: TAG, viewport: { width: 1500, height: 1000 } });
	const approver = await openBrowser({ tag: TAG, viewport: { width: 1400, height: 900 } });
	try {
		// --- the salesperson's 11 000 € proposal, approval requested ------------------------------------
		const page = seller.page;
		await login(page, USER, PASSWORD);
		await page.waitForFunction(() => window.frappe?.session?.user);
		const call = server(page);
		const contact = (await call("frappe.client.get_list", { doctype: "Contact", filters: { email_id: CONTACT_EMAIL }, limit_page_length: 1 }))[0]?.name;
		const title = `Approbation – lettre de mission ${Date.now().toString(36)}`;
		const opportunity = (await call("crm_portal.api.pipeline.quick_create", { portfolio: PORTFOLIO, account: ACCOUNT, title, amount: 11000, days: 10, contact })).name;
		const moved = await call(
			"crm_portal.api.pipeline.move_to_stage",
			{
				opportunity,
				stage: STAGE("PROPOSITION"),
				values: {
					opportunity: {
						crm_bu: "Conseil",
						crm_filiere: FILIERE,
						crm_source_type: "Recommandation",
						crm_offer_family: "Comptabilité",
						crm_offer: "Tenue comptable",
						crm_engagement_manager: USER,
						expected_signature_date: new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10),
					},
				},
			},
			{ json: true }
		);
		const quotation = moved.quotation || (await call("frappe.client.get_value", { doctype: "CRM Opportunity", filters: opportunity, fieldname: "quotation" })).quotation;
		assert.ok(quotation, "the proposal stage made the quotation");
		const quotationDoc = () => call("frappe.client.get", { doctype: "Quotation", name: quotation });
		assert.equal((await quotationDoc()).crm_needs_approval, 1, "11 000 € needs approval");
		await call("frappe.model.workflow.apply_workflow", { doc: await quotationDoc(), action: "Demander l'approbation" });
		const requested = await quotationDoc();
		assert.equal(requested.workflow_state, PENDING);
		assert.equal(requested.crm_approver, APPROVER, "routed by the opportunity's filière");
		log("approval requested:", quotation, "→", requested.crm_approver);

		let badge = await badgeOf(page, opportunity);
		assert.match(await badge.getAttribute("class"), /\bpending\b/);
		assert.equal(await badge.getAttribute("data-state"), PENDING);
		await seller.shot("approval-board-pending");

		// the opportunity form says who must approve and since when
		await page.goto(`${BASE_URL}/app/crm-opportunity/${encodeURIComponent(opportunity)}`);
		await page.waitForFunction((n) => window.cur_frm?.doc?.name === n, opportunity);
		await page.locator(".form-message", { hasText: "Valérie Valideur" }).waitFor();
		await seller.shot("approval-opportunity-pending");

		// --- the approver: notification, "À valider" list, approve ------------------------------------
		const ap = approver.page;
		await login(ap, APPROVER, APPROVER_PASSWORD);
		await ap.waitForFunction(() => window.frappe?.session?.user);
		const apCall = server(ap);
		// the request assigned the approver: their open ToDo on the quotation
		const todos = await apCall("frappe.client.get_list", {
			doctype: "ToDo",
			filters: { allocated_to: APPROVER, reference_type: "Quotation", reference_name: quotation, status: "Open" },
			fields: ["name", "description"],
		});
		assert.equal(todos.length, 1, "the approver is assigned the quotation");
		// the bell: Frappe makes the assignment's Notification Log (and its e-mail) in a background job, so it
		// shows when a worker runs beside the server (`make browser` runs none: the queue is the bench's,
		// shared by every site)
		await ap.locator(".dropdown-notifications .notifications-icon").first().click();
		const notified = await apCall("frappe.client.get_count", {
			doctype: "Notification Log",
			filters: { for_user: APPROVER, document_type: "Quotation", document_name: quotation },
		});
		if (notified) {
			await ap.locator(`.dropdown-notifications a.notification-item[href*="${quotation}"]`).first().waitFor();
			log("the approver sees the notification");
		} else {
			log("no background worker: the assignment's notification is still queued");
		}
		await approver.shot("approval-notification");
		await ap.keyboard.press("Escape");

		// the workspace's "Propositions à valider" shortcut (with its count) opens the list of those assigned
		await ap.goto(`${BASE_URL}/app/crm-portal`);
		const shortcut = ap.locator(".shortcut-widget-box", { hasText: "Propositions à valider" }).first();
		await shortcut.waitFor();
		await approver.shot("approval-workspace");
		await shortcut.click();
		await ap.waitForURL(/\/app\/quotation/);
		const row = ap.locator(`.list-row-container a[data-name="${quotation}"]`).first();
		await row.waitFor();
		await approver.shot("approval-list-pending");
		await row.click();
		await ap.waitForFunction((n) => window.cur_frm?.doc?.name === n && cur_frm.doc.workflow_state, quotation);
		// the workflow's actions open to the approver, in the form's "Actions" menu (pages left in the DOM keep
		// their own, hidden)
		const actions = ap.locator(".page-actions .actions-btn-group > button:visible").first();
		await actions.waitFor({ state: "visible" });
		await actions.click();
		await approver.shot("approval-workflow-actions");
		await ap.locator(".actions-btn-group .dropdown-menu .dropdown-item:visible", { hasText: "Approuver" }).first().click();
		await until(async () => (await quotationDoc()).workflow_state === VALIDATED, "the quotation is approved");
		await ap.waitForFunction((s) => cur_frm.doc.workflow_state === s, VALIDATED);
		await approver.shot("approval-approved");
		log("approved by", APPROVER);

		// --- the salesperson's badge, the mission letter ------------------------------------------------
		badge = await badgeOf(page, opportunity);
		await until(async () => /\bapproved\b/.test(await badge.getAttribute("class")), "the badge shows validée");
		assert.equal(await badge.getAttribute("data-state"), VALIDATED);
		await seller.shot("approval-board-approved");

		await page.goto(`${BASE_URL}/app/crm-opportunity/${encodeURIComponent(opportunity)}`);
		await page.waitForFunction((n) => window.cur_frm?.doc?.name === n, opportunity);
		const send = page.locator(".page-actions button", { hasText: "Envoyer la lettre de mission" }).first();
		await send.waitFor();
		await send.click();
		const composer = page.locator(".modal.show.crm-mission-letter-composer");
		await composer.waitFor();
		await page.waitForTimeout(500); // the modal's fade-in
		// read from the composer itself (Frappe's own calls may open other dialogs meanwhile)
		const composed = await page.evaluate(() => {
			const $c = $(".modal.show.crm-mission-letter-composer");
			const field = (name) => $c.find(`[data-fieldname="${name}"]`);
			return {
				recipients: field("recipients").find("input").val() || field("recipients").text(),
				subject: field("subject").find("input").val(),
				attach: field("attach_document_print").find("input").prop("checked"),
				format: field("select_print_format").find("select").val(),
				language: field("print_language").find("input").val(),
				message: field("content").text(),
				doctype: cur_frm.doctype,
			};
		});
		assert.equal(composed.doctype, "Quotation");
		assert.ok(composed.recipients.includes(CONTACT_EMAIL), `recipients: ${composed.recipients}`);
		assert.equal(composed.attach, true);
		assert.equal(composed.format, "Lettre de mission");
		assert.match(composed.subject, /Lettre de mission/);
		assert.match(composed.message, /ci-joint notre lettre de mission/, "the composer's message, in French");
		assert.equal(
			await page.evaluate(() => !!frappe.msg_dialog?.display),
			false,
			"no error dialog over the composer"
		);
		await seller.shot("approval-mission-letter-composer");
		log("the composer opens to", composed.recipients, "with", composed.format, "in", composed.language);

		// the letter prints as PDF (wkhtmltopdf reaches this server by the request's host)
		const pdf = await page.request.get(
			`${BASE_URL}/api/method/frappe.utils.print_format.download_pdf?doctype=Quotation&name=${encodeURIComponent(quotation)}&format=${encodeURIComponent("Lettre de mission")}`
		);
		assert.equal(pdf.status(), 200, `PDF: ${pdf.status()}`);
		const bytes = await pdf.body();
		assert.equal(bytes.subarray(0, 4).toString(), "%PDF", "the mission letter is a PDF");
		log("the mission letter prints as a PDF of", bytes.length, "bytes");

		assert.deepEqual(seller.errors, [], "no page error on the salesperson's side");
		assert.deepEqual(approver.errors, [], "no page error on the approver's side");
		log("OK");
	} finally {
		await seller.close();
		await approver.close();
		await admin.api.dispose();
	}
}

run(TAG, main);

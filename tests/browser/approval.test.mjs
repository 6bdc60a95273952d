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
const REFUSED = "Refusée";
/** Names are data (issue 15): the opportunity's title and the refusal reason hold markup, shown as typed. */
const HOSTILE = `R&D <Lot 3> <img src=x onerror=window.__xss=1> "><svg onload=window.__xss=1> {{ 7*7 }}`;
const REASON = "Remise trop forte <b>gras</b> & <img src=x onerror=window.__xss=1>";
const INJECTED = 'img[src="x"], [onerror*="__xss"], [onload*="__xss"], svg[onload]';

/** Fails when a name or the reason became an element or ran a script on the page. */
async function assertNothingInjected(page, where) {
	const found = await page.evaluate(
		(selector) => ({
			xss: window.__xss && `${window.__xss} ${JSON.stringify(window.__injected_at || [])}`,
			elements: [...document.querySelectorAll(selector)].map((e) => e.outerHTML.slice(0, 120)),
			markup: [...document.querySelectorAll("b")].filter((e) => e.textContent === "gras").map((e) => e.outerHTML),
		}),
		INJECTED
	);
	assert.equal(found.xss, undefined, `${where}: a script from a name ran`);
	assert.deepEqual(found.elements, [], `${where}: an element came from a name`);
	assert.deepEqual(found.markup, [], `${where}: tags of the refusal reason were interpreted`);
}
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
		const title = `Approbation ${HOSTILE} ${Date.now().toString(36)}`;
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
		// where a name became an element with a handler: the parent of any node with on* attributes, as added
		const watch = (p) => p.addInitScript(() => {
			window.__injected_at = [];
			new MutationObserver((records) => {
				for (const r of records)
					for (const n of r.addedNodes)
						if (n.nodeType === 1 && (n.matches?.("[onerror],[onload]") || n.querySelector?.("[onerror],[onload]")))
							window.__injected_at.push(
								`in [data-fieldname=${r.target.closest?.("[data-fieldname]")?.dataset.fieldname}] ${r.target.className} ${r.target.closest?.(".modal")?.className || ""}: ${(n.parentElement || n).outerHTML.slice(0, 200)}`
							);
			}).observe(document, { childList: true, subtree: true });
			let xss;
			Object.defineProperty(window, "__xss", {
				configurable: true,
				get: () => xss,
				set(value) {
					xss = value;
					const target = window.event?.target;
					let el = target;
					while (el?.parentElement) el = el.parentElement;
					window.__injected_at.push(`ran from ${target?.outerHTML?.slice(0, 100)} in ${el?.outerHTML?.slice(0, 400)}`);
				},
			});
		});
		await watch(ap);
		await watch(page);
		await page.reload();
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

		// --- a refusal first: "Refuser" asks the reason, the salesperson reads it as typed -------------
		await ap.goto(`${BASE_URL}/app/quotation/${encodeURIComponent(quotation)}`);
		await ap.waitForFunction((n) => window.cur_frm?.doc?.name === n && cur_frm.doc.workflow_state, quotation);
		let actions = ap.locator(".page-actions .actions-btn-group > button:visible").first();
		await actions.waitFor({ state: "visible" });
		await actions.click();
		await ap.locator(".actions-btn-group .dropdown-menu .dropdown-item:visible", { hasText: "Refuser" }).first().click();
		const refusal = ap.locator(".modal.show.crm-refusal-dialog");
		await refusal.waitFor();
		assert.equal((await refusal.locator(".modal-title").textContent()).trim(), `Refuser la proposition ${quotation}`);
		await refusal.locator('[data-fieldname="reason"] textarea').fill(REASON);
		await approver.shot("approval-refusal-dialog");
		await refusal.locator(".modal-footer .btn-primary").click();
		await until(async () => (await quotationDoc()).workflow_state === REFUSED, "the quotation is refused");
		assert.equal((await quotationDoc()).crm_refusal_reason, REASON, "the reason is kept as typed");
		await ap.waitForFunction((s) => cur_frm.doc.workflow_state === s, REFUSED);
		await assertNothingInjected(ap, "the refused quotation's form");
		await approver.shot("approval-refused");
		log("refused by", APPROVER);

		badge = await badgeOf(page, opportunity);
		assert.match(await badge.getAttribute("class"), /\brefused\b/);
		await assertNothingInjected(page, "the board");
		await page.goto(`${BASE_URL}/app/crm-opportunity/${encodeURIComponent(opportunity)}`);
		await page.waitForFunction((n) => window.cur_frm?.doc?.name === n, opportunity);
		const refusedAlert = page.locator(".form-message:visible", { hasText: quotation }).first();
		await refusedAlert.waitFor();
		assert.equal(
			(await refusedAlert.textContent()).replace(/\s+/g, " ").trim(),
			`Proposition ${quotation} refusée : ${REASON}`.replace(/\s+/g, " "),
			"the salesperson reads the reason as typed"
		);
		await assertNothingInjected(page, "the opportunity form after the refusal");
		await seller.shot("approval-opportunity-refused");
		// revised and requested again
		await call("frappe.model.workflow.apply_workflow", { doc: await quotationDoc(), action: "Réviser" });
		await call("frappe.model.workflow.apply_workflow", { doc: await quotationDoc(), action: "Demander l'approbation" });
		assert.equal((await quotationDoc()).workflow_state, PENDING);

		// the workspace's "Propositions à valider" shortcut (with its count) opens the list of those assigned
		await ap.goto(`${BASE_URL}/app/crm-portal`);
		const shortcut = ap.locator(".shortcut-widget-box", { hasText: "Propositions à valider" }).first();
		await shortcut.waitFor();
		await approver.shot("approval-workspace");
		await shortcut.click();
		await ap.waitForURL(/\/app\/quotation/);
		const row = ap.locator(`.list-row-container a[data-name="${quotation}"]`).first();
		await row.waitFor();
		// ERPNext's Quotation keeps Frappe's sanitizer (tags lost on save, "&" stored as "&amp;"): the list reads
		// the stored title back as text (public/js/quotation_list.js), never as "R&amp;D &lt;Lot 3&gt;"
		const listed = await row.textContent();
		assert.ok(listed.includes("R&D <Lot 3>") && !/&amp;|&lt;|&gt;/.test(listed), `the approver's list: ${listed}`);
		await assertNothingInjected(ap, "the approver's list");
		await approver.shot("approval-list-pending");
		await row.click();
		await ap.waitForFunction((n) => window.cur_frm?.doc?.name === n && cur_frm.doc.workflow_state, quotation);
		// the workflow's actions open to the approver, in the form's "Actions" menu (pages left in the DOM keep
		// their own, hidden)
		actions = ap.locator(".page-actions .actions-btn-group > button:visible").first();
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
		// Frappe's composer strips what looks like a tag from the subject (an e-mail subject is plain text): the
		// rest is the title as typed, never entities nor markup
		assert.ok(
			composed.subject.startsWith("Lettre de mission : Approbation R&D") && !/&amp;|&lt;|&gt;|<img/.test(composed.subject),
			`the composer's subject: ${composed.subject}`
		);
		assert.ok(composed.message.includes(title), `the composer's message names the title as typed: ${composed.message}`);
		assert.match(composed.message, /ci-joint notre lettre de mission/, "the composer's message, in French");
		assert.equal(
			await page.evaluate(() => !!frappe.msg_dialog?.display),
			false,
			"no error dialog over the composer"
		);
		await assertNothingInjected(page, "the mission letter's composer");
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
		// its HTML (the print view) shows the title as typed
		await page.goto(
			`${BASE_URL}/printview?doctype=Quotation&name=${encodeURIComponent(quotation)}&format=${encodeURIComponent("Lettre de mission")}&no_letterhead=1`
		);
		const letter = page.locator(".crm-mission-letter").first();
		await letter.waitFor();
		assert.ok((await letter.textContent()).includes(title), "the mission letter shows the title as typed");
		await assertNothingInjected(page, "the mission letter");
		await seller.shot("approval-mission-letter-print");

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

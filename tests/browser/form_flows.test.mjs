// Browser test of issue #16, points 9 and 10, on the opportunity form, the desk CRM pages and the portal,
// as the demo salesperson (Alfred) and the demo portal user (Claire). Run by scripts/browser.sh.
//
// 9. the form puts the actions (quick-create + timeline) on the first screen, before the amounts;
//    the salesperson shows as a full name, not an e-mail address; cancelling the 2nd of two chained
//    pop-ups keeps the 1st one's answers (re-opening prefills them), on the form and on the board;
//    no native date input (mm/dd/yyyy in Chromium) on the desk pages nor on the portal: the portal's
//    date fields read and write dd/mm/yyyy;
// 10. the app's own surfaces speak French to a French user.
// Every point runs even when an earlier one fails; the failures are listed at the end.

import assert from "node:assert/strict";

import {
	BASE_URL,
	login,
	logger,
	openBrowser,
	PASSWORD,
	PORTAL_PASSWORD,
	PORTAL_USER,
	PORTFOLIO,
	run,
	TEMPLATE,
	until,
	USER,
} from "./harness.mjs";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
const STAGE = (name) => `${TEMPLATE}-${name}`;
const TAG = "form-flows";
const log = logger(TAG);
const stamp = Date.now().toString(36);
const failures = [];
const NATIVE_DATES = 'input[type="date"], input[type="datetime-local"], input[type="month"], input[type="time"]';
// English words of the app's own strings that must not reach a French user.
const ENGLISH =
	/\b(Add|New action|Subject|Start|Done|Cancelled|Late|Upcoming|Today|Amount|Days|Stage|Search|Filters?|Account|Accounts|Board|Calendar|Opportunity|Opportunities|Open|Save|Next|Loading|No results?|Portfolio|Expected signature|Salesperson|Status|Customer|Show|Mark as|Log action|Create|Won|Lost|Delete)\b/;

async function point(name, shot, fn) {
	try {
		await fn();
		log("PASS", name);
	} catch (error) {
		failures.push(`${name}: ${error.message}`);
		log("FAIL", name, "-", error.message);
		await shot(`form-flows-failure-${name.replace(/\W+/g, "-")}`).catch(() => {});
	}
}

const server = (page, method, args) => page.evaluate(([m, a]) => frappe.xcall(m, a), [method, args]);

async function newOpportunity(page, title) {
	return (
		await server(page, "crm_portal.api.pipeline.quick_create", {
			portfolio: PORTFOLIO,
			account_type: "Customer",
			account: "ABC Cie",
			title,
			amount: 4000,
		})
	).name;
}

async function openForm(page, name) {
	await page.goto(`${BASE_URL}/app/crm-opportunity/${encodeURIComponent(name)}`);
	await page.waitForFunction((n) => window.cur_frm?.doc?.name === n && !cur_frm.is_dirty(), name);
	await page.waitForSelector(".crm-activity-timeline .crm-timeline-add");
	await page.waitForTimeout(600);
}

/** The English words of an element's visible text (empty when all is French). */
async function englishIn(page, selector) {
	const texts = await page.locator(selector).evaluateAll((els) =>
		els.map((el) => {
			const parts = [el.innerText];
			for (const input of el.querySelectorAll("input[placeholder], [aria-label], [title]")) {
				parts.push(input.getAttribute("placeholder") || "", input.getAttribute("aria-label") || "", input.getAttribute("title") || "");
			}
			return parts.join("\n");
		})
	);
	const found = new Set();
	for (const line of texts.join("\n").split("\n")) {
		const m = line.match(ENGLISH);
		if (m) found.add(`${m[0]} (« ${line.trim().slice(0, 60)} »)`);
	}
	return [...found];
}

/** The 1st dialog of a two-stage move answered, the 2nd cancelled. */
async function answerFirstCancelSecond(page) {
	const first = page.locator(`.crm-requirements-dialog.modal.show[data-stage="${STAGE("QUALIFICATION / POSITIONNEMENT")}"]`);
	await first.waitFor();
	assert.match(await first.locator(".modal-title").innerText(), /1\/2/);
	await page.waitForTimeout(400);
	await first.locator('select[data-fieldname="opportunity__crm_bu"]').selectOption("Conseil");
	await first.locator('select[data-fieldname="opportunity__crm_filiere"]').selectOption("Industrie");
	await first.locator('select[data-fieldname="opportunity__crm_source_type"]').selectOption("Salon");
	await first.locator(".btn-modal-primary").click();
	const second = page.locator(`.crm-requirements-dialog.modal.show[data-stage="${STAGE("PROPOSITION")}"]`);
	await second.waitFor();
	await page.waitForTimeout(400);
	await second.locator(".btn-modal-secondary").click();
	await page.waitForSelector(".crm-requirements-dialog.modal.show", { state: "detached" }).catch(() => {});
	await page.waitForFunction(() => !document.querySelector(".crm-requirements-dialog.modal.show"));
}

/** The 1st dialog, open again: it holds the answers given before the cancel. */
async function assertFirstPrefilled(page, shot, name) {
	const first = page.locator(`.crm-requirements-dialog.modal.show[data-stage="${STAGE("QUALIFICATION / POSITIONNEMENT")}"]`);
	await first.waitFor();
	await page.waitForTimeout(500);
	await shot(name);
	assert.equal(await first.locator('select[data-fieldname="opportunity__crm_bu"]').inputValue(), "Conseil", "BU kept");
	assert.equal(await first.locator('select[data-fieldname="opportunity__crm_filiere"]').inputValue(), "Industrie", "filière kept");
	assert.equal(await first.locator('select[data-fieldname="opportunity__crm_source_type"]').inputValue(), "Salon", "source kept");
	await first.locator(".btn-modal-secondary").click();
	await page.waitForFunction(() => !document.querySelector(".crm-requirements-dialog.modal.show"));
}

async function main() {
	// --- the salesperson on the desk ------------------------------------------------------------------
	{
		const { page, errors, shot, close } = await openBrowser({ tag: TAG, viewport: DESKTOP });
		try {
			await login(page, USER, PASSWORD);
			await page.waitForFunction(() => window.frappe?.session?.user);
			const opp = await newOpportunity(page, `Formulaire ${stamp}`);
			const fullName = (await server(page, "frappe.client.get_value", { doctype: "User", filters: USER, fieldname: "full_name" })).full_name;
			try {
				await point("9 actions at hand on the form", shot, async () => {
					await openForm(page, opp);
					await shot("form-flows-form-1440");
					const add = await page.locator(".crm-activity-timeline .crm-timeline-add").boundingBox();
					assert.ok(add && add.y + add.height <= DESKTOP.height, `the action quick-create is on the first screen (at ${Math.round(add?.y)} px)`);
					const amounts = await page.locator('[data-fieldname="amounts_section"], .form-section:has([data-fieldname="amount"])').first().boundingBox();
					const timeline = await page.locator(".crm-activity-timeline").boundingBox();
					assert.ok(!amounts || timeline.y < amounts.y, "the actions come before the amounts");
				});

				await point("9 salesperson shown by name", shot, async () => {
					const shown = await page.locator('.frappe-control[data-fieldname="salesperson"]').first().evaluate((el) => {
						const input = el.querySelector("input");
						return input && input.offsetParent ? input.value : el.querySelector(".control-value, .like-disabled-input")?.innerText || "";
					});
					assert.ok(!/@/.test(shown), `the salesperson is not an e-mail address ("${shown}")`);
					assert.equal(shown.trim(), fullName);
					assert.equal(await page.evaluate(() => cur_frm.doc.salesperson), USER, "the stored value stays the user");
				});

				await point("9 no native date input on the form nor the actions page", shot, async () => {
					assert.equal(await page.locator(`.crm-activity-timeline :is(${NATIVE_DATES})`).count(), 0, "form timeline");
					const start = page.locator('.crm-activity-timeline [data-fieldname="start"] input');
					assert.equal(await start.count(), 1, "the timeline's start is a Frappe Datetime control");
					assert.match(await start.inputValue(), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/, "dd/mm/yyyy hh:mm");
					assert.ok(await start.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), "the start is shown whole");
					await page.goto(`${BASE_URL}/app/crm-actions`);
					await page.waitForSelector(".crm-create-start, .crm-actions [data-fieldname='start']");
					await page.waitForTimeout(500);
					assert.equal(await page.locator(`#page-crm-actions :is(${NATIVE_DATES})`).count(), 0, "actions page");
				});

				await point("9 cancelling the 2nd pop-up keeps the 1st answers (form)", shot, async () => {
					await openForm(page, opp);
					await page.evaluate((s) => cur_frm.set_value("stage", s), STAGE("PROPOSITION"));
					await answerFirstCancelSecond(page);
					await page.waitForFunction((s) => cur_frm.doc.stage === s && !cur_frm.crm_asking, STAGE("IDENTIFICATION"));
					await page.evaluate((s) => cur_frm.set_value("stage", s), STAGE("PROPOSITION"));
					await assertFirstPrefilled(page, shot, "form-flows-form-prefilled");
					await page.waitForFunction((s) => cur_frm.doc.stage === s && !cur_frm.crm_asking, STAGE("IDENTIFICATION"));
				});

				await point("9 cancelling the 2nd pop-up keeps the 1st answers (board)", shot, async () => {
					await page.goto(`${BASE_URL}/app/crm-board`);
					await page.waitForSelector(".crm-board .crm-column");
					await page.locator('.page-form input[data-fieldname="search"]').fill(`Formulaire ${stamp}`);
					const card = page.locator(`.crm-card[data-name="${opp}"]`);
					await card.waitFor();
					const column = (stage) => page.locator(`.crm-column[data-drop="${STAGE(stage)}"]`);
					await card.dragTo(column("PROPOSITION"));
					await answerFirstCancelSecond(page);
					await page.waitForSelector(`.crm-column[data-drop="${STAGE("IDENTIFICATION")}"] .crm-card[data-name="${opp}"]`);
					await card.dragTo(column("PROPOSITION"));
					await assertFirstPrefilled(page, shot, "form-flows-board-prefilled");
					await page.waitForSelector(`.crm-column[data-drop="${STAGE("IDENTIFICATION")}"] .crm-card[data-name="${opp}"]`);
				});

				await point("10 French on the desk CRM pages and the form", shot, async () => {
					const english = [];
					for (const [path, selector] of [
						["/app/crm-board", "#page-crm-board .layout-main-section, #page-crm-board .page-head"],
						["/app/crm-board?view=calendar", "#page-crm-board .layout-main-section"],
						["/app/crm-actions", "#page-crm-actions .layout-main-section, #page-crm-actions .page-head"],
						["/app/crm-accounts", "#page-crm-accounts .layout-main-section, #page-crm-accounts .page-head"],
					]) {
						await page.goto(`${BASE_URL}${path}`);
						await page.waitForTimeout(2500);
						for (const word of await englishIn(page, selector)) english.push(`${path}: ${word}`);
					}
					await openForm(page, opp);
					for (const word of await englishIn(page, ".crm-activity-timeline, .form-dashboard")) english.push(`form: ${word}`);
					await shot("form-flows-french-form");
					assert.deepEqual(english, [], "English strings");
				});
			} finally {
				await server(page, "frappe.client.delete", { doctype: "CRM Opportunity", name: opp }).catch(() => {});
			}
			assert.deepEqual(errors, [], "no JavaScript error on the desk");
		} finally {
			await close();
		}
	}

	// --- the form on a phone --------------------------------------------------------------------------
	{
		const { page, shot, close } = await openBrowser({ tag: TAG, viewport: PHONE });
		try {
			await login(page, USER, PASSWORD);
			await page.waitForFunction(() => window.frappe?.session?.user);
			const opp = await newOpportunity(page, `Téléphone ${stamp}`);
			try {
				await point("9 actions before the amounts on a phone", shot, async () => {
					await openForm(page, opp);
					await shot("form-flows-form-phone");
					const width = await page.evaluate(() => document.documentElement.scrollWidth);
					assert.ok(width <= PHONE.width + 1, `the form fits the phone (${width} px)`);
					const timeline = await page.locator(".crm-activity-timeline").boundingBox();
					const amount = await page.locator('.frappe-control[data-fieldname="amount"]').first().boundingBox();
					assert.ok(timeline.y < amount.y, "the actions come before the amounts");
					const subject = await page.locator(".crm-activity-timeline .crm-timeline-subject").boundingBox();
					assert.ok(subject.width >= PHONE.width * 0.6, `the subject is wide enough to type in (${Math.round(subject.width)} px)`);
					const whole = await page
						.locator('.crm-activity-timeline [data-fieldname="start"] input')
						.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
					assert.ok(whole, "the start date and time are shown whole");
				});
			} finally {
				await server(page, "frappe.client.delete", { doctype: "CRM Opportunity", name: opp }).catch(() => {});
			}
		} finally {
			await close();
		}
	}

	// --- the portal user ----------------------------------------------------------------------------
	for (const viewport of [DESKTOP, PHONE]) {
		const size = viewport.width;
		const { page, errors, shot, close } = await openBrowser({ tag: TAG, viewport, fullPage: true });
		try {
			await login(page, PORTAL_USER, PORTAL_PASSWORD, (url) => !url.pathname.startsWith("/login"));
			await point(`9 portal dates in dd/mm/yyyy (${size})`, shot, async () => {
				await page.goto(`${BASE_URL}/crm/new-opportunity`);
				assert.equal(await page.locator(NATIVE_DATES).count(), 0, "no native date input on the new-opportunity page");
				const signature = page.locator('[name="expected_signature_date"]');
				assert.match((await signature.getAttribute("placeholder")) || "", /jj\/mm\/aaaa/);
				await shot(`form-flows-portal-new-${size}`);
				if (size !== DESKTOP.width) return;
				// a created opportunity keeps the date as typed, day first
				await page.check("#crm-mode-new");
				await page.fill("#crm-new-account", `Portail date ${stamp}`);
				const title = `Portail date ${stamp}`;
				await page.fill('input[name="title"]', title);
				await page.fill('input[name="amount"]', "1500");
				// a date that does not exist is refused in French, before anything is sent
				await signature.fill("31/02/2027");
				await page.click(".crm-new-opportunity-form [type=submit]");
				const feedback = page.locator(".crm-new-opportunity-form .crm-feedback");
				await until(async () => /jj\/mm\/aaaa/.test(await feedback.innerText().catch(() => "")), "the date format message");
				assert.match(page.url(), /\/crm\/new-opportunity/, "nothing created with a wrong date");
				await signature.fill("15/03/2027");
				await page.click(".crm-new-opportunity-form [type=submit]");
				await page.waitForURL(/\/crm\/opportunity\/OPP-/);
				const body = await page.locator("body").innerText();
				assert.match(body, /15\/03\/2027|15-03-2027/, "the page shows the date as typed");
				assert.equal(await page.locator(NATIVE_DATES).count(), 0, "no native date input on the opportunity page");
				const signed = page.locator('.crm-won-form [name="signed_on"]');
				assert.match(await signed.inputValue(), /^\d{2}\/\d{2}\/\d{4}$/, "the won date is dd/mm/yyyy");
				await shot("form-flows-portal-opportunity");
			});
			await point(`10 French on the portal (${size})`, shot, async () => {
				const english = [];
				for (const path of ["/crm", "/crm/board", "/crm/opportunities", "/crm/actions", "/crm/new-opportunity", "/crm/new-prospect"]) {
					await page.goto(`${BASE_URL}${path}`);
					for (const word of await englishIn(page, "main, .page-content-wrapper, .navbar")) english.push(`${path}: ${word}`);
				}
				assert.deepEqual(english, [], "English strings on the portal");
			});
			assert.deepEqual(errors, [], "no JavaScript error on the portal");
		} finally {
			await close();
		}
	}

	if (failures.length) {
		throw new Error(`${failures.length} point(s) failed:\n- ${failures.join("\n- ")}`);
	}
	log("OK");
}

run(TAG, main);

// Browser test of the actions page (/app/crm-actions), the accounts & contacts page (/app/crm-accounts)
// and the activity timeline of the opportunity form, against a running bench.
// Run by scripts/browser.sh (make browser): BASE_URL, CRM_USER, CRM_PASSWORD, SCREENSHOTS in the env.
//
// As the demo salesperson: bucket counts match the API, quick-create an action, tick one done, drag one
// to "postpone → tomorrow"; the accounts search finds the demo account; the opportunity form shows its
// timeline, creates an action from it and ticks it done. After each step the database is read back
// through the API. A subject carrying HTML is shown as text.

import assert from "node:assert/strict";

import { BASE_URL, login, logger, openBrowser, PASSWORD, run, until, USER } from "./harness.mjs";

const XSS = "<img src=x onerror=alert(1)>";
const TAG = "browser:actions";
const log = logger(TAG);

async function main() {
	const {
		page,
		errors,
		dialogs: alerts,
		shot,
		close,
	} = await openBrowser({ tag: TAG, viewport: { width: 1500, height: 1000 }, fullPage: false });
	const created = [];
	let server;
	try {
		await login(page, USER, PASSWORD);
		await page.waitForFunction(() => window.frappe?.session?.user);
		log("logged in as", USER);

		server = (method, args) => page.evaluate(([m, a]) => frappe.xcall(m, a), [method, args]);
		const action = async (name) =>
			(await server("frappe.client.get_list", {
				doctype: "CRM Action",
				filters: { name },
				fields: ["name", "status", "start", "subject", "opportunity"],
			}))[0];
		const stamp = `nav${Date.now().toString(36)}`;
		// Dates as the server stores and buckets them: in the site's (system) time zone.
		const today = await page.evaluate(() => frappe.datetime.system_datetime().slice(0, 10));
		const tomorrow = await page.evaluate((d) => frappe.datetime.add_days(d, 1), today);
		const yesterday = await page.evaluate((d) => frappe.datetime.add_days(d, -1), today);

		// One of the salesperson's opportunities, for linked actions and the timeline.
		const [opportunity] = await server("frappe.client.get_list", {
			doctype: "CRM Opportunity",
			filters: { salesperson: USER, status: "Open" },
			fields: ["name", "title", "account_name"],
			limit_page_length: 1,
		});
		assert.ok(opportunity, "the demo salesperson has an open opportunity");
		const make = async (subject, start, extra = {}) => {
			const doc = await server("crm_portal.api.actions.create_action", {
				action_type: "Relance",
				subject: `${subject} ${stamp}`,
				start,
				opportunity: opportunity.name,
				...extra,
			});
			created.push(doc.name);
			return doc.name;
		};
		const xss = await make(XSS, `${yesterday} 10:00:00`);
		const toTick = await make("Cocher", `${yesterday} 11:00:00`);
		const toPostpone = await make("Reporter", `${yesterday} 09:30:00`);
		log("created", xss, toTick, toPostpone, "on", opportunity.name);

		// --- the page, its bucket counts ----------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/crm-actions`);
		await page.waitForSelector(".crm-actions .crm-actions-tab[data-bucket='late']");
		await page.locator(".crm-actions-tab[data-bucket='late']").click();
		await page.waitForSelector(`.crm-action-tile[data-name="${toTick}"]`);
		const api = await server("crm_portal.api.actions.get_actions", { scope: "me", bucket: "late" });
		for (const bucket of ["late", "today", "this_week", "next_week", "later", "all"]) {
			const shown = Number(await page.locator(`.crm-actions-tab[data-bucket='${bucket}']`).getAttribute("data-count"));
			assert.equal(shown, api.counts[bucket], `count of ${bucket}`);
		}
		assert.ok(api.counts.late >= 3, "the three late actions are counted");
		assert.match(await page.locator(".crm-actions-tab[data-bucket='late']").innerText(), /\(\d+\)/);
		await shot("actions-page");

		// the subject carrying HTML is text
		const xssTile = page.locator(`.crm-action-tile[data-name="${xss}"]`);
		assert.equal(await xssTile.locator("img").count(), 0, "no <img> from the subject");
		// Frappe strips the event handler when saving; what is stored is shown as text, tags included.
		const stored = (await action(xss)).subject;
		assert.match(stored, /<img/);
		assert.ok((await xssTile.innerText()).includes(stored), `the subject is shown as text (${stored})`);

		// --- narrow to this run, then quick-create an action (date defaults to now) ---------------------
		await page.locator(".crm-actions-tab[data-bucket='all']").click();
		await page.locator('.page-form input[data-fieldname="search"]').fill(stamp);
		await page.locator('.page-form input[data-fieldname="search"]').press("Tab");
		await page.waitForFunction(
			(s) =>
				document.querySelectorAll(".crm-action-tile").length > 0 &&
				[...document.querySelectorAll(".crm-action-tile .crm-action-subject")].every((a) =>
					a.textContent.includes(s)
				),
			stamp
		);
		// Frappe's Datetime control, in the user's date format (dd-mm-yyyy on the demo site)
		const startValue = await page.locator(".crm-create-start input").inputValue();
		const todayShown = await page.evaluate((d) => frappe.datetime.str_to_user(d), today);
		assert.ok(startValue.startsWith(todayShown), `the quick-create date defaults to now (${startValue})`);
		await page.locator(".crm-create-type").selectOption("Relance");
		await page.locator(".crm-create-subject").fill(`Rapide ${stamp}`);
		await page.locator(".crm-create-add").click();
		let quick;
		await until(async () => {
			const rows = await server("frappe.client.get_list", {
				doctype: "CRM Action",
				filters: { subject: `Rapide ${stamp}` },
				fields: ["name", "action_type", "assigned_to", "status"],
			});
			quick = rows[0];
			return !!quick;
		}, "the quick-created action in the database");
		created.push(quick.name);
		assert.equal(quick.action_type, "Relance");
		assert.equal(quick.assigned_to, USER);
		await page.waitForSelector(`.crm-action-tile[data-name="${quick.name}"]`);
		log("quick-created", quick.name);

		// --- tick one done --------------------------------------------------------------------------------
		await page.locator(`.crm-action-tile[data-name="${toTick}"] .crm-action-done`).check();
		await until(async () => (await action(toTick)).status === "Done", "ticked action done in the database");
		await page.waitForSelector(`.crm-action-tile[data-name="${toTick}"]`, { state: "detached" });
		log("ticked done", toTick);

		// --- drag one to "postpone → tomorrow" ------------------------------------------------------------
		await page.locator(`.crm-action-tile[data-name="${toPostpone}"]`).dragTo(
			page.locator(".crm-action-zone[data-zone='tomorrow']")
		);
		await until(
			async () => String((await action(toPostpone)).start).startsWith(`${tomorrow} 09:30`),
			`postponed action starts ${tomorrow} 09:30`
		);
		log("postponed", toPostpone, "to", tomorrow);
		await page.waitForFunction(
			([name, day]) =>
				document.querySelector(`.crm-action-tile[data-name="${name}"] .crm-action-date`)?.textContent.startsWith(day),
			[toPostpone, tomorrow.split("-").reverse().join("/")]
		);
		await shot("actions-after-changes");

		// --- accounts & contacts -------------------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/crm-accounts`);
		const search = page.locator(".crm-accounts-search");
		await search.waitFor();
		await search.fill("a");
		await page.waitForFunction(() => document.querySelector(".crm-accounts-hint")?.textContent.length > 0);
		assert.equal(await page.locator(".crm-account-row").count(), 0, "one letter searches nothing");
		await search.fill("ABC");
		await page.waitForSelector(".crm-account-row");
		const titles = await page.locator(".crm-account-row .crm-account-title").allInnerTexts();
		assert.ok(titles.some((title) => title.startsWith("ABC")), `ABC Cie found (${titles})`);
		assert.ok((await page.locator(".crm-account-row .crm-account-status").count()) > 0, "a status per row");
		await shot("accounts-search");
		// "Create a prospect" opens the dialog with the typed name
		await page.locator(".page-actions .primary-action").click();
		const prospectDialog = page.locator(".crm-create-prospect-dialog.modal.show");
		await prospectDialog.waitFor();
		assert.equal(await prospectDialog.locator('input[data-fieldname="call_name"]').inputValue(), "ABC");
		await shot("accounts-create-prospect");
		await page.waitForTimeout(500);
		await prospectDialog.locator(".btn-modal-close").click();

		// --- the opportunity form's timeline ---------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/crm-opportunity/${encodeURIComponent(opportunity.name)}`);
		const timeline = page.locator(".crm-activity-timeline");
		await timeline.locator(".crm-timeline-section.upcoming .crm-timeline-heading").waitFor();
		const before = await server("crm_portal.api.timeline.get_timeline", {
			doctype: "CRM Opportunity",
			name: opportunity.name,
		});
		const heading = () => timeline.locator(".crm-timeline-section.upcoming .crm-timeline-heading");
		assert.equal(Number(await heading().getAttribute("data-count")), before.counts.upcoming);
		assert.match(await timeline.locator(".crm-timeline-section.past .crm-timeline-heading").innerText(), /\d+/);
		assert.equal(await timeline.locator(".crm-timeline-entry img").count(), 0, "no HTML from subjects");
		await timeline.locator(".crm-timeline-new-type").selectOption("Relance");
		await timeline.locator(".crm-timeline-subject").fill(`Fiche ${stamp}`);
		await timeline.locator(".crm-timeline-add").click();
		await page.waitForFunction(
			(n) =>
				Number(
					document.querySelector(".crm-timeline-section.upcoming .crm-timeline-heading")?.getAttribute("data-count")
				) === n,
			before.counts.upcoming + 1
		);
		const [fromForm] = await server("frappe.client.get_list", {
			doctype: "CRM Action",
			filters: { subject: `Fiche ${stamp}` },
			fields: ["name", "opportunity", "status"],
		});
		assert.ok(fromForm, "the action created on the form exists");
		created.push(fromForm.name);
		assert.equal(fromForm.opportunity, opportunity.name, "linked to the opportunity of the form");
		await timeline.scrollIntoViewIfNeeded();
		await shot("timeline-opportunity");
		await timeline.locator(`.crm-timeline-entry[data-name="${fromForm.name}"] .crm-timeline-done`).check();
		await until(async () => (await action(fromForm.name)).status === "Done", "timeline action done in the database");
		await page.waitForSelector(`.crm-timeline-section.past .crm-timeline-entry[data-name="${fromForm.name}"]`);
		log("timeline: created and ticked", fromForm.name);

		// --- an account form: its opportunities as tiles, the actions of its opportunities ------------------
		await page.goto(`${BASE_URL}/app/customer/${encodeURIComponent("ABC Cie")}`);
		const accountTimeline = page.locator(".crm-activity-timeline");
		await accountTimeline.locator(`.crm-timeline-entry.opportunity[data-name="${opportunity.name}"]`).waitFor();
		await accountTimeline.locator(`.crm-timeline-entry.action[data-name="${xss}"]`).waitFor();
		await accountTimeline.scrollIntoViewIfNeeded();
		await shot("timeline-customer");

		assert.deepEqual(alerts, [], "no alert() ran");
		assert.deepEqual(errors, [], "no JavaScript error on the page");
		log("OK");
	} catch (error) {
		await shot("actions-failure").catch(() => {});
		throw error;
	} finally {
		for (const name of created) {
			await server?.("crm_portal.api.actions.delete_action", { name }).catch(() => {});
		}
		await close();
	}
}

run(TAG, main);

// Names are data (DESIGN §3.11, issue 15): a corpus of hostile or unusual names typed as opportunity
// titles, account names, contact names and action subjects must show exactly as typed everywhere, and
// nothing of them may become an element or run: create (quick-create dialog), board, every board dialog
// (actions, won, lost, "we need to know a little more"), signature calendar, form, list, actions page,
// accounts search, timelines, print view and the website portal.
// Run by scripts/browser.sh (make browser): BASE_URL, CRM_USER, CRM_PASSWORD, SCREENSHOTS in the env.

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

const TAG = "browser:names";
/** A month ahead, 10:00 (the portal's actions of this test are planned there). */
const LATER = `${new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10)} 10:00:00`;
const log = logger(TAG);
const STAGE = (name) => `${TEMPLATE}-${name}`;

/** What people type, hostile or just unusual. Each is stored and shown exactly as typed. */
const CORPUS = [
	"<img src=x onerror=window.__xss=1>",
	'"><svg onload=window.__xss=1>',
	"R&D <Lot 3>",
	"{{ 7*7 }}",
	"' or 1=1 --",
	"Équipe 🚀 café ☕",
	"شركة الاختبار المحدودة",
	"<b>gras</b> & <i>penché</i>",
];
/** 500 characters: longer than a name field (140): refused with a message, itself shown as text. */
const TOO_LONG = `<img src=x onerror=window.__xss=1>${"x".repeat(500 - 34)}`;

/** The markup a name could inject, looked for in the whole page. */
const INJECTED = 'img[src="x"], [onerror*="__xss"], [onload*="__xss"], svg[onload], .crm-injected';

/** Every failed check of the run (the run goes on, so one run lists every place that alters a name). */
const failures = [];
function expectEqual(actual, expected, what) {
	try {
		assert.equal(actual, expected, what);
	} catch (error) {
		failures.push(`${what}: shown ${JSON.stringify(actual)}, typed ${JSON.stringify(expected)}`);
	}
}
function expectOk(value, what) {
	if (!value) failures.push(what);
}

/** Records a failure when a name became an element or ran a script on the current page. */
async function assertNothingInjected(page, where) {
	const found = await page.evaluate(
		(selector) => ({
			xss: window.__xss,
			elements: [...document.querySelectorAll(selector)].map((e) => e.outerHTML.slice(0, 120)),
			markup: [...document.querySelectorAll("b, i")]
				.filter((e) => /^(gras|penché)$/.test(e.textContent))
				.map((e) => e.outerHTML),
		}),
		INJECTED
	);
	expectOk(found.xss === undefined, `${where}: a script from a name ran`);
	expectOk(!found.elements.length, `${where}: an element came from a name: ${found.elements.join(" ")}`);
	expectOk(!found.markup.length, `${where}: tags of a name were interpreted: ${found.markup.join(" ")}`);
}

/** The heading of the form on screen (the form's own page: earlier pages stay in the DOM, hidden). */
async function formHeading(page, expected) {
	const read = () =>
		page.evaluate(() => (cur_frm?.page.$title_area.find(".title-text").text() || "").trim());
	// the form's refresh handlers run after its fields are drawn
	await until(async () => (await read()) === expected, "the form heading", 5000).catch(() => {});
	return read();
}

/** The text of the first element matching `selector` (textContent: exactly what is shown, spaces kept). */
async function textOf(page, selector) {
	const locator = page.locator(selector).first();
	await locator.waitFor({ state: "attached" });
	return (await locator.evaluate((e) => e.textContent)).trim();
}

async function main() {
	const { page, errors, dialogs, shot, close } = await openBrowser({
		tag: TAG,
		viewport: { width: 1600, height: 1000 },
	});
	const stamp = `hn${Date.now().toString(36)}`;
	// Each name carries the run's stamp and its index, so this run's records are found among others.
	const typed = CORPUS.map((name, i) => `${name} ${stamp}${i}`);
	const records = []; // { title, opportunity, prospect, account, action, contact }
	let server;
	try {
		await login(page, USER, PASSWORD);
		await page.waitForFunction(() => window.frappe?.session?.user);
		server = (method, args) => page.evaluate(([m, a]) => frappe.xcall(m, a), [method, args]);

		// --- accounts, contacts: typed through the API ---------------------------------------------------
		for (const [i, name] of typed.entries()) {
			const account = `${stamp}${i} ${CORPUS[i]}`; // starts with the stamp: the accounts search is "starts with"
			const prospect = (
				await server("crm_portal.api.accounts.create_prospect", {
					values: { call_name: account, legal_form: "En cours d'immatriculation" },
				})
			).name;
			// Contacts keep Frappe's sanitizer (their ID is made from the name, where Frappe refuses '<' and
			// '>'; crm_portal/names.py): their names here are the corpus without markup.
			const contact_name = `${stamp}${i} ${/[<>]/.test(CORPUS[i]) ? "Contact" : CORPUS[i]}`;
			const contact = (
				await server("frappe.client.insert", {
					doc: {
						doctype: "Contact",
						first_name: contact_name,
						links: [{ link_doctype: "CRM Prospect", link_name: prospect }],
					},
				})
			).name;
			records.push({ title: name, prospect, account, contact, contact_name });
		}
		for (const record of records) {
			expectEqual(
				(await server("frappe.client.get", { doctype: "CRM Prospect", name: record.prospect })).call_name,
				record.account,
				"the prospect's name is stored as typed"
			);
			const contact = await server("frappe.client.get", { doctype: "Contact", name: record.contact });
			expectEqual(contact.first_name, record.contact_name, "the contact's name is stored as typed");
		}
		log("prospects and contacts", records.map((r) => r.prospect).join(" "));

		// --- create: the board's quick-create dialog, each title typed ----------------------------------
		await page.goto(`${BASE_URL}/app/crm-board`);
		await page.waitForSelector(".crm-board .crm-column");
		const board = () => page.evaluate(() => !!frappe.pages["crm-board"]?.crm_board?.data);
		await until(board, "the board controller");
		for (const record of records) {
			await page.locator(".page-actions .primary-action").click();
			const quick = page.locator(".crm-quick-create-dialog.modal.show");
			await quick.waitFor();
			await page.waitForTimeout(400); // fade-in done before typing
			await quick.locator('input[data-fieldname="title"]').fill(record.title);
			await quick.locator('input[data-fieldname="title"]').blur();
			await page.evaluate(
				(prospect) =>
					$(".crm-quick-create-dialog.show")
						.data("dialog")
						.set_values({ account_type: "CRM Prospect", account: prospect, amount: 5000, days: 2 }),
				record.prospect
			);
			await until(
				() => page.evaluate(() => $(".crm-quick-create-dialog.show").data("dialog")?.get_value("account")),
				"the account set in the dialog"
			);
			await quick.locator(".btn-modal-primary").click();
			await until(async () => {
				const rows = await server("frappe.client.get_list", {
					doctype: "CRM Opportunity",
					filters: { account: record.prospect },
					fields: ["name", "title", "account_name"],
				});
				record.opportunity = rows[0]?.name;
				return rows.length === 1;
			}, `the opportunity "${record.title}"`);
			await page.waitForSelector(".crm-quick-create-dialog.modal.show", { state: "detached" });
			const stored = await server("frappe.client.get", { doctype: "CRM Opportunity", name: record.opportunity });
			expectEqual(stored.title, record.title, "the title is stored as typed");
			expectEqual(stored.account_name, record.account, "the account name is stored as typed");
			await assertNothingInjected(page, `quick-create of "${record.title}"`);
		}
		log("opportunities", records.map((r) => r.opportunity).join(" "));

		// The 500-character name is refused with a message, itself shown as text.
		await page.locator(".page-actions .primary-action").click();
		const quick = page.locator(".crm-quick-create-dialog.modal.show");
		await quick.waitFor();
		await page.waitForTimeout(400);
		await page.evaluate(
			([title, prospect]) =>
				$(".crm-quick-create-dialog.show")
					.data("dialog")
					.set_values({ title, account_type: "CRM Prospect", account: prospect }),
			[TOO_LONG, records[0].prospect]
		);
		await quick.locator(".btn-modal-primary").click();
		const refusal = page.locator(".msgprint-dialog.modal.show, .modal.show .msgprint").first();
		await refusal.waitFor();
		await page.waitForTimeout(300);
		await shot("names-too-long");
		await assertNothingInjected(page, "the refusal of a 500-character name");
		assert.equal(
			(await server("frappe.client.get_count", { doctype: "CRM Opportunity", filters: { title: TOO_LONG } })),
			0,
			"nothing stored for the 500-character name"
		);
		await page.keyboard.press("Escape");
		await page.waitForTimeout(400);
		await page.keyboard.press("Escape");
		await page.waitForSelector(".modal.show", { state: "detached" });

		// --- actions: one per record, its subject the record's name ----------------------------------------
		for (const record of records) {
			record.subject = `${record.title} – action`;
			record.action = (
				await server("crm_portal.api.actions.create_action", {
					action_type: "Relance",
					subject: record.subject,
					opportunity: record.opportunity,
				})
			).name;
			expectEqual(
				(await server("frappe.client.get", { doctype: "CRM Action", name: record.action })).subject,
				record.subject,
				"the action's subject is stored as typed"
			);
		}

		// --- board: cards, then each dialog --------------------------------------------------------------
		await page.locator('.page-form input[data-fieldname="search"]').fill(stamp);
		await page.waitForFunction(
			(n) => document.querySelectorAll(".crm-card").length === n,
			records.length
		);
		await shot("names-board");
		for (const record of records) {
			const card = `.crm-card[data-name="${record.opportunity}"]`;
			expectEqual(await textOf(page, `${card} .crm-card-title`), record.title, "card title");
			expectEqual(await textOf(page, `${card} .crm-card-account`), record.account, "card account");
		}
		await assertNothingInjected(page, "board");

		const controller = (method, ...args) =>
			page.evaluate(([m, a]) => {
				frappe.pages["crm-board"].crm_board[m](...a);
			}, [method, args]);
		const closeDialog = async (selector) => {
			await page.waitForTimeout(400); // fade-in: a close during it is ignored by Bootstrap
			await page.locator(`${selector} .btn-modal-close`).first().click();
			await page.waitForSelector(selector, { state: "detached" });
		};
		for (const record of records) {
			// the card's "next action" pictogram: the actions dialog
			await page.locator(`.crm-card[data-name="${record.opportunity}"] .crm-action-state`).click();
			const actions = ".crm-actions-dialog.modal.show";
			await page.locator(`${actions} tr[data-action="${record.action}"]`).waitFor();
			expectEqual(await textOf(page, `${actions} .modal-title`), `Actions : ${record.title}`, "actions dialog title");
			const cells = await page.locator(`${actions} tr[data-action="${record.action}"] td`).allTextContents();
			expectOk(cells.map((c) => c.trim()).includes(record.subject), `actions dialog: subject shown as typed (${cells})`);
			await assertNothingInjected(page, `actions dialog of "${record.title}"`);
			await closeDialog(actions);

			await controller("mark_won", record.opportunity);
			const won = ".crm-won-dialog.modal.show";
			await page.locator(won).waitFor();
			expectEqual(await textOf(page, `${won} .modal-title`), `Gagnée : ${record.title}`, "won dialog title");
			await assertNothingInjected(page, `won dialog of "${record.title}"`);
			await closeDialog(won);

			await controller("mark_lost", record.opportunity);
			const lost = ".crm-lost-dialog.modal.show";
			await page.locator(lost).waitFor();
			expectEqual(await textOf(page, `${lost} .modal-title`), `Perdue : ${record.title}`, "lost dialog title");
			await assertNothingInjected(page, `lost dialog of "${record.title}"`);
			await closeDialog(lost);

			// a stage that asks for more: "we need to know a little more to move <title> to <stage>"
			await controller("move_to_stage", record.opportunity, STAGE("QUALIFICATION / POSITIONNEMENT"));
			const asked = ".crm-requirements-dialog.modal.show";
			await page.locator(asked).waitFor();
			const intro = await textOf(page, `${asked} .modal-body p`);
			expectOk(intro.includes(record.title), `requirements dialog names "${record.title}": ${intro}`);
			await assertNothingInjected(page, `requirements dialog of "${record.title}"`);
			await page.waitForTimeout(400);
			await page.locator(`${asked} .btn-modal-secondary`).click();
			await page.waitForSelector(asked, { state: "detached" });
			await page.waitForSelector(
				`.crm-column[data-drop="${STAGE("IDENTIFICATION")}"] .crm-card[data-name="${record.opportunity}"]`
			);
		}
		await shot("names-board-after-dialogs");
		expectOk(!dialogs.length, `no alert() ran on the board (${dialogs})`);

		// --- signature calendar --------------------------------------------------------------------------
		await page.getByRole("button", { name: /Calendrier de signature|Signature calendar/ }).first().click();
		await page.waitForSelector('.crm-board[data-view="calendar"]');
		for (const record of records) {
			const card = `.crm-board[data-view="calendar"] .crm-card[data-name="${record.opportunity}"]`;
			await page.locator(card).waitFor();
			expectEqual(await textOf(page, `${card} .crm-card-title`), record.title, "calendar card title");
		}
		await shot("names-calendar");
		await assertNothingInjected(page, "calendar");

		// --- form, its timeline, the list ----------------------------------------------------------------
		for (const record of records) {
			await page.goto(`${BASE_URL}/app/crm-opportunity/${encodeURIComponent(record.opportunity)}`);
			const title = page.locator('.frappe-control[data-fieldname="title"] input');
			await title.waitFor();
			expectEqual(await title.inputValue(), record.title, "form field shows the title as typed");
			expectEqual(await formHeading(page, record.title), record.title, "form heading");
			const entry = `.crm-activity-timeline .crm-timeline-entry[data-name="${record.action}"]`;
			await page.locator(entry).waitFor();
			expectEqual(await textOf(page, `${entry} .crm-timeline-title`), record.subject, "timeline subject");
			await assertNothingInjected(page, `form of "${record.title}"`);
		}
		await shot("names-form");
		for (const record of records) {
			await page.goto(`${BASE_URL}/app/crm-prospect/${encodeURIComponent(record.prospect)}`);
			const entry = `.crm-activity-timeline .crm-timeline-entry.opportunity[data-name="${record.opportunity}"]`;
			await page.locator(entry).waitFor();
			expectEqual(
				await textOf(page, `${entry} .crm-timeline-title`),
				`${record.opportunity} - ${record.title}`,
				"account timeline: the opportunity tile"
			);
			expectEqual(await formHeading(page, record.account), record.account, "prospect form heading");
			await assertNothingInjected(page, `prospect form of "${record.account}"`);
		}
		await shot("names-prospect-form");
		await page.goto(`${BASE_URL}/app/crm-opportunity?title=${encodeURIComponent(`%${stamp}%`)}`);
		for (const record of records) {
			const link = `.list-row a[data-name="${record.opportunity}"]`;
			await page.locator(link).waitFor();
			expectEqual(await textOf(page, link), record.title, "list view title");
		}
		await shot("names-list");
		await assertNothingInjected(page, "list view");

		// --- actions page ----------------------------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/crm-actions`);
		await page.waitForSelector(".crm-actions .crm-actions-tab[data-bucket='all']");
		await page.locator(".crm-actions-tab[data-bucket='all']").click();
		await page.locator('.page-form input[data-fieldname="search"]').fill(stamp);
		await page.locator('.page-form input[data-fieldname="search"]').press("Tab");
		for (const record of records) {
			const tile = `.crm-action-tile[data-name="${record.action}"]`;
			await page.locator(tile).waitFor();
			expectEqual(await textOf(page, `${tile} .crm-action-subject`), record.subject, "actions page subject");
			expectEqual(await textOf(page, `${tile} .crm-action-opportunity`), record.title, "actions page opportunity");
			expectEqual(await textOf(page, `${tile} .crm-action-account`), record.account, "actions page account");
		}
		await shot("names-actions-page");
		await assertNothingInjected(page, "actions page");

		// --- accounts & contacts search --------------------------------------------------------------------
		await page.goto(`${BASE_URL}/app/crm-accounts`);
		const search = page.locator(".crm-accounts-search");
		await search.waitFor();
		// the hint is written once the input listens
		await page.waitForFunction(() => document.querySelector(".crm-accounts-hint")?.textContent.length > 0);
		for (const [i, record] of records.entries()) {
			await search.fill(`${stamp}${i}`);
			const row = `.crm-account-row[data-name="${record.prospect}"]`;
			await page.locator(row).waitFor();
			expectEqual(await textOf(page, `${row} .crm-account-title`), record.account, "accounts search");
			const contactRow = `.crm-account-row[data-name="${record.contact}"]`;
			await page.locator(contactRow).waitFor();
			expectEqual(await textOf(page, `${contactRow} .crm-account-title`), record.contact_name, "contacts search");
			await assertNothingInjected(page, `accounts search for "${record.account}"`);
		}
		await shot("names-accounts");

		// --- a Link field's dropdown: the opportunities found by their title -------------------------------
		await page.goto(`${BASE_URL}/app/crm-action/new`);
		const link = page.locator('.frappe-control[data-fieldname="opportunity"] input');
		await link.waitFor();
		await link.click();
		await link.pressSequentially(stamp, { delay: 20 });
		await until(
			() => page.locator('.frappe-control[data-fieldname="opportunity"] [role="option"]').count(),
			"the Link dropdown"
		);
		await page.waitForTimeout(1000); // the search answers after a debounce
		const options = await page
			.locator('.frappe-control[data-fieldname="opportunity"] [role="option"] strong')
			.allTextContents();
		const ours = options.filter((option) => option.includes(stamp));
		expectOk(ours.length > 0, `the Link dropdown lists this run's opportunities (${options})`);
		for (const option of ours) {
			expectOk(records.some((r) => r.title === option), `Link dropdown shows a title as typed: ${option}`);
		}
		await shot("names-link-dropdown");
		await assertNothingInjected(page, "a Link field's dropdown");
		await link.fill("");

		// --- print views: the account sheet, the opportunity's standard print --------------------------
		for (const record of records) {
			await page.goto(
				`${BASE_URL}/printview?doctype=CRM%20Prospect&name=${encodeURIComponent(record.prospect)}&format=CRM%20Prospect%20Sheet&no_letterhead=1`
			);
			await page.waitForSelector(".crm-account-sheet h2");
			expectOk((await textOf(page, ".crm-account-sheet h2")).endsWith(`: ${record.account}`), `print: account sheet of ${record.account}`);
			const sheet = await page.locator(".crm-account-sheet").textContent();
			expectOk(sheet.includes(record.title), `print: the opportunity's title ${record.title} in the account sheet`);
			expectOk(sheet.includes(record.contact_name), `print: the contact's name ${record.contact_name} in the account sheet`);
			await assertNothingInjected(page, `account sheet of "${record.account}"`);
			await page.goto(
				`${BASE_URL}/printview?doctype=CRM%20Opportunity&name=${encodeURIComponent(record.opportunity)}&format=Standard&no_letterhead=1`
			);
			await page.waitForSelector(".print-format");
			expectOk(
				(await page.locator(".print-format").textContent()).includes(record.title),
				`print: the standard print of the opportunity shows ${record.title}`
			);
			await assertNothingInjected(page, `standard print of "${record.title}"`);
		}
		await shot("names-print");
		expectOk(!dialogs.length, `no alert() ran on the desk (${dialogs})`);
		expectOk(!errors.length, `no JavaScript error on the desk pages (${errors})`);
		log("desk OK");
	} catch (error) {
		await shot("names-failure").catch(() => {});
		throw error;
	} finally {
		for (const record of records) {
			if (record.action) await server?.("crm_portal.api.actions.delete_action", { name: record.action }).catch(() => {});
			if (record.opportunity) {
				await server?.("frappe.client.delete", { doctype: "CRM Opportunity", name: record.opportunity }).catch(() => {});
			}
			await server?.("frappe.client.delete", { doctype: "Contact", name: record.contact }).catch(() => {});
			// a salesperson may not delete a prospect: close it, it leaves the searches
			await server?.("crm_portal.api.accounts.set_prospect_closed", { prospect: record.prospect }).catch(() => {});
		}
		await close();
	}
	await portal(stamp);
	if (failures.length) {
		throw new Error(`${failures.length} place(s) altered or interpreted a name:\n- ${failures.join("\n- ")}`);
	}
	log("OK");
}

/** The website portal, as the demo portal user: the same names through its pages and a server message. */
async function portal(stamp) {
	const { page, errors, dialogs, shot, close } = await openBrowser({
		tag: `${TAG}:portal`,
		viewport: { width: 1400, height: 1000 },
	});
	const created = [];
	let api;
	try {
		await login(page, PORTAL_USER, PORTAL_PASSWORD, (url) => !url.pathname.startsWith("/login"));
		api = (method, args) =>
			page.evaluate(
				async ([m, a]) => {
					const r = await fetch(`/api/method/${m}`, {
						method: "POST",
						headers: {
							Accept: "application/json",
							"Content-Type": "application/json",
							"X-Frappe-CSRF-Token": window.frappe?.csrf_token || "",
						},
						body: JSON.stringify(a),
					});
					return { status: r.status, body: await r.json().catch(() => ({})) };
				},
				[method, args]
			);
		await page.goto(`${BASE_URL}/crm/new-opportunity`);
		const portfolio = await page.locator('select[name="portfolio"], input[name="portfolio"]').first().inputValue();
		const records = [];
		for (const [i, name] of CORPUS.entries()) {
			const account = `${stamp}p${i} ${name}`;
			const title = `${name} ${stamp}p${i}`;
			const prospect = await api("crm_portal.api.accounts.create_prospect", {
				values: { call_name: account, legal_form: "En cours d'immatriculation" },
			});
			assert.equal(prospect.status, 200, JSON.stringify(prospect.body).slice(0, 500));
			const opportunity = await api("crm_portal.api.pipeline.quick_create", {
				portfolio: portfolio || PORTFOLIO,
				account: prospect.body.message.name,
				account_type: "CRM Prospect",
				title,
				amount: 1000,
			});
			assert.equal(opportunity.status, 200, JSON.stringify(opportunity.body).slice(0, 500));
			const subject = `${title} – action`;
			const action = await api("crm_portal.api.actions.create_action", {
				action_type: "Relance",
				subject,
				opportunity: opportunity.body.message.name,
				start: LATER,
			});
			assert.equal(action.status, 200, JSON.stringify(action.body).slice(0, 500));
			const record = {
				account,
				title,
				subject,
				prospect: prospect.body.message.name,
				opportunity: opportunity.body.message.name,
				action: action.body.message.name,
			};
			created.push(record);
			records.push(record);
		}

		await page.goto(`${BASE_URL}/crm/board`);
		for (const record of records) {
			const card = `.crm-card[data-name="${record.opportunity}"]`;
			await page.locator(card).waitFor();
			expectEqual(await textOf(page, `${card} .crm-card-title`), record.title, "portal board title");
			expectEqual(await textOf(page, `${card} .crm-card-account`), record.account, "portal board account");
		}
		await shot("names-portal-board");
		await assertNothingInjected(page, "portal board");

		await page.goto(`${BASE_URL}/crm/opportunities`);
		for (const record of records) {
			const row = `.crm-opportunity-row[data-name="${record.opportunity}"]`;
			await page.locator(row).waitFor();
			expectEqual(await textOf(page, `${row} .crm-opportunity-title`), record.title, "portal list title");
			expectEqual(await textOf(page, `${row} .crm-account`), record.account, "portal list account");
		}
		await assertNothingInjected(page, "portal list");

		// planned in a month ("Les semaines futures"): the portal user's late actions of earlier runs fill the
		// first 100 of "all" on the dev site
		await page.goto(`${BASE_URL}/crm/actions?bucket=later`);
		for (const record of records) {
			const item = `.crm-action[data-name="${record.action}"]`;
			await page.locator(item).waitFor();
			expectEqual(await textOf(page, `${item} .crm-action-subject`), record.subject, "portal action subject");
		}
		await assertNothingInjected(page, "portal actions");
		// done afterwards, so that runs do not pile up open actions for the demo portal user
		for (const record of records) await api("crm_portal.api.actions.mark_done", { name: record.action });

		for (const record of records) {
			await page.goto(`${BASE_URL}/crm/opportunity/${encodeURIComponent(record.opportunity)}`);
			const heading = await page
				.locator("h1.crm-opportunity-title")
				.evaluate((h1) => (h1.firstChild?.textContent || "").trim()); // then the status badge
			expectEqual(heading, record.title, "portal opportunity heading");
			expectOk(!(await page.title()).includes("onerror"), `portal: the page title holds no markup (${await page.title()})`);
			await assertNothingInjected(page, `portal opportunity "${record.title}"`);
		}
		await shot("names-portal-opportunity");

		// A server message that repeats a new prospect's name (no SIREN, no "being registered" form).
		await page.goto(`${BASE_URL}/crm/new-prospect`);
		const refused = `${CORPUS[0]} ${stamp}`;
		await page.fill('input[name="values.call_name"]', refused);
		await page.click(".crm-new-prospect-form [type=submit]");
		const feedback = page.locator(".crm-new-prospect-form .crm-feedback");
		await until(async () => ((await feedback.textContent()) || "").trim().length > 0, "the refusal message");
		const message = (await feedback.textContent()).trim();
		expectOk(message.includes(refused), `portal: the message repeats the name as typed: ${message}`);
		await shot("names-portal-message");
		await assertNothingInjected(page, "portal server message");

		expectOk(!dialogs.length, `no alert() ran on the portal (${dialogs})`);
		expectOk(!errors.length, `no script error on the portal (${errors})`);
		log("portal OK");
	} catch (error) {
		await shot("names-portal-failure").catch(() => {});
		throw error;
	} finally {
		for (const record of created) {
			await api?.("crm_portal.api.actions.delete_action", { name: record.action }).catch(() => {});
			// a portal user may not delete: the deal is closed as lost, so runs do not pile cards on the demo board
			await api?.("crm_portal.api.pipeline.mark_lost", {
				opportunity: record.opportunity,
				lost_reason: "Projet abandonné",
			}).catch(() => {});
		}
		await close();
	}
}

run(TAG, main);

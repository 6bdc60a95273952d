// What the browser tests (tests/browser/*.test.mjs) share: the settings scripts/browser.sh passes in the
// env, a poller, a headless Chromium with a throw-away profile, the login through /login and the tail
// that turns a failure into exit status 1. Not a test itself (scripts/browser.sh runs *.test.mjs only).

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { chromium } from "playwright-core";

export const BASE_URL = process.env.BASE_URL || "http://127.0.0.1:8000";
export const SCREENSHOTS = process.env.SCREENSHOTS || "bench-results/screenshots";
export const TIMEOUT = 30_000;
/** The demo salesperson (a desk user). */
export const USER = process.env.CRM_USER || "alfred.dupont@conseil-dupont.fr";
export const PASSWORD = process.env.CRM_PASSWORD || "Alfred-Demo-2026";
/** The demo portal user (role CRM Portal User, a website user without desk access). */
export const PORTAL_USER = process.env.CRM_PORTAL_USER || "claire.petit@partenaire-conseil.fr";
export const PORTAL_PASSWORD = process.env.CRM_PORTAL_PASSWORD || "Claire-Demo-2026";
export const TEMPLATE = process.env.CRM_TEMPLATE || "Processus commercial";
export const PORTFOLIO = process.env.CRM_PORTFOLIO || "Opportunités en cours";

const CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

/** console.log with a `[tag]` prefix. */
export const logger =
	(tag) =>
	(...args) =>
		console.log(`[${tag}]`, ...args);

/** Poll `check` (async) until it is true; fail with `what` after the timeout. */
export async function until(check, what, timeout = TIMEOUT) {
	const end = Date.now() + timeout;
	while (Date.now() < end) {
		if (await check()) return;
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
	throw new Error(`timed out waiting for: ${what}`);
}

/**
 * Headless Chromium (French locale) on a fresh profile, with one page.
 * Returns the page, the page errors and the messages of the dialogs (alert, confirm…, all dismissed) seen
 * so far, `shot(name)` (a screenshot into SCREENSHOTS) and `close()` (the browser, then the profile).
 */
export async function openBrowser({ tag, viewport, fullPage = false }) {
	const log = logger(tag);
	mkdirSync(SCREENSHOTS, { recursive: true });
	const profile = mkdtempSync(join(tmpdir(), "crm-portal-chromium-"));
	let context;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
			headless: true,
			viewport,
			locale: "fr-FR",
			args: CHROMIUM_ARGS,
		});
	} catch (error) {
		rmSync(profile, { recursive: true, force: true });
		throw error;
	}
	const page = context.pages()[0] || (await context.newPage());
	page.setDefaultTimeout(TIMEOUT);
	const errors = [];
	const dialogs = [];
	page.on("pageerror", (e) => errors.push(String(e)));
	page.on("console", (m) => m.type() === "error" && log("console error:", m.text()));
	page.on("dialog", async (d) => {
		dialogs.push(d.message());
		await d.dismiss();
	});
	const shot = async (name) => {
		const path = join(SCREENSHOTS, `${name}.png`);
		await page.screenshot({ path, fullPage });
		log("screenshot", path);
	};
	const close = async () => {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	};
	return { page, errors, dialogs, shot, close };
}

/** Log in through the login page, then wait for the URL to match `landing` (a desk page by default). */
export async function login(page, user, password, landing = /\/app/) {
	await page.goto(`${BASE_URL}/login`);
	await page.fill("#login_email", user);
	await page.fill("#login_password", password);
	await page.click(".btn-login");
	await page.waitForURL(landing, { timeout: TIMEOUT });
}

/** Run a test's `main`; on failure print it and exit with status 1. */
export function run(tag, main) {
	main().catch((error) => {
		console.error(`[${tag}] FAILED:`, error);
		process.exit(1);
	});
}

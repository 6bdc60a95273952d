// The opportunities board and signature calendar of /app/crm-board: one controller with its state,
// render_*() methods and server calls. DOM-free parts live in ../logic/*.mjs (tested with node).
// Every value that comes from a record goes through esc() before it reaches the HTML.

import { columnHeader, formatAmount, formatAmountShort, formatDays } from "../logic/formatting.mjs";
import { chartModel, forecastTotals, isEmptyForecast, riskReasons, shortMonthLabel } from "../logic/forecast.mjs";
import {
	appendCards,
	compactValues,
	findCard,
	moveCard,
	quotationBadge,
	removeCard,
	snapshot,
} from "../logic/board.mjs";
import { addMonths, dropMonth, monthLabel, monthOf } from "../logic/months.mjs";
import { bindDragAndDrop } from "../dragdrop.js";
import { addCrmNav } from "../nav.js";
import {
	askAllRequirements,
	forgetAnswers,
	postJSON,
	serverMessage,
} from "../pipeline/requirements_dialog.js";

const API = "crm_portal.api.board.";
const PIPELINE = "crm_portal.api.pipeline.";
const ACTIONS = "crm_portal.api.actions.";
const FORECAST = "crm_portal.api.forecast.";
const FORECAST_MONTHS = 6;
const DOCTYPE = "CRM Opportunity";
const CALENDAR_MONTHS = 4;
const PAGE_LENGTH = 20;
const MAX_REQUIREMENT_ROUNDS = 5;

const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

/** A server call as a promise; rejects with the server's response (exc_type, _server_messages,
 * stage_requirements…). Writes are sent as a JSON body: the pipeline endpoints take `values` as a typed
 * dict, which Frappe's type check refuses when it arrives form-encoded (a JSON string). */
async function call(method, args = {}, { post = false } = {}) {
	if (!post) {
		return new Promise((resolve, reject) => {
			frappe.call({
				method,
				args,
				type: "GET",
				silent: true,
				callback: (r) => resolve(r.message),
				error: (r) => reject(r || {}),
			});
		});
	}
	return postJSON(method, args);
}

function showError(error, title) {
	frappe.msgprint({ title: title || __("Not saved"), message: serverMessage(error), indicator: "red" });
}

/** The view asked for: by the CRM navigation (frappe.route_options) or the address (?view=calendar). */
function viewAsked() {
	const asked = frappe.route_options?.view;
	if (asked) delete frappe.route_options.view;
	const view = asked || frappe.utils.get_query_params().view;
	return ["board", "calendar"].includes(view) ? view : null;
}

export class CrmBoard {
	constructor(wrapper, page) {
		this.wrapper = wrapper;
		this.page = page;
		this.view = viewAsked() || "board";
		this.columns = [];
		this.data = null;
		this.filters = {};
		const today = monthOf(frappe.datetime.get_today());
		this.calendar_first = { year: today.year, month: today.month };
		this.all_portfolios = false;
		this.make();
	}

	// --- layout -----------------------------------------------------------------------------------

	async make() {
		await new Promise((resolve) => frappe.model.with_doctype(DOCTYPE, resolve));
		this.$body = $(`
			<div class="crm-board" data-view="board">
				<div class="crm-board-main">
					<div class="crm-calendar-nav"></div>
					<div class="crm-board-lanes">
						<div class="crm-side-frame crm-drop" data-drop="previous" title="${esc(__("Previous month"))}">‹</div>
						<div class="crm-columns"></div>
						<div class="crm-side-frame crm-drop" data-drop="next" title="${esc(__("Next month"))}">›</div>
					</div>
					<div class="crm-dropzones">
						<div class="crm-dropzone crm-drop won" data-drop="won">${esc(__("Won"))}</div>
						<div class="crm-dropzone crm-drop lost" data-drop="lost">${esc(__("Lost"))}</div>
						<div class="crm-dropzone crm-drop delete" data-drop="delete">${esc(__("Delete"))}</div>
					</div>
				</div>
				<div class="crm-board-side"></div>
			</div>`).appendTo(this.page.main);
		await this.make_toolbar();
		this.bind_drag_and_drop();
		this.setup_realtime();
		this.refresh();
	}

	async make_toolbar() {
		const [portfolios, templates] = await Promise.all([
			frappe.db.get_list("CRM Portfolio", {
				filters: { is_active: 1 },
				fields: ["name", "portfolio_name", "stage_template"],
				limit: 500,
				order_by: "portfolio_name asc",
			}),
			frappe.db.get_list("CRM Stage Template", { fields: ["name"], limit: 500, order_by: "name asc" }),
		]);
		// Select labels are set as HTML by Frappe: escaped.
		const options = portfolios.map((p) => ({ label: esc(p.portfolio_name || p.name), value: `p:${p.name}` }));
		for (const t of templates) {
			options.push({ label: __("Grouping: {0}", [esc(t.name)]), value: `t:${t.name}` });
		}
		const saved = frappe.defaults.get_user_default("crm_board_portfolio");
		const first = options.find((o) => o.value === saved) || options[0];
		this.fields = {};
		this.fields.portfolio = this.page.add_field({
			fieldname: "portfolio",
			label: __("Portfolio"),
			fieldtype: "Select",
			options,
			default: first?.value,
			change: () => {
				frappe.defaults.set_user_default_local("crm_board_portfolio", this.fields.portfolio.get_value());
				this.refresh();
			},
		});
		this.fields.scope = this.page.add_field({
			fieldname: "scope",
			label: __("Salesperson"),
			fieldtype: "Select",
			options: [
				{ label: __("Me"), value: "me" },
				{ label: __("My team (N-1)"), value: "team_n1" },
				{ label: __("My team (N-1) and me"), value: "team_n1_me" },
				{ label: __("My team (all levels)"), value: "team_nn" },
				{ label: __("My team (all levels) and me"), value: "team_nn_me" },
				{ label: __("All"), value: "all" },
			],
			default: "me",
			change: () => this.refresh(),
		});
		this.fields.sort = this.page.add_field({
			fieldname: "sort",
			label: __("Sort"),
			fieldtype: "Select",
			options: [
				{ label: __("Last modified"), value: "modified" },
				{ label: __("Expected signature"), value: "expected_signature_date" },
				{ label: __("Amount"), value: "amount" },
				{ label: __("Opportunity name"), value: "title" },
				{ label: __("Account"), value: "account_name" },
				{ label: __("Created on"), value: "creation" },
			],
			default: "modified",
			change: () => this.refresh(),
		});
		this.fields.search = this.page.add_field({
			fieldname: "search",
			label: __("Search"),
			fieldtype: "Data",
			placeholder: __("Name, account, SIREN, phone, e-mail"),
			change: frappe.utils.debounce(() => this.refresh(), 300),
		});
		this.fields.weighted = this.page.add_field({
			fieldname: "weighted",
			label: __("Weighted amounts"),
			fieldtype: "Check",
			change: () => this.refresh(),
		});
		this.fields.all_portfolios = this.page.add_field({
			fieldname: "all_portfolios",
			label: __("All portfolios"),
			fieldtype: "Check",
			change: () => this.refresh(),
		});
		this.page.add_inner_button(__("Filter"), () => this.open_filters());
		this.view_button = this.page.add_inner_button(__("Signature calendar"), () => this.toggle_view());
		this.page.set_primary_action(__("+ Opportunity"), () => this.quick_create());
		this.update_toolbar();
	}

	update_toolbar() {
		const calendar = this.view === "calendar";
		this.$body.attr("data-view", this.view);
		addCrmNav(this.page, this.view);
		this.view_button?.text(calendar ? __("Kanban") : __("Signature calendar"));
		$(this.fields.all_portfolios.wrapper).toggle(calendar);
		$(this.fields.portfolio.wrapper).toggle(!(calendar && this.fields.all_portfolios.get_value()));
		const can_create = this.data?.can_create !== false;
		this.page.btn_primary.toggle(Boolean(can_create));
		const count = Object.values(this.filters).filter((v) => v !== undefined && v !== "" && v !== null).length;
		this.page.inner_toolbar
			.find("button")
			.filter((_, b) => $(b).text().trim().startsWith(__("Filter")))
			.text(count ? `${__("Filter")} (${count})` : __("Filter"));
	}

	toggle_view() {
		this.set_view(this.view === "board" ? "calendar" : "board");
	}

	set_view(view) {
		this.view = view;
		// the address names the view shown (a reload or a shared link opens the same view)
		const url = new URL(window.location.href);
		url.searchParams.set("view", this.view);
		window.history.replaceState(window.history.state, "", url.pathname + url.search);
		this.refresh();
	}

	on_show() {
		this.view = viewAsked() || this.view; // the workspace's calendar shortcut opens ?view=calendar
		if (this.data) this.refresh();
	}

	// --- state ------------------------------------------------------------------------------------

	board_args() {
		const selected = this.fields.portfolio.get_value() || "";
		const args = {
			scope: this.fields.scope.get_value() || "me",
			weighted: this.fields.weighted.get_value() ? 1 : 0,
			search: this.fields.search.get_value() || "",
			filters: JSON.stringify(this.filters),
		};
		if (this.view === "calendar" && this.fields.all_portfolios.get_value()) {
			args.all_portfolios = 1;
		} else if (selected.startsWith("t:")) {
			args.template = selected.slice(2);
		} else {
			args.portfolio = selected.slice(2);
		}
		return args;
	}

	get weighted() {
		return Boolean(this.fields.weighted.get_value());
	}

	get column_key() {
		return this.view === "calendar" ? "key" : "stage";
	}

	async refresh() {
		if (!this.fields?.portfolio.get_value()) {
			this.$body.find(".crm-columns").html(
				`<div class="text-muted">${esc(__("Create a portfolio first (CRM Portfolio)."))}</div>`
			);
			return;
		}
		const token = (this.refresh_token = (this.refresh_token || 0) + 1);
		try {
			let data;
			if (this.view === "calendar") {
				// the right panel keeps "My signed proposals" in the calendar as on the board
				const [calendar, signed] = await Promise.all([
					call(API + "get_calendar", {
						...this.board_args(),
						year: this.calendar_first.year,
						month: this.calendar_first.month,
						months: CALENDAR_MONTHS,
					}),
					call(API + "get_signed_proposals"),
				]);
				data = { ...calendar, signed: calendar.signed || signed };
			} else {
				data = await call(API + "get_board", {
					...this.board_args(),
					sort: this.fields.sort.get_value() || "modified",
					page_length: PAGE_LENGTH,
				});
			}
			if (token !== this.refresh_token) return;
			this.data = data;
			this.columns = data.columns;
			this.render();
		} catch (error) {
			showError(error, __("The board could not be loaded"));
		}
	}

	// --- rendering --------------------------------------------------------------------------------

	render() {
		this.update_toolbar();
		this.render_calendar_nav();
		this.render_columns();
		this.render_side();
	}

	render_calendar_nav() {
		const $nav = this.$body.find(".crm-calendar-nav");
		if (this.view !== "calendar") return $nav.empty();
		const last = addMonths(this.calendar_first.year, this.calendar_first.month, CALENDAR_MONTHS - 1);
		$nav.html(`
			<button class="btn btn-default btn-sm" data-nav="-1">‹ ${esc(__("Previous"))}</button>
			<button class="btn btn-default btn-sm" data-nav="0">${esc(__("Current month"))}</button>
			<button class="btn btn-default btn-sm" data-nav="1">${esc(__("Next"))} ›</button>
			<span class="crm-calendar-range">${esc(this.month_label(this.calendar_first))} – ${esc(this.month_label(last))}</span>`);
		$nav.find("[data-nav]").on("click", (e) => {
			const step = Number($(e.currentTarget).attr("data-nav"));
			if (step === 0) {
				const today = monthOf(frappe.datetime.get_today());
				this.calendar_first = { year: today.year, month: today.month };
			} else {
				this.calendar_first = addMonths(this.calendar_first.year, this.calendar_first.month, step);
			}
			this.refresh();
		});
	}

	month_label({ year, month }) {
		return monthLabel(year, month, frappe.boot.lang || "en");
	}

	render_columns() {
		const $columns = this.$body.find(".crm-columns").empty();
		for (const column of this.columns) {
			const id = this.view === "calendar" ? column.key ?? "none" : column.stage;
			const title =
				this.view === "calendar"
					? column.key
						? this.month_label(column)
						: __("No date")
					: column.stage_name;
			const $column = $(`
				<div class="crm-column crm-drop" data-drop="${esc(id)}">
					<div class="crm-column-head" ${column.color ? `style="border-top-color:${esc(column.color)}"` : ""}>
						<div class="crm-column-title">${esc(title)}</div>
						<div class="crm-column-figures">${esc(columnHeader(column))}</div>
					</div>
					<div class="crm-column-cards"></div>
				</div>`).appendTo($columns);
			const $cards = $column.find(".crm-column-cards");
			for (const card of column.cards || []) $cards.append(this.card_html(card));
			if (column.has_more) {
				$(`<button class="btn btn-xs btn-default crm-load-more">${esc(__("Load more"))}</button>`)
					.appendTo($column)
					.on("click", () => this.load_more(column));
			}
		}
		$columns.find(".crm-action-state").on("click", (e) => {
			e.preventDefault();
			e.stopPropagation();
			this.open_actions($(e.currentTarget).closest(".crm-card").attr("data-name"));
		});
	}

	card_html(card) {
		const figures = this.weighted
			? { amount: card.weighted_amount, days: card.weighted_days }
			: { amount: card.amount, days: card.days };
		const state = card.next_action_state || "none";
		const state_title = {
			late: __("Next action is late"),
			upcoming: __("Next action planned"),
			none: __("No action planned"),
		}[state];
		const extra = (this.data?.settings?.extra_card_fields || [])
			.filter((df) => card[df.fieldname] !== null && card[df.fieldname] !== undefined && card[df.fieldname] !== "")
			.map((df) => {
				const raw = card[df.fieldname];
				const value = ["Date", "Datetime"].includes(df.fieldtype) ? frappe.format(raw, df) : raw;
				// A name shows as typed; only the HTML of an editor field is reduced to its text.
				const html = ["Text Editor", "HTML Editor", "Markdown Editor"].includes(df.fieldtype);
				return `<div class="crm-card-extra"><span class="text-muted">${esc(df.label)}:</span> ${esc(
					html && frappe.utils.html2text ? frappe.utils.html2text(String(value)) : value
				)}</div>`;
			})
			.join("");
		const tags = (card.tags || []).map((t) => `<span class="crm-tag">${esc(t)}</span>`).join("");
		const salesperson = card.salesperson_name || card.salesperson;
		const risks = riskReasons(card.risk, this.risk_labels());
		const risk_title = risks.join(" · ");
		return `
			<div class="crm-card${risks.length ? " at-risk" : ""}" draggable="true" data-name="${esc(card.name)}">
				${risks.length ? `<span class="crm-risk-flag" title="${esc(risk_title)}" aria-label="${esc(risk_title)}">⚑</span>` : ""}
				<div class="crm-card-account">${esc(card.account_name || card.account)}</div>
				<a class="crm-card-title" href="/app/crm-opportunity/${encodeURIComponent(card.name)}">${esc(card.title)}</a>
				<div class="crm-card-salesperson text-muted">${esc(salesperson)}</div>
				${extra}
				${tags ? `<div class="crm-card-tags">${tags}</div>` : ""}
				<div class="crm-card-footer">
					<button class="crm-action-state ${esc(state)}" title="${esc(state_title)}" aria-label="${esc(state_title)}"></button>
					<span class="crm-card-days">${esc(formatDays(figures.days))}</span>
					<span class="crm-card-amount">${esc(formatAmountShort(figures.amount))}</span>
					${this.quotation_badge_html(card)}
				</div>
			</div>`;
	}

	/** What a card's risk flag says (its title), per code of crm_portal.api.board.decorate. */
	risk_labels() {
		return {
			overdue: __("Expected signature date passed"),
			no_action: __("No recent action"),
			stuck: __("In this stage for longer than usual"),
		};
	}

	/** The card's quotation badge: "D" and its approval state (letter mark, colour, title). */
	quotation_badge_html(card) {
		const badge = quotationBadge(card);
		if (!badge) return "";
		const titles = {
			draft: __("Quotation {0}: draft", [card.quotation]),
			pending: __("Quotation {0}: to be approved", [card.quotation]),
			approved: __("Quotation {0}: approved", [card.quotation]),
			refused: __("Quotation {0}: refused", [card.quotation]),
			none: __("Quotation {0}", [card.quotation]),
		};
		return `<span class="crm-quotation-badge ${esc(badge.key)}" data-state="${esc(badge.state)}" title="${esc(
			titles[badge.key]
		)}" aria-label="${esc(titles[badge.key])}">${esc(badge.text)}</span>`;
	}

	render_side() {
		const $side = this.$body.find(".crm-board-side");
		const summary = this.data.summary || this.summary_of_columns();
		const signed = this.data.signed;
		const figure = (label, value) =>
			`<div class="crm-figure"><div class="crm-figure-value">${esc(value)}</div><div class="text-muted">${esc(label)}</div></div>`;
		let html = `
			<div class="crm-side-block crm-summary">
				${figure(__("Opportunities"), summary.count)}
				${figure(this.weighted ? __("Weighted amount") : __("Amount"), formatAmountShort(summary.amount))}
				${figure(this.weighted ? __("Weighted days") : __("Days"), formatDays(summary.days))}
			</div>`;
		if (signed) {
			const periods = [
				["month", __("Month")],
				["quarter", __("Quarter")],
				["semester", __("Semester")],
				["year", __("Year")],
			];
			html += `
				<div class="crm-side-block crm-signed">
					<div class="crm-side-title">${esc(__("My signed proposals"))}</div>
					${periods
						.map(
							([key, label]) => `<div class="crm-signed-row" data-period="${key}">
								<span>${esc(label)}</span>
								<span>${esc(formatAmountShort(signed[key]?.amount))} - ${esc(formatDays(signed[key]?.days))} (${esc(signed[key]?.count ?? 0)})</span>
							</div>`
						)
						.join("")}
				</div>`;
		}
		if (this.view === "board") {
			html += `<div class="crm-side-block crm-forecast"></div>`;
			html += `
				<div class="crm-side-block crm-archives">
					<div class="crm-side-title">${esc(__("Archives"))}</div>
					<button class="btn btn-xs btn-default" data-archive="Won">${esc(__("Won opportunities"))}</button>
					<button class="btn btn-xs btn-default" data-archive="Lost">${esc(__("Lost opportunities"))}</button>
				</div>`;
		}
		$side.html(html);
		$side.find("[data-archive]").on("click", (e) => this.open_archives($(e.currentTarget).attr("data-archive")));
		if (this.view === "board") this.load_forecast();
	}

	// --- signature forecast (right-hand panel) -----------------------------------------------------

	/** The forecast of the portfolio (or template grouping) shown, for the scope chosen; drawn when it
	 * arrives (the board does not wait for it). */
	async load_forecast() {
		const $block = this.$body.find(".crm-forecast");
		const { portfolio, template, scope } = this.board_args();
		const token = (this.forecast_token = (this.forecast_token || 0) + 1);
		$block.html(this.forecast_frame(`<div class="text-muted small">${esc(__("Loading…"))}</div>`));
		try {
			const forecast = await call(FORECAST + "get_forecast", {
				...(template ? { template } : { portfolio }),
				scope,
				months: FORECAST_MONTHS,
			});
			if (token !== this.forecast_token) return;
			this.forecast = forecast;
			this.$body.find(".crm-forecast").html(this.forecast_frame(this.forecast_html(forecast)));
		} catch (error) {
			if (token !== this.forecast_token) return;
			this.$body
				.find(".crm-forecast")
				.html(this.forecast_frame(`<div class="text-muted small">${esc(serverMessage(error) || __("The forecast could not be loaded"))}</div>`));
		}
	}

	forecast_frame(inner) {
		const report = `/app/query-report/${encodeURIComponent("Signature Forecast")}`;
		return `
			<div class="crm-side-title">
				${esc(__("Signature forecast"))}
				<a class="crm-forecast-report small" href="${report}">${esc(__("Report"))}</a>
			</div>
			${inner}`;
	}

	forecast_html(forecast) {
		const months = forecast?.months || [];
		if (isEmptyForecast(months)) {
			return `<div class="text-muted small">${esc(__("No open deal expected to be signed in the next months."))}</div>`;
		}
		const symbol = forecast.currency ? get_currency_symbol(forecast.currency) || "€" : "€";
		const lang = frappe.boot.lang || "fr";
		const model = chartModel(months, { width: 220, height: 110, bottom: 16, gap: 6 });
		const amount = (value) => formatAmountShort(value, symbol);
		const groups = model.groups
			.map((g) => {
				const label = shortMonthLabel(g.month, lang);
				const title = __("{0}: expected {1} (P10 {2} – P90 {3}), signed {4}", [
					label,
					amount(g.expected),
					amount(g.low),
					amount(g.high),
					amount(g.signed),
				]);
				const w = g.whisker;
				const cap = Math.min(6, g.expectedBar.width);
				return `<g class="crm-forecast-month" data-month="${esc(g.month)}">
					<title>${esc(title)}</title>
					<rect class="signed" x="${g.signedBar.x}" y="${g.signedBar.y}" width="${g.signedBar.width}" height="${g.signedBar.height}"></rect>
					<rect class="expected" x="${g.expectedBar.x}" y="${g.expectedBar.y}" width="${g.expectedBar.width}" height="${g.expectedBar.height}"></rect>
					<line class="range" x1="${w.x}" x2="${w.x}" y1="${w.y1}" y2="${w.y2}"></line>
					<line class="range" x1="${w.x - cap / 2}" x2="${w.x + cap / 2}" y1="${w.y1}" y2="${w.y1}"></line>
					<line class="range" x1="${w.x - cap / 2}" x2="${w.x + cap / 2}" y1="${w.y2}" y2="${w.y2}"></line>
					<text x="${g.center}" y="${model.height - 3}" text-anchor="middle">${esc(label)}</text>
				</g>`;
			})
			.join("");
		const totals = forecastTotals(months);
		const rows = model.groups
			.map(
				(g) => `<div class="crm-forecast-row" data-month="${esc(g.month)}">
					<span>${esc(shortMonthLabel(g.month, lang))}</span>
					<span class="crm-forecast-expected">${esc(amount(g.expected))}</span>
					<span class="text-muted">${esc(amount(g.low))}–${esc(amount(g.high))}</span>
				</div>`
			)
			.join("");
		return `
			<svg class="crm-forecast-chart" viewBox="0 0 ${model.width} ${model.height}" role="img"
				aria-label="${esc(__("Signature forecast"))}">${groups}</svg>
			<div class="crm-forecast-legend small">
				<span><i class="signed"></i>${esc(__("Signed"))}</span>
				<span><i class="expected"></i>${esc(__("Expected"))}</span>
				<span><i class="range"></i>${esc(__("P10–P90"))}</span>
			</div>
			<div class="crm-forecast-rows small">${rows}</div>
			<div class="crm-forecast-total small">
				<span>${esc(__("Expected over {0} months", [months.length]))}</span>
				<b title="${esc(formatAmount(totals.expected, symbol))}">${esc(amount(totals.expected))}</b>
			</div>`;
	}

	summary_of_columns() {
		return this.columns.reduce(
			(s, c) => ({ count: s.count + (c.count || 0), amount: s.amount + (c.amount || 0), days: s.days + (c.days || 0) }),
			{ count: 0, amount: 0, days: 0 }
		);
	}

	async load_more(column) {
		try {
			const cards = await call(API + "get_column_cards", {
				...this.board_args(),
				stage: column.stage,
				sort: this.fields.sort.get_value() || "modified",
				start: column.cards.length,
				page_length: PAGE_LENGTH,
			});
			this.columns = appendCards(this.columns, column.stage, cards);
			this.render_columns();
		} catch (error) {
			showError(error);
		}
	}

	// --- drag and drop ----------------------------------------------------------------------------

	bind_drag_and_drop() {
		bindDragAndDrop(this.$body, {
			item: ".crm-card",
			zone: ".crm-drop",
			zoneAttr: "data-drop",
			onDrop: (name, target) => this.on_drop(name, target),
		});
	}

	on_drop(name, target) {
		if (this.view === "calendar") return this.move_to_month(name, target);
		if (target === "won") return this.mark_won(name);
		if (target === "lost") return this.mark_lost(name);
		if (target === "delete") return this.delete_opportunity(name);
		return this.move_to_stage(name, target);
	}

	/** Move, asking for the fields the crossed stages require (one dialog per stage, in order); the
	 * card goes back where it was when the user cancels or the server refuses. */
	async move_to_stage(name, stage, initial = {}, { optimistic = true } = {}) {
		const found = findCard(this.columns, name);
		if (!found || found.column === stage) return;
		const before = snapshot(this.columns);
		if (optimistic) {
			this.columns = moveCard(this.columns, name, stage, { weighted: this.weighted });
			this.render_columns();
		}
		let values = initial;
		for (let round = 0; round < MAX_REQUIREMENT_ROUNDS; round++) {
			try {
				await call(
					PIPELINE + "move_to_stage",
					{ opportunity: name, stage, values: compactValues(values), modified: found.card.modified },
					{ post: true }
				);
				forgetAnswers(name);
				frappe.show_alert({ message: __("Opportunity moved"), indicator: "green" });
				this.refresh();
				return true;
			} catch (error) {
				if (!error.stage_requirements?.length) {
					this.restore(before);
					showError(error);
					return false;
				}
				// the answers given before a cancel are kept: the next drag opens the dialogs prefilled
				const answer = await askAllRequirements(error.stage_requirements, found.card.title, values, name);
				if (!answer) {
					this.restore(before);
					return false;
				}
				values = answer;
			}
		}
		this.restore(before);
		return false;
	}

	restore(columns) {
		this.columns = columns;
		this.render_columns();
	}

	// --- won / lost / delete ----------------------------------------------------------------------

	closed_stages(type) {
		return (this.data?.closed_stages || []).filter((s) => s.stage_type === type);
	}

	mark_won(name) {
		const found = findCard(this.columns, name);
		if (!found) return;
		const stages = this.closed_stages("Won");
		if (!stages.length) return frappe.msgprint(__("This template has no Won stage."));
		const dialog = new frappe.ui.Dialog({
			title: __("Won: {0}", [esc(found.card.title)]),
			fields: [
				{
					fieldname: "stage",
					label: __("Stage"),
					fieldtype: "Select",
					options: stages.map((s) => ({ label: esc(s.stage_name), value: s.name })),
					default: stages[0].name,
					reqd: 1,
				},
				{ fieldname: "signed_on", label: __("Signed On"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
			],
			primary_action_label: __("Mark as won"),
			secondary_action_label: __("Cancel"),
			secondary_action: () => dialog.hide(),
			primary_action: async (values) => {
				dialog.hide();
				const before = snapshot(this.columns);
				this.columns = removeCard(this.columns, name, { weighted: this.weighted });
				this.render_columns();
				this.columns = before;
				const ok = await this.move_to_stage(name, values.stage, { opportunity: { signed_on: values.signed_on } }, { optimistic: false });
				if (!ok) this.restore(before);
			},
		});
		dialog.$wrapper.addClass("crm-won-dialog");
		dialog.show();
	}

	mark_lost(name) {
		const found = findCard(this.columns, name);
		if (!found) return;
		const dialog = new frappe.ui.Dialog({
			title: __("Lost: {0}", [esc(found.card.title)]),
			fields: [
				{ fieldname: "lost_reason", label: __("Lost Reason"), fieldtype: "Link", options: "Opportunity Lost Reason", reqd: 1 },
				{ fieldname: "lost_on", label: __("Lost On"), fieldtype: "Date", default: frappe.datetime.get_today(), reqd: 1 },
				{ fieldname: "comment", label: __("Comment"), fieldtype: "Small Text" },
			],
			primary_action_label: __("Mark as lost"),
			secondary_action_label: __("Cancel"),
			secondary_action: () => dialog.hide(),
			primary_action: async (values) => {
				dialog.hide();
				const before = snapshot(this.columns);
				this.columns = removeCard(this.columns, name, { weighted: this.weighted });
				this.render_columns();
				try {
					await call(PIPELINE + "mark_lost", { opportunity: name, modified: found.card.modified, ...values }, { post: true });
					frappe.show_alert({ message: __("Opportunity marked as lost"), indicator: "orange" });
					this.refresh();
				} catch (error) {
					this.restore(before);
					showError(error);
				}
			},
		});
		dialog.$wrapper.addClass("crm-lost-dialog").data("dialog", dialog);
		dialog.show();
	}

	delete_opportunity(name) {
		const found = findCard(this.columns, name);
		if (!found) return;
		frappe.confirm(__("Delete the opportunity {0}? Its account and contacts are kept.", [esc(found.card.title)]), async () => {
			const before = snapshot(this.columns);
			this.columns = removeCard(this.columns, name, { weighted: this.weighted });
			this.render_columns();
			try {
				await call("frappe.client.delete", { doctype: DOCTYPE, name }, { post: true });
				frappe.show_alert({ message: __("Opportunity deleted"), indicator: "green" });
				this.refresh();
			} catch (error) {
				this.restore(before);
				showError(error, __("Not deleted"));
			}
		});
	}

	// --- calendar ---------------------------------------------------------------------------------

	async move_to_month(name, target) {
		const found = findCard(this.columns, name, "key");
		if (!found) return;
		const month = dropMonth(target, this.calendar_first, CALENDAR_MONTHS);
		const key = month ? `${String(month.year).padStart(4, "0")}-${String(month.month).padStart(2, "0")}` : null;
		if (key === found.column) return;
		const before = snapshot(this.columns);
		if (this.columns.some((c) => c.key === key)) {
			this.columns = moveCard(this.columns, name, key, { key: "key", weighted: this.weighted });
		} else {
			this.columns = removeCard(this.columns, name, { key: "key", weighted: this.weighted });
		}
		this.render_columns();
		try {
			const args = { opportunity: name, modified: found.card.modified };
			if (month) Object.assign(args, month);
			const result = await call(API + "move_to_month", args, { post: true });
			frappe.show_alert({
				message: result.expected_signature_date
					? __("Expected signature: {0}", [frappe.datetime.str_to_user(result.expected_signature_date)])
					: __("Expected signature date removed"),
				indicator: "green",
			});
			this.refresh();
		} catch (error) {
			this.restore(before);
			showError(error);
		}
	}

	// --- dialogs ----------------------------------------------------------------------------------

	open_filters() {
		const f = this.filters;
		const dialog = new frappe.ui.Dialog({
			title: __("Filter"),
			fields: [
				{ fieldname: "tags", label: __("Tags"), fieldtype: "Data", description: __("Separated by commas"), default: (f.tags || []).join(", ") },
				{ fieldname: "signature_from", label: __("Expected signature from"), fieldtype: "Date", default: f.signature_from },
				{ fieldname: "signature_to", label: __("Expected signature to"), fieldtype: "Date", default: f.signature_to },
				{ fieldtype: "Column Break" },
				{ fieldname: "amount_min", label: __("Minimum amount"), fieldtype: "Currency", default: f.amount_min },
				{ fieldname: "amount_max", label: __("Maximum amount"), fieldtype: "Currency", default: f.amount_max },
				{
					fieldname: "has_quotation",
					label: __("Quotation"),
					fieldtype: "Select",
					options: [
						{ label: "", value: "" },
						{ label: __("With a quotation"), value: "1" },
						{ label: __("Without a quotation"), value: "0" },
					],
					default: f.has_quotation ?? "",
				},
				{
					fieldname: "next_action",
					label: __("Next action"),
					fieldtype: "Select",
					options: [
						{ label: "", value: "" },
						{ label: __("Late"), value: "late" },
						{ label: __("Planned"), value: "upcoming" },
						{ label: __("None"), value: "none" },
					],
					default: f.next_action || "",
				},
			],
			primary_action_label: __("Apply"),
			primary_action: (values) => {
				const filters = {};
				const tags = (values.tags || "").split(",").map((t) => t.trim()).filter(Boolean);
				if (tags.length) filters.tags = tags;
				for (const key of ["signature_from", "signature_to", "next_action", "has_quotation"]) {
					if (values[key]) filters[key] = values[key];
				}
				for (const key of ["amount_min", "amount_max"]) {
					if (values[key]) filters[key] = values[key];
				}
				this.filters = filters;
				dialog.hide();
				this.refresh();
			},
			secondary_action_label: __("Clear"),
			secondary_action: () => {
				this.filters = {};
				dialog.hide();
				this.refresh();
			},
		});
		dialog.show();
	}

	async quick_create() {
		const args = this.board_args();
		if (!args.portfolio) return frappe.msgprint(__("Choose one portfolio to create an opportunity."));
		const settings = this.data?.settings || {};
		const template = this.data?.template;
		const fields = [
			{ fieldname: "title", label: __("Opportunity name"), fieldtype: "Data", reqd: 1 },
			{
				fieldname: "account_type",
				label: __("Account type"),
				fieldtype: "Select",
				options: [
					{ label: __("Customer"), value: "Customer" },
					{ label: __("Prospect"), value: "CRM Prospect" },
				],
				default: "Customer",
				depends_on: "eval:!doc.new_prospect",
			},
			{
				fieldname: "account",
				label: __("Account"),
				fieldtype: "Dynamic Link",
				options: "account_type",
				depends_on: "eval:!doc.new_prospect",
				mandatory_depends_on: "eval:!doc.new_prospect",
			},
		];
		if (settings?.allow_quick_account_creation) {
			fields.push(
				{ fieldname: "new_prospect", label: __("New prospect"), fieldtype: "Check" },
				{
					fieldname: "prospect_name",
					label: __("Prospect name"),
					fieldtype: "Data",
					depends_on: "eval:doc.new_prospect",
					mandatory_depends_on: "eval:doc.new_prospect",
				},
				{
					fieldname: "siren",
					label: __("SIREN"),
					fieldtype: "Data",
					depends_on: "eval:doc.new_prospect",
					// a SIREN typed: the company is registered; none: it is being registered
					change: () => {
						const pending = settings.registration_pending;
						const legal = dialog.get_value("legal_form");
						if (dialog.get_value("siren") && legal === pending) dialog.set_value("legal_form", "");
						if (!dialog.get_value("siren") && !legal) dialog.set_value("legal_form", pending);
					},
				},
				{
					fieldname: "legal_form",
					label: __("Legal form"),
					fieldtype: "Select",
					options: ["", ...(settings.legal_forms || [])].map((f) => ({ label: __(f), value: f })),
					default: settings.registration_pending,
					depends_on: "eval:doc.new_prospect",
					description: __("Without a SIREN yet, the prospect is a draft being registered; add the SIREN later."),
				}
			);
		}
		fields.push(
			{
				fieldname: "contact",
				label: __("Contact"),
				fieldtype: "Link",
				options: "Contact",
				depends_on: "eval:!doc.new_prospect && doc.account",
				get_query: () => ({
					query: "frappe.contacts.doctype.contact.contact.contact_query",
					filters: { link_doctype: dialog.get_value("account_type"), link_name: dialog.get_value("account") },
				}),
			},
			{ fieldtype: "Column Break" },
			{ fieldname: "amount", label: __("Amount"), fieldtype: "Currency", options: "currency" },
			{ fieldname: "currency", label: __("Currency"), fieldtype: "Link", options: "Currency", default: settings?.default_currency || "EUR" },
			{ fieldname: "days", label: __("Days"), fieldtype: "Float" },
			{ fieldname: "expected_signature_date", label: __("Expected signature"), fieldtype: "Date" },
			{ fieldname: "portfolio", label: __("Portfolio"), fieldtype: "Link", options: "CRM Portfolio", default: args.portfolio, reqd: 1 }
		);
		if (settings?.allow_default_stage_override) {
			fields.push({
				fieldname: "stage",
				label: __("Stage"),
				fieldtype: "Link",
				options: "CRM Stage",
				get_query: () => ({ filters: { stage_template: template, stage_type: "Open" } }),
			});
		}
		const dialog = new frappe.ui.Dialog({
			title: __("New opportunity"),
			size: "large",
			fields,
			primary_action_label: __("Create"),
			primary_action: async (v) => {
				const payload = {
					portfolio: v.portfolio,
					title: v.title,
					amount: v.amount || 0,
					days: v.days || 0,
					expected_signature_date: v.expected_signature_date || null,
					stage: v.stage || null,
					values: v.currency ? { opportunity: { currency: v.currency } } : {},
				};
				if (v.new_prospect) {
					payload.account = null;
					payload.account_values = {
						call_name: v.prospect_name,
						...(v.siren ? { siren: v.siren } : {}),
						...(v.legal_form ? { legal_form: v.legal_form } : {}),
					};
				} else {
					Object.assign(payload, { account_type: v.account_type, account: v.account, contact: v.contact || null });
				}
				try {
					const created = await call(PIPELINE + "quick_create", payload, { post: true });
					dialog.hide();
					frappe.show_alert({ message: __("Opportunity {0} created", [esc(created.title)]), indicator: "green" });
					this.refresh();
				} catch (error) {
					showError(error, __("Not created"));
				}
			},
		});
		dialog.$wrapper.addClass("crm-quick-create-dialog").data("dialog", dialog);
		dialog.show();
	}

	async open_actions(name) {
		const found = findCard(this.columns, name, this.column_key);
		let data;
		try {
			data = await call(ACTIONS + "get_opportunity_actions", { opportunity: name });
		} catch (error) {
			return showError(error, __("Actions"));
		}
		const rows = (data.actions || [])
			.map(
				(a) => `<tr data-action="${esc(a.name)}" data-modified="${esc(a.modified)}">
					<td><span class="crm-bucket ${esc(a.bucket)}"></span>${esc(frappe.datetime.str_to_user(a.start))}</td>
					<td>${esc(a.action_type)}</td><td>${esc(a.subject)}</td>
					<td class="crm-action-buttons">
						<button class="btn btn-xs btn-default crm-action-done">${esc(__("Done"))}</button>
						<button class="btn btn-xs btn-default crm-action-postpone" data-to="tomorrow">${esc(__("Tomorrow"))}</button>
						<button class="btn btn-xs btn-default crm-action-postpone" data-to="next_week">${esc(__("Next week"))}</button>
						<button class="btn btn-xs btn-default crm-action-reassign">${esc(__("Reassign"))}</button>
						<a class="btn btn-xs btn-link crm-action-open" href="/app/crm-action/${encodeURIComponent(a.name)}">${esc(__("Open the action"))}</a>
					</td>
				</tr>`
			)
			.join("");
		const dialog = new frappe.ui.Dialog({
			title: __("Actions: {0}", [esc(found?.card.title || name)]),
			size: "large",
			fields: [
				// Filled once the dialog is made: Frappe renders an HTML field's `options` as a template, so a
				// subject holding "{{ … }}" would run there.
				{ fieldtype: "HTML", fieldname: "list" },
				{ fieldtype: "Section Break", label: __("New action") },
				{ fieldname: "action_type", label: __("Type"), fieldtype: "Link", options: "CRM Action Type" },
				{ fieldname: "subject", label: __("Subject"), fieldtype: "Data" },
				{ fieldtype: "Column Break" },
				{ fieldname: "start", label: __("Start"), fieldtype: "Datetime", default: frappe.datetime.now_datetime() },
			],
			primary_action_label: __("Add action"),
			primary_action: async (v) => {
				if (!v.action_type) return frappe.msgprint(__("Choose the type of the action"));
				try {
					await call(ACTIONS + "create_action", { opportunity: name, action_type: v.action_type, subject: v.subject, start: v.start }, { post: true });
					dialog.hide();
					frappe.show_alert({ message: __("Action added"), indicator: "green" });
					this.refresh();
				} catch (error) {
					showError(error);
				}
			},
		});
		dialog.fields_dict.list.$wrapper.html(
			rows
				? `<table class="table table-sm crm-actions-table"><tbody>${rows}</tbody></table>`
				: `<p class="text-muted">${esc(__("No action planned"))}</p>`
		);
		dialog.$wrapper.addClass("crm-actions-dialog").data("dialog", dialog);
		dialog.$wrapper.find(".crm-action-done").on("click", async (e) => {
			const $row = $(e.currentTarget).closest("tr");
			try {
				await call(ACTIONS + "mark_done", { name: $row.attr("data-action"), modified: $row.attr("data-modified") }, { post: true });
				$row.remove();
				frappe.show_alert({ message: __("Action done"), indicator: "green" });
				this.refresh();
			} catch (error) {
				showError(error);
			}
		});
		// postpone / reassign from the board, as the actions page does; the list is read again afterwards
		const reopen = () => {
			dialog.hide();
			this.refresh();
			this.open_actions(name);
		};
		dialog.$wrapper.find(".crm-action-postpone").on("click", async (e) => {
			const $row = $(e.currentTarget).closest("tr");
			try {
				await call(
					ACTIONS + "postpone",
					{ name: $row.attr("data-action"), to: $(e.currentTarget).attr("data-to"), modified: $row.attr("data-modified") },
					{ post: true }
				);
				frappe.show_alert({ message: __("Action postponed"), indicator: "green" });
				reopen();
			} catch (error) {
				showError(error);
			}
		});
		dialog.$wrapper.find(".crm-action-reassign").on("click", (e) => {
			const $row = $(e.currentTarget).closest("tr");
			frappe.prompt(
				[{ fieldname: "user", label: __("Assign to"), fieldtype: "Link", options: "User", reqd: 1 }],
				async ({ user }) => {
					try {
						await call(
							ACTIONS + "reassign",
							{ name: $row.attr("data-action"), user, modified: $row.attr("data-modified") },
							{ post: true }
						);
						frappe.show_alert({ message: __("Action reassigned"), indicator: "green" });
						reopen();
					} catch (error) {
						showError(error);
					}
				},
				__("Reassign"),
				__("Reassign")
			);
		});
		dialog.show();
	}

	open_archives(status) {
		const dialog = new frappe.ui.Dialog({
			title: status === "Won" ? __("Won opportunities") : __("Lost opportunities"),
			size: "large",
			fields: [
				{ fieldname: "search", label: __("Search"), fieldtype: "Data", change: () => load() },
				{ fieldname: "list", fieldtype: "HTML" },
			],
		});
		const load = async () => {
			let rows = [];
			try {
				rows = await call(API + "get_archives", {
					...this.board_args(),
					status,
					search: dialog.get_value("search") || "",
					page_length: 50,
				});
			} catch (error) {
				return showError(error);
			}
			const html = rows.length
				? `<table class="table table-sm crm-archives-table"><thead><tr>
						<th>${esc(__("Account"))}</th>
						<th>${esc(__("Opportunity"))}</th>
						<th>${esc(status === "Won" ? __("Signed On") : __("Lost On"))}</th>
						<th>${esc(status === "Lost" ? __("Lost Reason") : "")}</th>
						<th>${esc(__("Amount"))}</th>
						<th></th>
					</tr></thead><tbody>${rows
						.map(
							(r) => `<tr data-name="${esc(r.name)}">
								<td>${esc(r.account_name || r.account)}</td>
								<td><a href="/app/crm-opportunity/${encodeURIComponent(r.name)}">${esc(r.title)}</a></td>
								<td>${esc(frappe.datetime.str_to_user(status === "Won" ? r.signed_on : r.lost_on))}</td>
								<td>${esc(status === "Lost" ? r.lost_reason : "")}</td>
								<td>${esc(formatAmountShort(r.amount))}</td>
								<td><button class="btn btn-xs btn-default crm-reuse">${esc(__("Reuse"))}</button></td>
							</tr>`
						)
						.join("")}</tbody></table>`
				: `<p class="text-muted">${esc(__("Nothing here yet"))}</p>`;
			dialog.fields_dict.list.$wrapper.html(html);
			dialog.fields_dict.list.$wrapper.find(".crm-reuse").on("click", (e) => {
				this.reuse($(e.currentTarget).closest("tr").attr("data-name"), dialog);
			});
		};
		dialog.show();
		load();
	}

	reuse(name, parent) {
		const args = this.board_args();
		frappe.prompt(
			[{ fieldname: "portfolio", label: __("Portfolio"), fieldtype: "Link", options: "CRM Portfolio", default: args.portfolio, reqd: 1 }],
			async (v) => {
				try {
					const created = await call(PIPELINE + "reuse", { opportunity: name, portfolio: v.portfolio }, { post: true });
					parent?.hide();
					frappe.show_alert({ message: __("Opportunity {0} created", [esc(created.name)]), indicator: "green" });
					this.refresh();
				} catch (error) {
					showError(error);
				}
			},
			__("Reuse in which portfolio?"),
			__("Reuse")
		);
	}

	// --- live updates -----------------------------------------------------------------------------

	setup_realtime() {
		if (!frappe.realtime) return;
		const refresh = frappe.utils.debounce(() => {
			if (frappe.get_route_str() === "crm-board") this.refresh();
		}, 800);
		frappe.realtime.doctype_subscribe(DOCTYPE);
		frappe.realtime.off("crm_board_update");
		frappe.realtime.on("crm_board_update", (data) => {
			if (!data || data.user === frappe.session.user) return;
			refresh();
		});
	}
}

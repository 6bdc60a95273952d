// The accounts & contacts menu of /app/crm-accounts: search as you type with the search API's rules
// ("starts with"; * and % as wildcards; the settings' minimum of characters), prospects, customers and
// contacts with their status, and "Create a prospect". DOM-free parts live in ../logic/accounts.mjs.
// Every value that comes from a record goes through esc() before it reaches the HTML.

import { resultRows, searchRunner, significantLength } from "../logic/accounts.mjs";

const API = "crm_portal.api.accounts.";

const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

export class CrmAccounts {
	constructor(wrapper, page) {
		this.wrapper = wrapper;
		this.page = page;
		this.min_chars = 3;
		this.make();
	}

	async make() {
		this.$body = $(`
			<div class="crm-accounts">
				<div class="crm-accounts-bar">
					<input type="search" class="form-control crm-accounts-search" autocomplete="off"
						placeholder="${esc(__("Search an account or a contact"))}" aria-label="${esc(__("Search"))}">
				</div>
				<div class="crm-accounts-hint text-muted"></div>
				<div class="crm-accounts-results"></div>
			</div>`).appendTo(this.page.main);
		this.page.set_primary_action(__("Create a prospect"), () => this.create_prospect(), "add");
		try {
			const value = await frappe.db.get_single_value("CRM Portal Settings", "min_search_chars");
			if (value !== null && value !== undefined) this.min_chars = Number(value) || 0;
		} catch (error) {
			// keep the default; the server applies the real minimum anyway
		}
		this.run = searchRunner({
			minChars: this.min_chars,
			search: (query) => frappe.xcall(`${API}search`, { query }),
			onResult: (query, answer) => this.render(query, answer),
			onShort: (query) => this.render_short(query),
			onError: () => this.$body.find(".crm-accounts-results").empty(),
		});
		const $input = this.$body.find(".crm-accounts-search");
		$input.on("input", () => this.run($input.val()));
		this.render_short("");
		$input.trigger("focus");
	}

	on_show() {
		this.$body?.find(".crm-accounts-search").trigger("focus");
	}

	render_short(query) {
		this.$body.find(".crm-accounts-results").empty();
		this.$body
			.find(".crm-accounts-hint")
			.text(
				__("Type at least {0} characters. The search matches the beginning; use * or % for any characters.", [
					Math.max(this.min_chars, 1),
				])
			);
		this.last_query = query;
	}

	render(query, answer) {
		if (answer?.too_short) {
			this.min_chars = answer.min_chars || this.min_chars;
			this.run.setMinChars(this.min_chars);
			return this.render_short(query);
		}
		const rows = resultRows(answer);
		this.$body
			.find(".crm-accounts-hint")
			.text(rows.length ? __("{0} results", [rows.length]) : __("Nothing found for {0}", [query.trim()]));
		this.$body.find(".crm-accounts-results").html(rows.map((row) => this.row_html(row)).join(""));
	}

	row_html(row) {
		const links = row.links.length
			? `<div class="crm-account-links">${row.links
					.map((link) => `<a href="${esc(link.route)}" class="${link.closed ? "text-muted" : ""}">${esc(link.title)}</a>`)
					.join(", ")}</div>`
			: "";
		return `<div class="crm-account-row" data-doctype="${esc(row.doctype)}" data-name="${esc(row.name)}">
			<div class="crm-account-main">
				<a class="crm-account-title" href="${esc(row.route)}">${esc(row.title)}</a>
				<span class="indicator-pill ${esc(row.color)} crm-account-status">${esc(__(row.status))}</span>
			</div>
			<div class="crm-account-details text-muted">${esc(row.details)}</div>
			${links}
		</div>`;
	}

	create_prospect() {
		const typed = this.$body.find(".crm-accounts-search").val() || "";
		const dialog = new frappe.ui.Dialog({
			title: __("Create a prospect"),
			fields: [
				{
					fieldname: "call_name",
					fieldtype: "Data",
					label: __("Call Name"),
					reqd: 1,
					default: significantLength(typed) && !/^\d+$/.test(typed.replace(/\s/g, "")) ? typed.replace(/[*%]/g, "").trim() : "",
				},
				{ fieldname: "legal_name", fieldtype: "Data", label: __("Legal Name") },
				{ fieldname: "siret", fieldtype: "Data", label: __("SIRET") },
			],
			primary_action_label: __("Create"),
			primary_action: async (values) => {
				const clean = Object.fromEntries(Object.entries(values).filter(([, v]) => v));
				try {
					const prospect = await frappe.xcall(`${API}create_prospect`, { values: clean });
					dialog.hide();
					frappe.show_alert({ message: __("Prospect created"), indicator: "green" });
					frappe.set_route("Form", "CRM Prospect", prospect.name);
				} catch (error) {
					// Frappe has shown the server's message; the dialog stays open
				}
			},
		});
		dialog.$wrapper.addClass("crm-create-prospect-dialog");
		dialog.show();
	}
}

// The actions menu of /app/crm-actions: "assigned to", bucket tabs with counts, quick creation, sort,
// search, "Filter" (types, done ones), tiles with a done checkbox, and drag zones (complete, complete and
// create the next one, delete, postpone, reassign). DOM-free parts live in ../logic/actions.mjs.
// Every value that comes from a record goes through esc() before it reaches the HTML.

import {
	bucketTabs,
	DROP_ZONES,
	dropAsk,
	dropCall,
	scopeOptions,
	SORTS,
	tileView,
} from "../logic/actions.mjs";
import { bindDragAndDrop } from "../dragdrop.js";

const API = "crm_portal.api.actions.";
const PAGE_LENGTH = 50;

const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
const t = (text, args) => __(text, args);

export class CrmActions {
	constructor(wrapper, page) {
		this.wrapper = wrapper;
		this.page = page;
		this.bucket = frappe.defaults.get_user_default("crm_actions_bucket") || "late";
		this.types = [];
		this.filter_types = [];
		this.include_done = false;
		this.rows = [];
		this.counts = {};
		this.loading = 0;
		this.make();
	}

	// --- layout -----------------------------------------------------------------------------------

	async make() {
		this.$body = $(`
			<div class="crm-actions">
				<div class="crm-actions-tabs" role="tablist"></div>
				<div class="crm-actions-create">
					<select class="form-control input-sm crm-create-type" aria-label="${esc(__("Type"))}"></select>
					<input type="text" class="form-control input-sm crm-create-subject" maxlength="140"
						placeholder="${esc(__("Subject"))}" aria-label="${esc(__("Subject"))}">
					<div class="crm-create-start"></div>
					<button class="btn btn-primary btn-sm crm-create-add">${esc(__("Add"))}</button>
				</div>
				<div class="crm-actions-layout">
					<div class="crm-actions-main">
						<div class="crm-actions-list"></div>
						<div class="crm-actions-more hidden">
							<button class="btn btn-default btn-sm">${esc(__("Load more"))}</button>
						</div>
					</div>
					<div class="crm-actions-zones">
						<div class="crm-zones-title">${esc(__("Drag an action here"))}</div>
						${DROP_ZONES.map(
							(zone) =>
								`<div class="crm-action-zone crm-drop ${esc(zone.group || zone.key)}" data-zone="${esc(zone.key)}">${esc(
									__(zone.label)
								)}</div>`
						).join("")}
					</div>
				</div>
			</div>`).appendTo(this.page.main);
		await this.load_types();
		this.make_toolbar();
		this.bind_events();
		this.reset_create_line();
		this.refresh();
	}

	async load_types() {
		this.types = await frappe.db.get_list("CRM Action Type", {
			filters: { disabled: 0 },
			fields: ["name", "nature"],
			order_by: "name asc",
			limit: 200,
		});
		const options = this.types
			.map((type) => `<option value="${esc(type.name)}">${esc(type.name)} (${esc(__(type.nature || ""))})</option>`)
			.join("");
		this.$body.find(".crm-create-type").html(options);
	}

	make_toolbar() {
		this.fields = {};
		this.fields.scope = this.page.add_field({
			fieldname: "scope",
			label: __("Assigned to"),
			fieldtype: "Select",
			options: scopeOptions([], t),
			default: "me",
			change: () => {
				if (this.fields.scope.get_value() !== "user") this.fields.user?.set_value("");
				this.refresh();
			},
		});
		this.fields.user = this.page.add_field({
			fieldname: "user",
			label: __("A user"),
			fieldtype: "Link",
			options: "User",
			change: () => this.refresh(),
		});
		this.fields.sort = this.page.add_field({
			fieldname: "sort",
			label: __("Sort"),
			fieldtype: "Select",
			options: SORTS.map((s) => ({ value: s.value, label: __(s.label) })),
			default: "date",
			change: () => this.refresh(),
		});
		this.fields.search = this.page.add_field({
			fieldname: "search",
			label: __("Search"),
			fieldtype: "Data",
			change: frappe.utils.debounce(() => this.refresh(), 300),
		});
		this.page.set_secondary_action(__("Filter"), () => this.show_filter_dialog(), "filter");
		this.page.set_primary_action(__("Refresh"), () => this.refresh(), "refresh");
	}

	/** "Filtrer": the action types to show (none ticked: all) and whether done actions are included. */
	show_filter_dialog() {
		const dialog = new frappe.ui.Dialog({
			title: __("Filter"),
			fields: [
				{
					fieldname: "action_types",
					fieldtype: "MultiCheck",
					label: __("Action types"),
					columns: 2,
					options: this.types.map((type) => ({
						label: type.name,
						value: type.name,
						checked: this.filter_types.includes(type.name),
					})),
				},
				{
					fieldname: "include_done",
					fieldtype: "Check",
					label: __("Include done actions"),
					default: this.include_done ? 1 : 0,
				},
			],
			primary_action_label: __("Apply"),
			primary_action: (values) => {
				this.filter_types = values.action_types || [];
				this.include_done = !!values.include_done;
				if (this.filter_types.length || this.include_done) this.page.set_indicator(__("Filtered"), "blue");
				else this.page.clear_indicator();
				dialog.hide();
				this.refresh();
			},
		});
		dialog.$wrapper.addClass("crm-actions-filter-dialog");
		dialog.show();
	}

	bind_events() {
		const $body = this.$body;
		$body.on("click", ".crm-actions-tab", (e) => {
			this.bucket = $(e.currentTarget).attr("data-bucket");
			frappe.defaults.set_user_default_local("crm_actions_bucket", this.bucket);
			this.refresh();
		});
		$body.on("click", ".crm-create-add", () => this.quick_create());
		$body.on("keydown", ".crm-create-subject", (e) => {
			if (e.key === "Enter") this.quick_create();
		});
		$body.on("change", ".crm-action-done", (e) => {
			const name = $(e.currentTarget).closest(".crm-action-tile").attr("data-name");
			this.toggle_done(name, e.currentTarget.checked);
		});
		$body.on("click", ".crm-actions-more button", () => this.refresh({ append: true }));
		// drag and drop: tiles onto the zones (a dragend on any tile ends the drag)
		bindDragAndDrop($body, {
			item: ".crm-action-tile[draggable=true]",
			itemEnd: ".crm-action-tile",
			zone: ".crm-action-zone",
			zoneAttr: "data-zone",
			onDrop: (name, zone) => this.on_drop(name, zone),
		});
	}

	on_show() {
		if (this.fields) this.refresh();
	}

	// --- data ---------------------------------------------------------------------------------------

	scope() {
		return this.fields.user.get_value() || this.fields.scope.get_value() || "me";
	}

	async refresh({ append = false } = {}) {
		const ticket = ++this.loading;
		const args = {
			scope: this.scope(),
			bucket: this.bucket,
			search: this.fields.search.get_value() || "",
			sort: this.fields.sort.get_value() || "date",
			include_done: this.include_done ? 1 : 0,
			start: append ? this.rows.length : 0,
			page_length: PAGE_LENGTH,
		};
		if (this.filter_types.length) args.action_types = JSON.stringify(this.filter_types);
		let answer;
		try {
			answer = await frappe.xcall(`${API}get_actions`, args);
		} catch (error) {
			return; // Frappe has shown the server's message
		}
		if (ticket !== this.loading) return; // a newer refresh is under way
		this.rows = append ? [...this.rows, ...answer.actions] : answer.actions;
		this.counts = answer.counts || {};
		this.has_more = answer.has_more;
		this.render();
	}

	render() {
		const tabs = bucketTabs(this.counts, this.bucket, t);
		this.$body.find(".crm-actions-tabs").html(
			tabs
				.map(
					(tab) => `<button class="btn btn-sm crm-actions-tab ${tab.active ? "active" : ""}" role="tab"
						data-bucket="${esc(tab.key)}" data-count="${tab.count}" aria-selected="${tab.active}">${esc(tab.label)}</button>`
				)
				.join("")
		);
		const $list = this.$body.find(".crm-actions-list");
		if (!this.rows.length) {
			$list.html(`<div class="crm-actions-empty text-muted">${esc(__("No action"))}</div>`);
		} else {
			$list.html(this.rows.map((row) => this.tile_html(row)).join(""));
		}
		this.$body.find(".crm-actions-more").toggleClass("hidden", !this.has_more);
	}

	tile_html(row) {
		const v = tileView(row);
		const style = v.color ? ` style="border-left-color: ${v.color}"` : "";
		const account = v.account
			? `<a class="crm-action-account" href="${esc(v.account_route)}">${esc(v.account)}</a>`
			: "";
		const opportunity = v.opportunity
			? `<a class="crm-action-opportunity" href="${esc(v.opportunity_route)}">${esc(v.opportunity)}</a>`
			: "";
		return `<div class="crm-action-tile ${v.late ? "late" : ""} ${v.done ? "done" : ""}" data-name="${esc(v.name)}"
				draggable="${v.draggable}"${style}>
			<label class="crm-action-check" title="${esc(__("Done"))}">
				<input type="checkbox" class="crm-action-done" ${v.done ? "checked" : ""}
					${row.status === "Cancelled" ? "disabled" : ""} aria-label="${esc(__("Done"))}">
			</label>
			<div class="crm-action-body">
				<div class="crm-action-line">
					<span class="crm-action-date">${esc(v.date)}</span>
					<span class="crm-action-type">${esc(v.type)}</span>
					<a class="crm-action-subject" href="/app/crm-action/${encodeURIComponent(v.name)}">${esc(v.subject || v.name)}</a>
				</div>
				<div class="crm-action-line text-muted">
					${account}${account && opportunity ? " · " : ""}${opportunity}
					<span class="crm-action-assignee">${esc(v.assignee)}</span>
				</div>
			</div>
		</div>`;
	}

	row(name) {
		return this.rows.find((r) => r.name === name);
	}

	// --- changes ------------------------------------------------------------------------------------

	reset_create_line() {
		this.$body.find(".crm-create-subject").val("");
		if (!this.start) {
			// Frappe's own Datetime control: the user's date format (dd/mm/yyyy), not the browser's
			this.start = frappe.ui.form.make_control({
				parent: this.$body.find(".crm-create-start"),
				df: { fieldtype: "Datetime", fieldname: "start", label: __("Start"), placeholder: __("Start") },
				only_input: true,
				render_input: true,
			});
		}
		this.start.set_value(frappe.datetime.now_datetime());
	}

	async quick_create() {
		const action_type = this.$body.find(".crm-create-type").val();
		if (!action_type) {
			frappe.msgprint(__("Choose the type of the action"));
			return;
		}
		const args = {
			action_type,
			subject: this.$body.find(".crm-create-subject").val() || undefined,
			start: this.start?.get_value() || undefined,
		};
		const user = this.fields.user.get_value();
		if (user) args.assigned_to = user;
		try {
			await frappe.xcall(`${API}create_action`, args);
		} catch (error) {
			return;
		}
		frappe.show_alert({ message: __("Action created"), indicator: "green" });
		this.reset_create_line();
		this.refresh();
	}

	async toggle_done(name, done) {
		const row = this.row(name);
		if (!row) return;
		try {
			await frappe.xcall(`${API}${done ? "mark_done" : "reopen"}`, { name, modified: row.modified });
			frappe.show_alert({ message: done ? __("Action done") : __("Action reopened"), indicator: "green" });
		} catch (error) {
			// Frappe has shown the message; the refresh below puts the checkbox back
		}
		this.refresh();
	}

	async on_drop(name, zone) {
		const row = this.row(name);
		if (!row) return;
		const input = await this.ask(dropAsk(zone), row);
		if (input === null) return;
		const call = dropCall(zone, row, input);
		if (!call) return;
		try {
			await frappe.xcall(`${API}${call.method}`, call.args);
			frappe.show_alert({ message: __("Action updated"), indicator: "green" });
		} catch (error) {
			// Frappe has shown the server's message
		}
		this.refresh();
	}

	/** What a zone needs before its call; null when the user cancels. */
	ask(kind, row) {
		if (!kind) return Promise.resolve({});
		if (kind === "confirm") {
			return new Promise((resolve) =>
				frappe.confirm(
					__("Delete the action {0}?", [esc(row.subject || row.name)]),
					() => resolve({ confirmed: true }),
					() => resolve(null)
				)
			);
		}
		const fields = {
			date: [{ fieldname: "date", fieldtype: "Date", label: __("Postpone to"), reqd: 1 }],
			user: [{ fieldname: "user", fieldtype: "Link", options: "User", label: __("Reassign to"), reqd: 1 }],
			next: [
				{
					fieldname: "action_type",
					fieldtype: "Link",
					options: "CRM Action Type",
					label: __("Type"),
					reqd: 1,
					default: row.action_type,
				},
				{ fieldname: "subject", fieldtype: "Data", label: __("Subject") },
				{ fieldname: "start", fieldtype: "Datetime", label: __("Start"), default: frappe.datetime.system_datetime() },
			],
		}[kind];
		const titles = {
			date: __("Postpone the action"),
			user: __("Reassign the action"),
			next: __("Complete and create a new action"),
		};
		return new Promise((resolve) => {
			let answered = false;
			const dialog = new frappe.ui.Dialog({
				title: titles[kind],
				fields,
				primary_action_label: __("Save"),
				primary_action: (values) => {
					answered = true;
					dialog.hide();
					resolve(values);
				},
			});
			dialog.$wrapper.addClass(`crm-action-dialog crm-action-dialog-${kind}`);
			dialog.onhide = () => {
				if (!answered) resolve(null);
			};
			dialog.show();
		});
	}
}

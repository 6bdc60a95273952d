// Activity timeline on the CRM Opportunity, CRM Prospect, Customer and Contact forms (doctype_js in
// hooks.py): the quick action creation zone (type, subject, start) at the top, then "N upcoming
// activities" and "N past activities" from crm_portal.api.timeline.get_timeline — action tiles with the
// done checkbox, opportunity tiles on accounts and contacts, the record's creation and modifications.
// DOM-free parts: /assets/crm_portal/js/logic/timeline.mjs (node tests in tests/js/timeline.test.mjs).
// Every value that comes from a record goes through esc() before it reaches the HTML.
(() => {
	if (window.crm_portal_activity_timeline) return; // one definition when several forms load this file
	const TIMELINE_API = "crm_portal.api.timeline.get_timeline";
	const ACTIONS_API = "crm_portal.api.actions.";
	const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
	let logic_promise;
	let types_promise;

	const logic = () => {
		if (!logic_promise) {
			const version = encodeURIComponent(frappe.boot?.versions?.crm_portal || "");
			logic_promise = Promise.all([
				import(`/assets/crm_portal/js/logic/timeline.mjs?v=${version}`),
				import(`/assets/crm_portal/js/logic/actions.mjs?v=${version}`),
				new Promise((resolve) => frappe.require("/assets/crm_portal/css/activities.css", resolve)),
			]).then(([timeline, actions]) => ({ ...timeline, ...actions }));
		}
		return logic_promise;
	};

	const action_types = () => {
		if (!types_promise) {
			types_promise = frappe.db
				.get_list("CRM Action Type", {
					filters: { disabled: 0 },
					fields: ["name", "nature"],
					order_by: "name asc",
					limit: 200,
				})
				.catch(() => []);
		}
		return types_promise;
	};

	class ActivityTimeline {
		constructor(frm) {
			this.frm = frm;
			this.$wrapper = $(`<div class="crm-activity-timeline" data-doctype="${esc(frm.doctype)}"></div>`);
			// On the opportunity the actions are kept at hand, right under the general information (the seed
			// puts them beside the opportunity); elsewhere after the form.
			const $first = $(frm.layout.wrapper).find(".form-section").first();
			if (frm.doctype === "CRM Opportunity" && $first.length) this.$wrapper.insertAfter($first);
			else this.$wrapper.appendTo($(frm.layout.wrapper));
			this.bind_events();
		}

		bind_events() {
			this.$wrapper.on("click", ".crm-timeline-add", () => this.quick_create());
			this.$wrapper.on("keydown", ".crm-timeline-subject", (e) => {
				if (e.key === "Enter") {
					e.preventDefault();
					this.quick_create();
				}
			});
			this.$wrapper.on("change", ".crm-timeline-done", (e) => {
				const name = $(e.currentTarget).closest(".crm-timeline-entry").attr("data-name");
				this.toggle_done(name, e.currentTarget.checked);
			});
		}

		async refresh() {
			const { frm } = this;
			if (frm.is_new()) {
				this.$wrapper.addClass("hidden");
				return;
			}
			this.$wrapper.removeClass("hidden");
			const ticket = (this.ticket = (this.ticket || 0) + 1);
			const [L, types] = await Promise.all([logic(), action_types()]);
			this.L = L;
			let data;
			try {
				data = await frappe.xcall(TIMELINE_API, { doctype: frm.doctype, name: frm.doc.name });
			} catch (error) {
				return;
			}
			if (ticket !== this.ticket || frm.is_new()) return;
			this.render(data, types);
		}

		render(data, types) {
			const L = this.L;
			const heads = L.headings(data.counts || {}, (text, args) => __(text, args));
			const typed = this.$wrapper.find(".crm-timeline-subject").val() || "";
			const options = types
				.map((type) => `<option value="${esc(type.name)}">${esc(type.name)}</option>`)
				.join("");
			this.$wrapper.html(`
				<div class="crm-timeline-create">
					<div class="crm-timeline-create-title">${esc(__("New action"))}</div>
					<select class="form-control input-sm crm-timeline-new-type" aria-label="${esc(__("Type"))}">${options}</select>
					<input type="text" class="form-control input-sm crm-timeline-subject" maxlength="140"
						placeholder="${esc(__("Subject"))}" aria-label="${esc(__("Subject"))}">
					<div class="crm-timeline-start"></div>
					<button class="btn btn-primary btn-sm crm-timeline-add">${esc(__("Add"))}</button>
				</div>
				<div class="crm-timeline-section upcoming">
					<div class="crm-timeline-heading" data-count="${Number(data.counts?.upcoming) || 0}">${esc(heads.upcoming)}${
						heads.late ? ` <span class="indicator-pill red">${esc(__("{0} late", [heads.late]))}</span>` : ""
					}</div>
					${(data.upcoming || []).map((entry) => this.entry_html(entry)).join("")}
				</div>
				<div class="crm-timeline-section past">
					<div class="crm-timeline-heading" data-count="${Number(data.counts?.past) || 0}">${esc(heads.past)}</div>
					${(data.past || []).map((entry) => this.entry_html(entry)).join("")}
				</div>`);
			this.$wrapper.find(".crm-timeline-subject").val(typed);
			// Frappe's own Datetime control: the user's date format (dd/mm/yyyy), not the browser's
			this.start = frappe.ui.form.make_control({
				parent: this.$wrapper.find(".crm-timeline-start"),
				df: { fieldtype: "Datetime", fieldname: "start", label: __("Start"), placeholder: __("Start") },
				only_input: true,
				render_input: true,
			});
			this.start.set_value(frappe.datetime.now_datetime());
		}

		entry_html(entry) {
			const v = this.L.entryView(entry);
			const date = `<span class="crm-timeline-date">${esc(v.date)}</span>`;
			if (v.kind === "action") {
				const opportunity =
					v.opportunity && this.frm.doctype !== "CRM Opportunity"
						? ` · <a href="${esc(v.opportunity_route)}">${esc(v.opportunity)}</a>`
						: "";
				return `<div class="crm-timeline-entry action ${v.late ? "late" : ""} ${v.done ? "done" : ""} ${
					v.cancelled ? "cancelled" : ""
				}" data-kind="action" data-name="${esc(v.name)}">
					<input type="checkbox" class="crm-timeline-done" ${v.done ? "checked" : ""} ${v.checkable ? "" : "disabled"}
						title="${esc(__("Done"))}" aria-label="${esc(__("Done"))}">
					<div class="crm-timeline-body">
						<div>${date} <span class="crm-timeline-type">${esc(v.type)}</span> :
							<a class="crm-timeline-title" href="${esc(v.route)}">${esc(v.title)}</a>
							${v.cancelled ? `<span class="text-muted">(${esc(__("Cancelled"))})</span>` : ""}</div>
						<div class="text-muted small">${esc(v.assignee ? frappe.user.full_name(v.assignee) : "")}${opportunity}</div>
					</div>
				</div>`;
			}
			if (v.kind === "opportunity") {
				const figures = [
					v.stage ? `<span class="crm-timeline-stage">${esc(v.stage)}</span>` : "",
					v.expected_signature_date
						? `${esc(__("Expected signature"))} ${esc(frappe.datetime.str_to_user(v.expected_signature_date))}`
						: "",
					v.amount ? `${esc(__("Amount"))} ${esc(format_currency(v.amount, v.currency))}` : "",
					v.days ? esc(__("{0} days", [v.days])) : "",
					v.portfolio ? `${esc(__("Portfolio"))} ${esc(v.portfolio)}` : "",
				].filter(Boolean);
				return `<div class="crm-timeline-entry opportunity" data-kind="opportunity" data-name="${esc(v.name)}">
					<div class="crm-timeline-body">
						<div>${date} ${esc(__("Opportunity"))} :
							<a class="crm-timeline-title" href="${esc(v.route)}">${esc(v.name)} - ${esc(v.title)}</a></div>
						<div class="text-muted small">${figures.join(" · ")}</div>
					</div>
				</div>`;
			}
			const changed = v.changed.length ? `<div class="text-muted small">${v.changed.map(esc).join(", ")}</div>` : "";
			return `<div class="crm-timeline-entry ${esc(v.kind)}" data-kind="${esc(v.kind)}">
				<div class="crm-timeline-body"><div>${date} ${esc(v.title)}</div>${changed}</div>
			</div>`;
		}

		async quick_create() {
			const { frm, L } = this;
			if (!L || frm.is_new()) return;
			const action_type = this.$wrapper.find(".crm-timeline-new-type").val();
			if (!action_type) {
				frappe.msgprint(__("Choose the type of the action"));
				return;
			}
			const args = L.quickCreateArgs(frm.doctype, frm.doc.name, {
				action_type,
				subject: this.$wrapper.find(".crm-timeline-subject").val(),
				start: this.start?.get_value() || null,
			});
			try {
				await frappe.xcall(`${ACTIONS_API}create_action`, args);
			} catch (error) {
				return;
			}
			this.$wrapper.find(".crm-timeline-subject").val("");
			frappe.show_alert({ message: __("Action created"), indicator: "green" });
			this.refresh();
		}

		async toggle_done(name, done) {
			try {
				await frappe.xcall(`${ACTIONS_API}${done ? "mark_done" : "reopen"}`, { name });
				frappe.show_alert({ message: done ? __("Action done") : __("Action reopened"), indicator: "green" });
			} catch (error) {
				// Frappe has shown the server's message; the refresh below puts the checkbox back
			}
			this.refresh();
		}
	}

	window.crm_portal_activity_timeline = ActivityTimeline;
})();

(() => {
	// Form handlers live for the whole session: register them once, whichever form loaded this file first.
	if (window.crm_portal_activity_timeline_registered) return;
	window.crm_portal_activity_timeline_registered = true;
	const refresh_timeline = (frm) => {
		if (!frm.crm_activity_timeline) frm.crm_activity_timeline = new window.crm_portal_activity_timeline(frm);
		frm.crm_activity_timeline.refresh();
	};
	for (const doctype of ["CRM Opportunity", "CRM Prospect", "Customer", "Contact"]) {
		frappe.ui.form.on(doctype, { refresh: refresh_timeline });
	}
})();

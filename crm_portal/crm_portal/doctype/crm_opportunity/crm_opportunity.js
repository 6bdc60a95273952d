// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.ui.form.on("CRM Opportunity", {
	setup(frm) {
		frm.set_query("account_type", () => ({
			filters: { name: ["in", ["CRM Prospect", "Customer"]] },
		}));
		frm.set_query("stage", () => ({
			filters: { stage_template: frm.doc.stage_template || "" },
			order_by: "position asc",
		}));
		frm.set_query("portfolio", () => ({ filters: { is_active: 1 } }));
		frm.set_query("contact", () =>
			frm.doc.account
				? {
						query: "frappe.contacts.doctype.contact.contact.contact_query",
						filters: { link_doctype: frm.doc.account_type, link_name: frm.doc.account },
				  }
				: {}
		);
	},

	refresh(frm) {
		// The proposal and the order are ERPNext documents: open them from the opportunity.
		for (const [fieldname, doctype] of [
			["quotation", "Quotation"],
			["sales_order", "Sales Order"],
		]) {
			if (frm.doc[fieldname]) {
				frm.add_custom_button(
					__(doctype),
					() => frappe.set_route("Form", doctype, frm.doc[fieldname]),
					__("Open")
				);
			}
		}
	},

	portfolio(frm) {
		// The stage list depends on the portfolio's template: start again from its default stage.
		frm.set_value("stage", null);
	},

	account_type(frm) {
		frm.set_value("account", null);
	},
});

// Stage rules on the form (enforced by the server, crm_opportunity.py): the fields the current stage and
// the stages before it require are mandatory (asterisk); changing Stade asks for the missing ones in the
// board's dialog (public/js/pipeline/requirements_dialog.js); a closed deal keeps its stage, a deal won
// through a Sales Order its amounts, and a Sales Manager may reopen a closed one (Rouvrir).
(() => {
	const API = "crm_portal.api.pipeline.";
	const REOPEN_ROLES = ["Sales Manager", "System Manager"];
	const LOCKED_BY_ORDER = [
		"portfolio",
		"stage",
		"signed_on",
		"currency",
		"amount",
		"best_case_amount",
		"worst_case_amount",
		"days",
		"probability",
		"estimate_mode",
		"estimate_lines",
		"recurring_amount",
		"recurring_months",
		"recurring_start",
		"recurring_end",
	];
	const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

	function load_dialog() {
		const version = encodeURIComponent(frappe.boot?.versions?.crm_portal || "");
		return import(`/assets/crm_portal/js/pipeline/requirements_dialog.js?v=${version}`);
	}

	/** The form's own values (no child tables), as the server computes what is still missing. */
	function form_values(frm) {
		const values = {};
		for (const [fieldname, value] of Object.entries(frm.doc)) {
			if (frm.fields_dict[fieldname] && !Array.isArray(value) && (value === null || typeof value !== "object")) {
				values[fieldname] = value;
			}
		}
		return values;
	}

	function requirements(frm, stage) {
		return frappe.xcall(API + "get_stage_requirements", {
			stage,
			opportunity: frm.is_new() ? null : frm.doc.name,
			values: form_values(frm),
		});
	}

	/** Asterisks on the opportunity fields the stage (and the stages before it) require. */
	function mark_required(frm, fields) {
		const required = (fields || [])
			.flatMap((stage) => stage.fields)
			.filter((f) => f.target === "Opportunity" && frm.fields_dict[f.fieldname])
			.map((f) => f.fieldname);
		for (const fieldname of frm.crm_required || []) {
			if (!required.includes(fieldname)) {
				frm.toggle_reqd(fieldname, !!frappe.meta.get_docfield(frm.doctype, fieldname)?.reqd);
			}
		}
		for (const fieldname of required) frm.toggle_reqd(fieldname, true);
		frm.crm_required = required;
	}

	async function refresh_required(frm) {
		if (!frm.doc.stage || !frm.doc.portfolio) return mark_required(frm, []);
		try {
			const result = await requirements(frm, frm.doc.stage);
			mark_required(frm, result.fields);
			return result;
		} catch {
			mark_required(frm, []);
		}
	}

	function is_won_by_order(frm) {
		return frm.doc.status === "Won" && !!frm.doc.sales_order;
	}

	function refresh(frm) {
		show_user_names(frm);
		if (!frm.is_dirty()) frm.crm_saved_stage = frm.doc.stage;
		refresh_required(frm);
		const closed = !frm.is_new() && frm.doc.status !== "Open";
		const locked = !frm.is_new() && is_won_by_order(frm);
		frm.set_df_property("stage", "read_only", closed ? 1 : 0);
		for (const fieldname of LOCKED_BY_ORDER) {
			if (fieldname === "stage") continue;
			const meta_read_only = !!frappe.meta.get_docfield(frm.doctype, fieldname)?.read_only;
			frm.set_df_property(fieldname, "read_only", locked || meta_read_only ? 1 : 0);
		}
		if (locked) {
			frm.dashboard.set_headline(
				esc(__("Won through Sales Order {0}: cancel the order to move or reopen this opportunity or change its amounts.", [frm.doc.sales_order]))
			);
		} else if (closed) {
			frm.dashboard.set_headline(esc(__("This opportunity is closed: reuse it to start again, or a Sales Manager can reopen it.")));
			if (frappe.user.has_role(REOPEN_ROLES)) {
				frm.add_custom_button(__("Reopen"), () => reopen(frm));
			}
		} else {
			frm.dashboard.clear_headline();
		}
	}

	/** A new stage chosen on the form: ask for what it needs in the board's dialog, then save. */
	async function stage_changed(frm) {
		const stage = frm.doc.stage;
		const result = await refresh_required(frm);
		if (frm.is_new() || !stage || stage === frm.crm_saved_stage || frm.crm_asking || !result?.missing?.length) return;
		frm.crm_asking = true;
		try {
			const dialog = await load_dialog();
			// keyed by the opportunity: a cancel keeps the answers given so far for the next attempt
			const answer = await dialog.askAllRequirements(result.missing, frm.doc.title, {}, frm.doc.name);
			if (!answer) {
				frm.crm_asking = false; // the stage goes back: nothing more to ask
				await frm.set_value("stage", frm.crm_saved_stage);
				return;
			}
			if (Object.keys(answer.account).length) {
				// the account's answers go on the account (the opportunity's with the form's save)
				await frappe.xcall("frappe.client.set_value", {
					doctype: frm.doc.account_type,
					name: frm.doc.account,
					fieldname: answer.account,
				});
			}
			for (const [fieldname, value] of Object.entries(answer.opportunity)) {
				await frm.set_value(fieldname, value);
			}
			await frm.save();
			dialog.forgetAnswers(frm.doc.name);
		} catch (error) {
			console.error(error);
		} finally {
			frm.crm_asking = false;
		}
	}

	function reopen(frm) {
		frappe.confirm(
			esc(__("Reopen this opportunity? It goes back to the stage it was in before it was closed, and its closing details are cleared.")),
			async () => {
				const dialog = await load_dialog();
				try {
					const result = await dialog.callWithRequirements(
						API + "reopen",
						{ opportunity: frm.doc.name, modified: frm.doc.modified },
						frm.doc.title
					);
					if (!result) return;
					frappe.show_alert({ message: __("Opportunity reopened"), indicator: "green" });
					frm.reload_doc();
				} catch (error) {
					frappe.msgprint({ title: __("Not reopened"), message: dialog.serverMessage(error), indicator: "red" });
				}
			}
		);
	}

	/** The salesperson and the other Links to User (custom ones included) shown by full name, not by
	 * e-mail address: the Link control shows a title when it knows one, as for DocTypes that show their
	 * title in links. The stored value stays the user's id. */
	function show_user_names(frm) {
		for (const control of Object.values(frm.fields_dict)) {
			const df = control.df;
			if (df?.fieldtype !== "Link" || df.options !== "User" || !control.$input) continue;
			const user = frm.doc[df.fieldname];
			if (!user) continue;
			const full_name = frappe.user_info(user)?.fullname; // (frappe.user.full_name says "You" for oneself)
			if (full_name && full_name !== user) frappe.utils.add_link_title("User", user, full_name);
			control.is_title_link = () => true;
			control.set_formatted_input(user);
		}
	}

	frappe.ui.form.on("CRM Opportunity", {
		refresh,
		onload_post_render: show_user_names,
		salesperson: show_user_names,
		stage(frm) {
			// not awaited: the change itself is done; the dialog waits for the user
			stage_changed(frm);
		},
	});
})();

// The approval of the opportunity's proposal (crm_portal/pipeline/mission_letter.py get_quotation_approval):
// who must approve it and since when, or why it was refused; once it is "Validée", "Envoyer la lettre de
// mission" opens the Quotation's e-mail composer with the letter attached (public/js/quotation.js).
(() => {
	const API = "crm_portal.pipeline.mission_letter.";
	const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

	function approval_message(approval) {
		if (approval.workflow_state === "À valider") {
			const approver = approval.approver_name || approval.crm_approver || approval.crm_approver_role || "";
			return [
				__("Proposal {0} to be approved by {1} since {2}", [
					esc(approval.name),
					esc(approver),
					esc(frappe.datetime.str_to_user(approval.crm_approval_requested_on || "")),
				]),
				"orange",
			];
		}
		if (approval.workflow_state === "Refusée") {
			return [__("Proposal {0} refused: {1}", [esc(approval.name), esc(approval.crm_refusal_reason || "")]), "red"];
		}
		if (approval.workflow_state === "Validée") {
			return [__("Proposal {0} approved", [esc(approval.name)]), "green"];
		}
		return [null, null];
	}

	async function show_approval(frm) {
		if (frm.is_new() || !frm.doc.quotation) return;
		const approval = await frappe.xcall(API + "get_quotation_approval", { opportunity: frm.doc.name }, "GET");
		if (!approval || frm.doc.quotation !== approval.name) return;
		const [message, color] = approval_message(approval);
		// the form's message area: a closed deal's says why it is locked (above), an open one's the approval
		if (message && frm.doc.status === "Open") frm.dashboard.set_headline_alert(message, color);
		if (approval.can_send_letter) {
			frm.add_custom_button(__("Send the mission letter"), () => {
				frappe.crm_portal_mission_letter = approval.name;
				frappe.set_route("Form", "Quotation", approval.name);
			});
		}
	}

	frappe.ui.form.on("CRM Opportunity", {
		refresh(frm) {
			show_approval(frm).catch((error) => console.error(error));
		},
	});
})();

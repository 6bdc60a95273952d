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

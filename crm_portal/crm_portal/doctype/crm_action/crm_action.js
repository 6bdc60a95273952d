// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.ui.form.on("CRM Action", {
	setup(frm) {
		frm.set_query("action_type", () => ({ filters: { disabled: 0 } }));
		frm.set_query("account_type", () => ({
			filters: { name: ["in", ["CRM Prospect", "Customer"]] },
		}));
		frm.set_query("contact", () =>
			frm.doc.account
				? {
						query: "frappe.contacts.doctype.contact.contact.contact_query",
						filters: {
							link_doctype: frm.doc.account_type,
							link_name: frm.doc.account,
						},
				  }
				: {}
		);
	},

	refresh(frm) {
		if (frm.is_new() || frm.doc.status !== "Open") {
			return;
		}
		const call = (method, args) =>
			frappe
				.xcall(`crm_portal.api.actions.${method}`, { name: frm.doc.name, ...args })
				.then(() => frm.reload_doc());
		frm.add_custom_button(__("Done"), () => call("mark_done"));
		frm.add_custom_button(__("Tomorrow"), () => call("postpone", { to: "tomorrow" }), __("Postpone"));
		frm.add_custom_button(__("Next Week"), () => call("postpone", { to: "next_week" }), __("Postpone"));
		frm.add_custom_button(
			__("Cancel Action"),
			() => frappe.confirm(__("Cancel this action?"), () => call("cancel")),
			__("More")
		);
	},

	opportunity(frm) {
		if (!frm.doc.opportunity) {
			return;
		}
		frappe.db
			.get_value("CRM Opportunity", frm.doc.opportunity, ["account_type", "account"])
			.then(({ message }) => {
				if (message) {
					frm.set_value("account_type", message.account_type);
					frm.set_value("account", message.account);
				}
			});
	},
});

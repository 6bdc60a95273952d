// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.ui.form.on("CRM Prospect", {
	setup(frm) {
		frm.set_query("linked_doctype", "account_links", () => ({
			filters: { name: ["in", ["CRM Prospect", "Customer", "Supplier"]] },
		}));
	},

	onload(frm) {
		frappe.dynamic_link = { doc: frm.doc, fieldname: "name", doctype: "CRM Prospect" };
	},

	refresh(frm) {
		frappe.dynamic_link = { doc: frm.doc, fieldname: "name", doctype: "CRM Prospect" };
		if (frm.is_new()) {
			frappe.contacts.clear_address_and_contact(frm);
		} else {
			frappe.contacts.render_address_and_contact(frm);
		}
		frm.page.set_indicator(__(frm.doc.status), {
			Draft: "orange",
			Validated: "blue",
			Customer: "green",
			Closed: "gray",
		}[frm.doc.status]);
		frm.trigger("add_actions");
	},

	add_actions(frm) {
		if (frm.is_new()) {
			return;
		}
		const call = (method, args = {}) =>
			frappe
				.xcall(`crm_portal.api.accounts.${method}`, { prospect: frm.doc.name, ...args })
				.then(() => frm.reload_doc());
		if (frm.doc.status === "Draft") {
			frm.add_custom_button(__("Validate Prospect"), () => call("validate_prospect"), __("Actions"));
		}
		if (frm.doc.siren || frm.doc.siret) {
			frm.add_custom_button(
				__("Update From SIRENE"),
				() =>
					frappe
						.xcall("crm_portal.api.accounts.sirene_lookup", { prospect: frm.doc.name })
						.then((r) => {
							const filled = Object.keys(r.filled || {});
							frappe.show_alert({
								message: filled.length
									? __("Filled from SIRENE: {0}", [filled.join(", ")])
									: __("Nothing to fill: the fields are already filled"),
								indicator: "green",
							});
							frm.reload_doc();
						}),
				__("Actions")
			);
		}
		if (frm.doc.status === "Closed") {
			frm.add_custom_button(__("Reopen"), () => call("set_prospect_closed", { closed: 0 }), __("Actions"));
		} else {
			frm.add_custom_button(__("Close"), () => call("set_prospect_closed", { closed: 1 }), __("Actions"));
		}
	},

	siret(frm) {
		frm.trigger("fill_from_sirene");
	},

	siren(frm) {
		if (!frm.doc.siret) {
			frm.trigger("fill_from_sirene");
		}
	},

	fill_from_sirene(frm) {
		// On a new prospect, typing a SIREN/SIRET fills the empty fields (never the filled ones).
		const number = (frm.doc.siret || frm.doc.siren || "").replace(/[\s.]/g, "");
		if (!frm.is_new() || ![9, 14].includes(number.length)) {
			return;
		}
		frappe
			.xcall("crm_portal.api.accounts.sirene_lookup", { number, values: frm.doc })
			.then((r) => {
				Object.entries(r.values || {}).forEach(([field, value]) => frm.set_value(field, value));
			});
	},
});

frappe.ui.form.on("CRM Account Link", {
	linked_doctype(frm, cdt, cdn) {
		frappe.model.set_value(cdt, cdn, "linked_account", null);
	},
});

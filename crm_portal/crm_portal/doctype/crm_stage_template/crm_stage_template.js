// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.ui.form.on("CRM Stage Template", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Stages"), () =>
			frappe.set_route("List", "CRM Stage", { stage_template: frm.doc.name })
		);
		frm.add_custom_button(__("New Stage"), () =>
			frappe.new_doc("CRM Stage", { stage_template: frm.doc.name })
		);
	},
});

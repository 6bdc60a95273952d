// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.ui.form.on("CRM Portfolio", {
	setup(frm) {
		frm.set_query("default_stage", () => ({
			filters: { stage_template: frm.doc.stage_template || "", stage_type: "Open" },
		}));
	},
	stage_template(frm) {
		frm.set_value("default_stage", null);
	},
});

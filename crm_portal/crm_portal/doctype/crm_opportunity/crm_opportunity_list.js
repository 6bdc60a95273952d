// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.listview_settings["CRM Opportunity"] = {
	add_fields: ["status", "stage", "amount", "currency"],
	get_indicator(doc) {
		const colors = { Open: "blue", Won: "green", Lost: "red" };
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
};

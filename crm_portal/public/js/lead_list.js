// Leads list: open leads by default (their status is flagged open); the others form the lead history.
// Extends ERPNext's own Lead list settings.
(() => {
	const settings = (frappe.listview_settings["Lead"] = frappe.listview_settings["Lead"] || {});
	const erpnext_onload = settings.onload;
	settings.add_fields = [...(settings.add_fields || []), "crm_lead_status", "crm_status_is_open", "crm_scoring"];
	settings.filters = [["crm_status_is_open", "=", 1]];
	settings.get_indicator = function (doc) {
		if (!doc.crm_lead_status) return [__(doc.status), "gray", `status,=,${doc.status}`];
		const colour = doc.crm_status_is_open ? "blue" : "gray";
		return [__(doc.crm_lead_status), colour, `crm_lead_status,=,${doc.crm_lead_status}`];
	};
	settings.onload = function (listview) {
		if (erpnext_onload) erpnext_onload.call(this, listview);
		const show = (open) => {
			listview.filter_area.remove("crm_status_is_open");
			listview.filter_area.add([["Lead", "crm_status_is_open", "=", open]]);
		};
		listview.page.add_inner_button(__("Open Leads"), () => show(1), __("View"));
		listview.page.add_inner_button(__("Lead History"), () => show(0), __("View"));
	};
})();

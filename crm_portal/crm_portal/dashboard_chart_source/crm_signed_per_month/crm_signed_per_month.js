// Dashboard chart source "CRM Signed per Month" (server: crm_signed_per_month.py).
frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CRM Signed per Month"] = {
	method: "crm_portal.crm_portal.dashboard_chart_source.crm_signed_per_month.crm_signed_per_month.get",
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
		},
		{
			fieldname: "portfolio",
			label: __("Portfolio"),
			fieldtype: "Link",
			options: "CRM Portfolio",
		},
	],
};

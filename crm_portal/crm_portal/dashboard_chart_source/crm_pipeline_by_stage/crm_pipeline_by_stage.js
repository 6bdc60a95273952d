// Dashboard chart source "CRM Pipeline by Stage" (server: crm_pipeline_by_stage.py).
frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CRM Pipeline by Stage"] = {
	method: "crm_portal.crm_portal.dashboard_chart_source.crm_pipeline_by_stage.crm_pipeline_by_stage.get",
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

// Pipeline by stage: filters of the script report (crm_portal/crm_portal/report/pipeline_by_stage).
frappe.query_reports["Pipeline by Stage"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.year_start(),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.year_end(),
		},
		{
			fieldname: "based_on",
			label: __("Period Based On"),
			fieldtype: "Select",
			options: [
				{ value: "Closing date", label: __("Closing date") },
				{ value: "Creation date", label: __("Creation date") },
			],
			default: "Closing date",
		},
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
		{
			fieldname: "stage_template",
			label: __("Stage Template"),
			fieldtype: "Link",
			options: "CRM Stage Template",
		},
		{
			fieldname: "salesperson",
			label: __("Salesperson"),
			fieldtype: "Link",
			options: "User",
		},
		{
			fieldname: "sales_person",
			label: __("Sales Team"),
			fieldtype: "Link",
			options: "Sales Person",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		return data && data.is_total_row ? `<b>${value}</b>` : value;
	},
};

// Pipeline by stage: filters of the script report (crm_portal/crm_portal/report/pipeline_by_stage).
// Evaluated as a classic script: its names stay inside this function.
(function () {
	// The figures' formatter shared with the board, the calendar and the portal (formatting.mjs)
	let figures = null;

	frappe.query_reports["Pipeline by Stage"] = {
		filters: [
			{
				// no default period: the report opens on every opportunity, as the board shows them
				// (undated ones and those expected next year included)
				fieldname: "from_date",
				label: __("From Date"),
				fieldtype: "Date",
			},
			{
				fieldname: "to_date",
				label: __("To Date"),
				fieldtype: "Date",
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
		onload() {
			return crm_portal.reports.load_modules("formatting").then(([formatting]) => {
				figures = formatting;
			});
		},
		formatter(value, row, column, data, default_formatter) {
			// amounts, days and percentages written as on the board and the portal (formatting.mjs)
			value = crm_portal.reports.figure_cell(figures, value, row, column, data, default_formatter);
			return data && data.is_total_row ? `<b>${value}</b>` : value;
		},
	};
})();

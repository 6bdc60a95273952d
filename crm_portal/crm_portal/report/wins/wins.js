// Wins: amounts signed in a period by account or sale type, recurring vs one-off, versus the previous
// period of the same length (crm_portal/crm_portal/report/wins).
// Evaluated as a classic script: its names stay inside this function.
(function () {
	// The figures' formatter shared with the board, the calendar and the portal (formatting.mjs)
	let figures = null;

	frappe.query_reports["Wins"] = {
		filters: [
			{
				fieldname: "from_date",
				label: __("From Date"),
				fieldtype: "Date",
				default: frappe.datetime.year_start(),
				reqd: 1,
			},
			{
				fieldname: "to_date",
				label: __("To Date"),
				fieldtype: "Date",
				default: frappe.datetime.year_end(),
				reqd: 1,
			},
			{
				fieldname: "group_by",
				label: __("Group By"),
				fieldtype: "Select",
				options: [
					{ value: "Account", label: __("Account") },
					{ value: "Sale type", label: __("Sale type") },
				],
				default: "Account",
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

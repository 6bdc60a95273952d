// Wins: amounts signed in a period by account or sale type, recurring vs one-off, versus the previous
// period of the same length (crm_portal/crm_portal/report/wins).
// Evaluated as a classic script: its names stay inside this function.
(function () {
	// The figures' formatter shared with the board, the calendar and the portal
	// (public/js/logic/formatting.mjs), loaded in `onload`: the report waits for it before its first run.
	let figures = null;
	function loadFigures() {
		const version = encodeURIComponent(frappe.boot?.versions?.crm_portal || "");
		return import(`/assets/crm_portal/js/logic/formatting.mjs?v=${version}`)
			.then((module) => {
				figures = module;
			})
			.catch((error) => console.error(error)); // the report's own formatting then applies
	}

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
			return loadFigures();
		},
		formatter(value, row, column, data, default_formatter) {
			// amounts, days and percentages written as on the board and the portal (formatting.mjs)
			const figure = figures?.formatReportFigure(value, column, data, get_currency_symbol());
			value =
				figure === undefined
					? default_formatter(value, row, column, data)
					: `<div class="text-right">${frappe.utils.escape_html(figure)}</div>`;
			return data && data.is_total_row ? `<b>${value}</b>` : value;
		},
	};
})();

// Wins: amounts signed in a period by account or sale type, recurring vs one-off, versus the previous
// period of the same length (crm_portal/crm_portal/report/wins).
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
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		return data && data.is_total_row ? `<b>${value}</b>` : value;
	},
};

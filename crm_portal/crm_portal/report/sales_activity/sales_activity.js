// Sales Activity: actions done / planned / late by user and type (crm_portal/crm_portal/report/sales_activity).
frappe.query_reports["Sales Activity"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_start(),
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.month_end(),
		},
		{
			fieldname: "user",
			label: __("User"),
			fieldtype: "Link",
			options: "User",
		},
		{
			fieldname: "sales_person",
			label: __("Sales Team"),
			fieldtype: "Link",
			options: "Sales Person",
		},
		{
			fieldname: "action_type",
			label: __("Action Type"),
			fieldtype: "Link",
			options: "CRM Action Type",
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "User and type", label: __("User and type") },
				{ value: "User", label: __("User") },
				{ value: "Type", label: __("Type") },
			],
			default: "User and type",
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		return data && data.is_total_row ? `<b>${value}</b>` : value;
	},
};

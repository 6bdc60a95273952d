// Deals at risk: the open opportunities that are slipping, with why (crm_portal/crm_portal/report/deals_at_risk).
// Evaluated as a classic script: its names stay inside this function.
(function () {
	// The figures' formatter shared with the board, the calendar and the portal (formatting.mjs)
	let figures = null;

	frappe.query_reports["Deals at Risk"] = {
		filters: [
			{
				fieldname: "portfolio",
				label: __("Portfolio"),
				fieldtype: "Link",
				options: "CRM Portfolio",
			},
			crm_portal.reports.scope_filter(),
		],
		onload() {
			return crm_portal.reports.load_modules("formatting").then(([formatting]) => {
				figures = formatting;
			});
		},
		formatter(value, row, column, data, default_formatter) {
			// names are kept as typed (opportunity titles are not sanitized): shown as text, never as HTML
			if (column.fieldtype === "Data") {
				const text = frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
				return data && data.is_total_row ? `<b>${text}</b>` : text;
			}
			return crm_portal.reports.figure_cell(figures, value, row, column, data, default_formatter);
		},
	};
})();

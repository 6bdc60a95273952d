// Signature forecast: signed, expected and the P10–P90 range per month for a portfolio and a scope
// (crm_portal/crm_portal/report/signature_forecast); a month's link opens its deals (the `month` filter).
// Evaluated as a classic script: its names stay inside this function.
(function () {
	// The figures' formatter shared with the board, the calendar and the portal (formatting.mjs), and
	// the months' names (months.mjs)
	let figures = null;
	let months = null;
	function loadModules() {
		return crm_portal.reports.load_modules("formatting", "months").then(([formatting, monthModule]) => {
			figures = formatting;
			months = monthModule;
		});
	}

	const REPORT = "Signature Forecast";

	frappe.query_reports[REPORT] = {
		filters: [
			{
				fieldname: "portfolio",
				label: __("Portfolio"),
				fieldtype: "Link",
				options: "CRM Portfolio",
			},
			crm_portal.reports.scope_filter(),
			{
				fieldname: "months",
				label: __("Months"),
				fieldtype: "Int",
				default: "6",
			},
			{
				// set by a month's link: the report then lists that month's deals
				fieldname: "month",
				label: __("Deals of the month"),
				fieldtype: "Data",
				placeholder: "2026-12",
			},
		],
		onload() {
			return loadModules();
		},
		formatter(value, row, column, data, default_formatter) {
			if (column.fieldname === "month" && data && !data.is_total_row && /^\d{4}-\d{2}$/.test(data.month || "")) {
				// the month, in words, opening its deals
				const [year, month] = data.month.split("-").map(Number);
				const label = months ? months.monthLabel(year, month, frappe.boot.lang || "fr") : data.month;
				const filters = frappe.query_report.get_filter_values() || {};
				const params = new URLSearchParams();
				for (const key of ["portfolio", "scope", "months"]) if (filters[key]) params.set(key, filters[key]);
				params.set("month", data.month);
				const href = `/app/query-report/${encodeURIComponent(REPORT)}?${params.toString()}`;
				// a click sets the filter in place (Frappe's router ignores a link to the page already shown);
				// the address serves a new tab. data.month is checked above as YYYY-MM.
				const onclick = `frappe.query_report.set_filter_value('month', '${data.month}'); return false;`;
				return `<a href="${frappe.utils.escape_html(href)}" onclick="${onclick}" title="${frappe.utils.escape_html(
					__("Deals of the month")
				)}">${frappe.utils.escape_html(label)}</a>`;
			}
			// names are kept as typed (opportunity titles are not sanitized): shown as text, never as HTML
			if (column.fieldtype === "Data") {
				const text = frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
				return data && data.is_total_row ? `<b>${text}</b>` : text;
			}
			// amounts written as on the board and the portal (formatting.mjs)
			value = crm_portal.reports.figure_cell(figures, value, row, column, data, default_formatter);
			return data && data.is_total_row ? `<b>${value}</b>` : value;
		},
	};
})();

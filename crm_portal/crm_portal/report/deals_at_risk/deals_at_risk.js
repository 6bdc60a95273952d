// Deals at risk: the open opportunities that are slipping, with why (crm_portal/crm_portal/report/deals_at_risk).
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

	frappe.query_reports["Deals at Risk"] = {
		filters: [
			{
				fieldname: "portfolio",
				label: __("Portfolio"),
				fieldtype: "Link",
				options: "CRM Portfolio",
			},
			{
				fieldname: "scope",
				label: __("Salesperson"),
				fieldtype: "Select",
				options: [
					{ value: "all", label: __("All") },
					{ value: "me", label: __("Me") },
					{ value: "team_n1", label: __("My team (N-1)") },
					{ value: "team_n1_me", label: __("My team (N-1) and me") },
					{ value: "team_nn", label: __("My team (all levels)") },
					{ value: "team_nn_me", label: __("My team (all levels) and me") },
				],
				default: "all",
			},
		],
		onload() {
			return loadFigures();
		},
		formatter(value, row, column, data, default_formatter) {
			// names are kept as typed (opportunity titles are not sanitized): shown as text, never as HTML
			if (column.fieldtype === "Data") {
				const text = frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));
				return data && data.is_total_row ? `<b>${text}</b>` : text;
			}
			const figure = figures?.formatReportFigure(value, column, data, get_currency_symbol());
			return figure === undefined
				? default_formatter(value, row, column, data)
				: `<div class="text-right">${frappe.utils.escape_html(figure)}</div>`;
		},
	};
})();

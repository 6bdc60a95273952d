// What the app's query reports share (crm_portal/crm_portal/report/*/*.js), loaded on every desk page
// (hooks.py app_include_js): their logic modules, the figures' cells and the salesperson scope filter.
frappe.provide("crm_portal.reports");

(function () {
	/** The app's logic modules (public/js/logic/<name>.mjs) a report needs, loaded in its `onload`: the
	 * report waits for them before its first run. On failure it falls back on Frappe's own formatting. */
	crm_portal.reports.load_modules = function (...names) {
		const version = encodeURIComponent(frappe.boot?.versions?.crm_portal || "");
		return Promise.all(names.map((name) => import(`/assets/crm_portal/js/logic/${name}.mjs?v=${version}`))).catch(
			(error) => {
				console.error(error);
				return names.map(() => null);
			}
		);
	};

	/** A figure's cell written as on the board and the portal (formatting.mjs), or Frappe's cell for what
	 * is no figure (or while the formatter is missing). */
	crm_portal.reports.figure_cell = function (figures, value, row, column, data, default_formatter) {
		const figure = figures?.formatReportFigure(value, column, data, get_currency_symbol());
		return figure === undefined
			? default_formatter(value, row, column, data)
			: `<div class="text-right">${frappe.utils.escape_html(figure)}</div>`;
	};

	/** The salesperson scope filter of the forecast reports (crm_portal.api.board scopes). */
	crm_portal.reports.scope_filter = function () {
		return {
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
		};
	};
})();

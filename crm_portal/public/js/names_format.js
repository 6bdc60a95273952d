// Names are data (crm_portal/names.py): a Data field whose sanitizer is off (`ignore_xss_filter`: names
// kept exactly as typed) is formatted as text wherever the desk formats a value into HTML — list and
// report views, grids, dashboards (frappe.format → frappe.form.formatters.Data, which returns the value
// as it is). Loaded on every desk page (app_include_js).
(() => {
	const formatters = frappe.form?.formatters;
	if (!formatters || formatters.crm_names_as_text) return;
	formatters.crm_names_as_text = true;
	const data = formatters.Data;
	formatters.Data = function (value, df, ...rest) {
		if (df && df.ignore_xss_filter && !df.options && typeof value === "string") {
			value = frappe.utils.escape_html(value);
		}
		return data.call(this, value, df, ...rest);
	};
})();

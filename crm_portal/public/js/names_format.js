// Names are data (crm_portal/names.py): a Data field whose sanitizer is off (`ignore_xss_filter`: names
// kept exactly as typed), or a Small Text / Text (the approver's refusal reason), is formatted as text wherever the desk formats a value into HTML — list and
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
	// A Link shows its record's title; where Frappe prints that title without a link element (no read
	// permission on the linked DocType), it is printed as HTML: a name kept as typed is text there too.
	const link = formatters.Link;
	formatters.Link = function (value, df, options, ...rest) {
		const result = link.call(this, value, df, options, ...rest);
		if (typeof result === "string" && value && df && !(options && (options.for_print || options.only_value))) {
			const title = frappe.utils.get_link_title(df._options || df.options, value);
			if (title && result === title) return frappe.utils.escape_html(result);
		}
		return result;
	};
	// A Small Text / Text kept as typed (a refusal reason) is text too: Frappe's formatter prints it as HTML
	// (read-only fields, list and report views); line breaks stay line breaks.
	for (const name of ["SmallText", "Text"]) {
		const text = formatters[name];
		formatters[name] = function (value, df, ...rest) {
			if (df && df.ignore_xss_filter && typeof value === "string") {
				return frappe.utils.escape_html(value).replace(/\n/g, "<br>");
			}
			return text.call(this, value, df, ...rest);
		};
	}
})();

// Quotations list (the approver's "Propositions à valider"): a proposal's title is its opportunity's, and
// ERPNext's Quotation keeps Frappe's HTML sanitizer (Frappe's assignment notifications print the title as
// HTML), which stores "R&D <Lot 3>" as "R&amp;D &lt;Lot 3&gt;". The list shows the stored title as text, so
// it is read back as the text it stands for. Extends ERPNext's own Quotation list settings.
(() => {
	const settings = (frappe.listview_settings["Quotation"] = frappe.listview_settings["Quotation"] || {});
	settings.formatters = settings.formatters || {};
	const erpnext_title = settings.formatters.title;
	settings.formatters.title = function (value, df, doc) {
		const title = erpnext_title ? erpnext_title(value, df, doc) : value;
		return typeof title === "string" && /[<&]/.test(title) ? frappe.utils.html2text(title) : title;
	};
})();

// Names are data (crm_portal/names.py): the form heading shows the record's title exactly as typed.
// Frappe's form toolbar strips anything that looks like a tag from the title before it sets the heading
// as HTML ("R&D <Lot 3>" shows "R&D"); after it, the heading is set again, as text.
(() => {
	if (window.crm_portal_names_as_typed) return; // one registration when several forms load this file
	window.crm_portal_names_as_typed = true;

	const keep_title_as_typed = (frm) => {
		const toolbar = frm.toolbar;
		if (!toolbar || toolbar.crm_title_as_typed) return;
		toolbar.crm_title_as_typed = true;
		const set_title = toolbar.set_title.bind(toolbar);
		toolbar.set_title = (...args) => {
			const result = set_title(...args);
			const title = frm.meta.title_field && frm.doc?.[frm.meta.title_field];
			if (!frm.is_new() && typeof title === "string" && title) {
				frm.page.$title_area.find(".title-text").text(title).attr("title", title);
			}
			return result;
		};
		toolbar.set_title();
	};

	for (const doctype of ["CRM Opportunity", "CRM Prospect", "CRM Action"]) {
		frappe.ui.form.on(doctype, { refresh: keep_title_as_typed });
	}
})();

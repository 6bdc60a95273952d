// Copyright (c) 2026, crm_portal developers
// For license information, please see license.txt

frappe.ui.form.on("CRM Catalog", {
	refresh(frm) {
		const wrapper = frm.get_field("pdf_preview").$wrapper;
		wrapper.empty();
		if (!frm.doc.pdf_file) return;
		const url = encodeURI(frm.doc.pdf_file);
		frm.add_custom_button(__("Show PDF"), () => window.open(url, "_blank"));
		$("<iframe>")
			.attr({ src: url, title: __("PDF File") })
			.css({ width: "100%", height: "70vh", border: 0 })
			.appendTo(wrapper);
	},
});

// CRM Prospect and Customer: the account sheet ("fiche client / prospect") and the address envelope
// (print formats of crm_portal), and the sheet's PDF attached to the account.
(() => {
	const CRM_ACCOUNT_PRINTS = {
		"CRM Prospect": { sheet: "CRM Prospect Sheet", envelope: "CRM Prospect Envelope" },
		Customer: { sheet: "CRM Customer Sheet", envelope: "CRM Customer Envelope" },
	};

	function crm_account_print_buttons(frm) {
		if (frm.is_new() || !frappe.model.can_print(frm.doctype, frm)) return;
		const formats = CRM_ACCOUNT_PRINTS[frm.doctype];
		const open = (format) =>
			window.open(
				`/printview?doctype=${encodeURIComponent(frm.doctype)}&name=${encodeURIComponent(frm.doc.name)}` +
					`&format=${encodeURIComponent(format)}&no_letterhead=0`,
				"_blank"
			);
		frm.add_custom_button(__("Account Sheet"), () => open(formats.sheet), __("Print"));
		frm.add_custom_button(__("Envelope"), () => open(formats.envelope), __("Print"));
		if (frm.perm[0] && frm.perm[0].write) {
			frm.add_custom_button(
				__("Attach Account Sheet PDF"),
				() =>
					frappe.call({
						method: "crm_portal.api.printing.attach_account_sheet",
						type: "POST",
						args: { doctype: frm.doctype, name: frm.doc.name },
						freeze: true,
						callback(r) {
							if (!r.message) return;
							frappe.show_alert({ message: __("Account sheet attached"), indicator: "green" });
							frm.reload_doc();
						},
					}),
				__("Print")
			);
		}
	}

	frappe.ui.form.on("CRM Prospect", { refresh: crm_account_print_buttons });
	frappe.ui.form.on("Customer", { refresh: crm_account_print_buttons });
})();

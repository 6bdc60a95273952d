// Quotation form (hooks.py doctype_js): the approval state of an opportunity's proposal and, once it is
// "Validée", "Envoyer la lettre de mission": Frappe's e-mail composer to the opportunity's contact with the
// PDF of the print format "Lettre de mission" attached (crm_portal/pipeline/mission_letter.py). The server
// refuses the e-mail before "Validée" whatever the path; the button only shows what it allows.
(() => {
	const API = "crm_portal.pipeline.mission_letter.";
	const VALIDATED = "Validée";
	const esc = (value) => frappe.utils.escape_html(value === null || value === undefined ? "" : String(value));

	async function open_mission_letter(frm) {
		const defaults = await frappe.xcall(API + "get_mission_letter_defaults", { quotation: frm.doc.name });
		const composer = new frappe.views.CommunicationComposer({
			doc: frm.doc,
			frm,
			subject: defaults.subject,
			recipients: defaults.recipients,
			message: defaults.message,
			attach_document_print: true,
			// Without a signature of their own, Frappe looks one up on the Email Accounts, which a salesperson
			// may not read: that refusal would interrupt the composer (no message, an error dialog).
			get_signature(sender_email) {
				if (frappe.boot.user.email_signature || frappe.model.can_read("Email Account")) {
					return frappe.views.CommunicationComposer.prototype.get_signature.call(this, sender_email);
				}
				return Promise.resolve("");
			},
		});
		// The composer selects the DocType's first print format: attach the mission letter, in its language.
		const select = composer.dialog.fields_dict.select_print_format;
		if (select?.$input?.find(`option[value="${CSS.escape(defaults.print_format)}"]`).length) {
			select.$input.val(defaults.print_format).trigger("change");
			// the composer takes the quotation's own language; the letter is written in its format's
			const set_language = () => composer.dialog.set_value("print_language", defaults.language);
			if (defaults.language) composer.dialog.$wrapper.one("shown.bs.modal", set_language);
		}
		composer.dialog.$wrapper.addClass("crm-mission-letter-composer");
		return composer;
	}

	function show_approval(frm) {
		const state = frm.doc.workflow_state;
		if (!frm.doc.crm_opportunity || !state || state === VALIDATED) return;
		let message = "";
		if (state === "À valider") {
			const approver = frm.doc.crm_approver
				? frappe.user.full_name(frm.doc.crm_approver)
				: frm.doc.crm_approver_role || "";
			message = __("To be approved by {0} since {1}", [
				esc(approver),
				esc(frappe.datetime.str_to_user(frm.doc.crm_approval_requested_on || "")),
			]);
		} else if (state === "Refusée") {
			message = __("Refused: {0}", [esc(frm.doc.crm_refusal_reason || "")]);
		}
		if (message) frm.dashboard.set_headline_alert(message, state === "Refusée" ? "red" : "orange");
	}

	frappe.ui.form.on("Quotation", {
		refresh(frm) {
			if (frm.is_new() || !frm.doc.crm_opportunity) return;
			show_approval(frm);
			if (frm.doc.workflow_state === VALIDATED && frm.doc.docstatus < 2 && frappe.model.can_email(null, frm)) {
				frm.add_custom_button(__("Send the mission letter"), () => open_mission_letter(frm));
				// Asked from the opportunity's form (crm_opportunity.js): open the composer once the form is here.
				if (frappe.crm_portal_mission_letter === frm.doc.name) {
					delete frappe.crm_portal_mission_letter;
					open_mission_letter(frm);
				}
			}
		},
	});
})();

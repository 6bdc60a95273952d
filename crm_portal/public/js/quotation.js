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
			// the composer's title (set as HTML) would otherwise be the subject, which holds the title as typed
			title: __("Send the mission letter"),
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

	/** The workflow's "Refuser" asks the reason first (the server refuses a refusal without one), then refuses
	 * in one call (crm_portal.pipeline.approval.refuse). Frappe's own apply_workflow never runs: the promise
	 * stays pending, the form is refreshed from the answer. */
	function ask_refusal_reason(frm) {
		frappe.dom.unfreeze();
		return new Promise(() => {
			const dialog = new frappe.ui.Dialog({
				title: __("Refuse the quotation {0}", [esc(frm.doc.name)]),
				fields: [
					// filled below as text: an HTML field's options are a template (Frappe renders "{{ }}" in them)
					{ fieldtype: "HTML", fieldname: "about" },
					{
						fieldtype: "Small Text",
						fieldname: "reason",
						label: __("Reason of the refusal"),
						description: __("The salesperson reads it on the opportunity."),
						default: frm.doc.crm_refusal_reason || "",
						reqd: 1,
						// Frappe also draws the value as HTML in the control's (hidden) read-only area
						formatter: (value) => esc(value).replace(/\n/g, "<br>"),
					},
				],
				primary_action_label: __("Refuse"),
				secondary_action_label: __("Cancel"),
				secondary_action: () => dialog.hide(),
				primary_action: async ({ reason }) => {
					dialog.disable_primary_action();
					try {
						const doc = await frappe.xcall("crm_portal.pipeline.approval.refuse", {
							quotation: frm.doc.name,
							reason,
						});
						dialog.hide();
						frappe.model.sync(doc);
						frm.selected_workflow_action = null;
						frm.refresh();
					} finally {
						dialog.enable_primary_action();
					}
				},
			});
			dialog.fields_dict.about.$wrapper
				.empty()
				.append(
					$('<p class="crm-refusal-about">').text(
						[frm.doc.customer_name || frm.doc.party_name, format_currency(frm.doc.grand_total, frm.doc.currency)]
							.filter(Boolean)
							.join(" · ")
					)
				);
			dialog.$wrapper.addClass("crm-refusal-dialog");
			dialog.show();
		});
	}

	/** The refusal reason is kept as typed (no sanitizer): shown as text when the field is read-only. */
	function reason_as_text(frm) {
		const field = frm.fields_dict.crm_refusal_reason;
		if (!field || field.df.formatter) return;
		field.df.formatter = (value) => esc(value).replace(/\n/g, "<br>");
		if (frm.doc) frm.refresh_field("crm_refusal_reason");
	}

	frappe.ui.form.on("Quotation", {
		setup: reason_as_text,
		onload: reason_as_text,
		before_workflow_action(frm) {
			if (frm.selected_workflow_action === "Refuser" && frm.doc.crm_opportunity) return ask_refusal_reason(frm);
		},
		refresh(frm) {
			reason_as_text(frm);
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

// Lead (ERPNext) in the CRM portal: status, scoring, and the conversion of a qualified lead into an
// account, a contact and optionally an opportunity (crm_portal.api.leads.convert_lead, one transaction).
(() => {
	frappe.ui.form.on("Lead", {
		refresh(frm) {
			if (frm.is_new()) return;
			if (frm.doc.crm_converted_account) {
				show_conversion(frm);
				return;
			}
			frm.add_custom_button(__("Convert"), () => open_conversion_dialog(frm)).addClass("btn-primary");
		},
	});

	function show_conversion(frm) {
		const esc = frappe.utils.escape_html;
		const link = (doctype, name) =>
			name ? `<a href="/app/${frappe.router.slug(doctype)}/${encodeURIComponent(name)}">${esc(name)}</a>` : "";
		const parts = [
			`${esc(__(frm.doc.crm_converted_account_type))} ${link(frm.doc.crm_converted_account_type, frm.doc.crm_converted_account)}`,
			frm.doc.crm_converted_contact ? `${esc(__("Contact"))} ${link("Contact", frm.doc.crm_converted_contact)}` : "",
			frm.doc.crm_converted_opportunity
				? `${esc(__("Opportunity"))} ${link("CRM Opportunity", frm.doc.crm_converted_opportunity)}`
				: "",
		].filter(Boolean);
		frm.dashboard.set_headline(`${esc(__("Converted into"))}: ${parts.join(", ")}`, "green");
	}

	const NEW = "new";
	const EXISTING = "existing";

	async function open_conversion_dialog(frm) {
		const defaults = await frappe.xcall("crm_portal.api.leads.get_conversion_defaults", { lead: frm.doc.name });
		if (!defaults.can_convert) {
			frappe.msgprint({ title: __("Cannot convert"), message: defaults.reason, indicator: "orange" });
			return;
		}
		const account = defaults.account_values || {};
		const contact = defaults.contact_values || {};
		const opportunity = defaults.opportunity_values || {};
		const is_new_account = "eval:doc.account_mode=='new'";
		const dialog = new frappe.ui.Dialog({
			title: __("Convert Lead"),
			size: "large",
			fields: [
				{ fieldtype: "Section Break", label: __("Account") },
				{
					fieldname: "account_mode",
					fieldtype: "Select",
					label: __("Convert the lead into"),
					options: [
						{ value: NEW, label: __("A new account") },
						{ value: EXISTING, label: __("An existing account") },
					],
					default: NEW,
					reqd: 1,
					onchange: () => {
						if (dialog.get_value("account_mode") === NEW) dialog.set_value("contact_mode", NEW);
					},
				},
				{
					fieldname: "account_type",
					fieldtype: "Select",
					label: __("Account Type"),
					options: [
						{ value: "CRM Prospect", label: __("CRM Prospect") },
						{ value: "Customer", label: __("Customer") },
					],
					default: "CRM Prospect",
					reqd: 1,
					onchange: () => dialog.set_value("account", ""),
				},
				{
					fieldname: "account",
					fieldtype: "Dynamic Link",
					options: "account_type",
					label: __("Account"),
					depends_on: "eval:doc.account_mode=='existing'",
					mandatory_depends_on: "eval:doc.account_mode=='existing'",
				},
				{ fieldtype: "Column Break" },
				{
					fieldname: "call_name",
					fieldtype: "Data",
					label: __("Call Name"),
					default: account.call_name,
					depends_on: is_new_account,
					mandatory_depends_on: is_new_account,
				},
				{
					fieldname: "siren",
					fieldtype: "Data",
					label: __("SIREN"),
					depends_on: is_new_account,
				},
				{
					fieldname: "siret",
					fieldtype: "Data",
					label: __("SIRET"),
					depends_on: is_new_account,
				},
				{
					fieldname: "legal_form",
					fieldtype: "Select",
					label: __("Legal Form"),
					options: ["", ...(defaults.legal_forms || [])],
					description: __("Without SIREN: En cours d'immatriculation"),
					depends_on: is_new_account,
				},
				{ fieldtype: "Section Break", label: __("Contact") },
				{
					fieldname: "contact_mode",
					fieldtype: "Select",
					label: __("Convert the lead into"),
					options: [
						{ value: NEW, label: __("A new contact") },
						{ value: EXISTING, label: __("An existing contact of the account") },
					],
					default: NEW,
					reqd: 1,
				},
				{
					fieldname: "contact",
					fieldtype: "Link",
					options: "Contact",
					label: __("Contact"),
					depends_on: "eval:doc.contact_mode=='existing'",
					mandatory_depends_on: "eval:doc.contact_mode=='existing'",
					get_query: () => ({
						query: "frappe.contacts.doctype.contact.contact.contact_query",
						filters: {
							link_doctype: dialog.get_value("account_type"),
							link_name: dialog.get_value("account"),
						},
					}),
				},
				{ fieldtype: "Column Break" },
				...[
					["first_name", "Data", __("First Name"), 1],
					["last_name", "Data", __("Last Name"), 0],
					["designation", "Data", __("Function"), 0],
					["email_id", "Data", __("Email"), 0],
					["mobile_no", "Data", __("Mobile"), 0],
				].map(([fieldname, fieldtype, label, reqd]) => ({
					fieldname,
					fieldtype,
					label,
					default: contact[fieldname],
					depends_on: "eval:doc.contact_mode=='new'",
					mandatory_depends_on: reqd ? "eval:doc.contact_mode=='new'" : undefined,
				})),
				{ fieldtype: "Section Break", label: __("Opportunity") },
				{ fieldname: "create_opportunity", fieldtype: "Check", label: __("Create an Opportunity") },
				{
					fieldname: "portfolio",
					fieldtype: "Link",
					options: "CRM Portfolio",
					label: __("Portfolio"),
					depends_on: "create_opportunity",
					mandatory_depends_on: "create_opportunity",
					get_query: () => ({ filters: { is_active: 1 } }),
				},
				{
					fieldname: "title",
					fieldtype: "Data",
					label: __("Opportunity Name"),
					default: opportunity.title,
					depends_on: "create_opportunity",
					mandatory_depends_on: "create_opportunity",
				},
				{ fieldtype: "Column Break" },
				{ fieldname: "amount", fieldtype: "Currency", label: __("Amount"), depends_on: "create_opportunity" },
				{
					fieldname: "expected_signature_date",
					fieldtype: "Date",
					label: __("Expected Signature Date"),
					depends_on: "create_opportunity",
				},
			],
			primary_action_label: __("Convert"),
			primary_action(values) {
				const pick = (keys) =>
					Object.fromEntries(keys.filter((k) => values[k] !== undefined && values[k] !== "").map((k) => [k, values[k]]));
				const args = {
					lead: frm.doc.name,
					modified: frm.doc.modified,
					account_mode: values.account_mode,
					account_type: values.account_type,
					account: values.account_mode === EXISTING ? values.account : null,
					account_values: values.account_mode === NEW ? pick(["call_name", "siren", "siret", "legal_form"]) : {},
					contact_mode: values.contact_mode,
					contact: values.contact_mode === EXISTING ? values.contact : null,
					contact_values:
						values.contact_mode === NEW
							? pick(["first_name", "last_name", "designation", "email_id", "mobile_no"])
							: {},
					create_opportunity: values.create_opportunity ? 1 : 0,
					opportunity_values: values.create_opportunity
						? pick(["portfolio", "title", "amount", "expected_signature_date"])
						: {},
				};
				frappe.call({
					method: "crm_portal.api.leads.convert_lead",
					type: "POST",
					args,
					freeze: true,
					freeze_message: __("Converting…"),
					callback(r) {
						if (!r.message) return;
						dialog.hide();
						frappe.show_alert({ message: __("Lead converted"), indicator: "green" });
						frm.reload_doc();
					},
				});
			},
		});
		dialog.show();
	}
})();

// CRM Opportunity: recurring revenue shown when the settings manage it; PDF catalogs (when enabled)
// viewable from the form. Rules stay on the server (crm_portal/pipeline/extras.py).
(() => {
	frappe.ui.form.on("CRM Opportunity", {
		async refresh(frm) {
			const settings = await crm_portal_extras_settings();
			frm.toggle_display("recurring_section", settings.manage_recurring || !!frm.doc.recurring_amount);
			if (settings.manage_catalogs && !frm.is_new()) {
				frm.add_custom_button(__("Catalogs"), () => show_catalogs(), __("View"));
			}
		},
	});

	let extras_settings;
	async function crm_portal_extras_settings() {
		if (!extras_settings) {
			const get = (field) => frappe.db.get_single_value("CRM Portal Settings", field);
			const [manage_recurring, manage_catalogs] = await Promise.all([get("manage_recurring"), get("manage_catalogs")]);
			extras_settings = { manage_recurring: !!manage_recurring, manage_catalogs: !!manage_catalogs };
		}
		return extras_settings;
	}

	async function show_catalogs() {
		const catalogs = await frappe.xcall("crm_portal.api.catalogs.get_catalogs");
		const esc = frappe.utils.escape_html;
		const rows = catalogs.map(
			(c) => `<tr>
				<td>${esc(c.catalog_name)}</td>
				<td>${esc(c.catalog_type || "")}</td>
				<td>${c.pdf_file ? `<a href="${esc(encodeURI(c.pdf_file))}" target="_blank" rel="noopener">${esc(__("Show PDF"))}</a>` : ""}</td>
			</tr>`
		);
		const body = catalogs.length
			? `<table class="table table-bordered"><thead><tr><th>${esc(__("Catalog"))}</th><th>${esc(
					__("Catalog Type")
			  )}</th><th></th></tr></thead><tbody>${rows.join("")}</tbody></table>`
			: `<p class="text-muted">${esc(__("No catalog yet"))}</p>`;
		const dialog = new frappe.ui.Dialog({
			title: __("Catalogs"),
			// Filled once made: Frappe renders an HTML field's `options` as a template ({{ … }} would run).
			fields: [{ fieldtype: "HTML", fieldname: "list" }],
		});
		dialog.fields_dict.list.$wrapper.html(body);
		dialog.show();
	}
})();

// Accounts & contacts search (/app/crm-accounts). Thin entry: the controller is a plain ES module served
// from /assets/crm_portal, its DOM-free logic (../logic/accounts.mjs) tested with node.
frappe.pages["crm-accounts"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Accounts & Contacts"),
		single_column: true,
	});
	const version = encodeURIComponent(frappe.boot?.versions?.crm_portal || "");
	// the CRM navigation (board · calendar · actions · accounts)
	import(`/assets/crm_portal/js/nav.js?v=${version}`).then(({ addCrmNav }) => addCrmNav(page, "accounts"));
	frappe.require("/assets/crm_portal/css/activities.css", () => {
		import(`/assets/crm_portal/js/accounts/accounts.js?v=${version}`)
			.then(({ CrmAccounts }) => {
				wrapper.crm_accounts = new CrmAccounts(wrapper, page);
			})
			.catch((error) => {
				console.error(error);
				frappe.msgprint(__("The accounts page could not be loaded."));
			});
	});
};

frappe.pages["crm-accounts"].on_page_show = function (wrapper) {
	wrapper.crm_accounts?.on_show();
};

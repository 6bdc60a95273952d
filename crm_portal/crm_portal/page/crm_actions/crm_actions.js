// Actions menu (/app/crm-actions). Thin entry: the controller is a plain ES module served from
// /assets/crm_portal (no bundler step), its DOM-free logic (../logic/actions.mjs) tested with node.
frappe.pages["crm-actions"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Actions"),
		single_column: true,
	});
	const version = encodeURIComponent(frappe.boot?.versions?.crm_portal || "");
	// the CRM navigation (board · calendar · actions · accounts)
	import(`/assets/crm_portal/js/nav.js?v=${version}`).then(({ addCrmNav }) => addCrmNav(page, "actions"));
	frappe.require("/assets/crm_portal/css/activities.css", () => {
		import(`/assets/crm_portal/js/actions/actions.js?v=${version}`)
			.then(({ CrmActions }) => {
				wrapper.crm_actions = new CrmActions(wrapper, page);
			})
			.catch((error) => {
				console.error(error);
				frappe.msgprint(__("The actions page could not be loaded."));
			});
	});
};

frappe.pages["crm-actions"].on_page_show = function (wrapper) {
	wrapper.crm_actions?.on_show();
};

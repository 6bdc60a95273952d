// Opportunities board and signature calendar (/app/crm-board). Thin entry: the controller is a plain
// ES module served from /assets/crm_portal (no bundler step), its DOM-free logic tested with node.
frappe.pages["crm-board"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Opportunities"),
		single_column: true,
	});
	const version = encodeURIComponent(frappe.boot?.versions?.crm_portal || "");
	// the CRM navigation (board · calendar · actions · accounts); the board marks its view itself
	import(`/assets/crm_portal/js/nav.js?v=${version}`).then(({ addCrmNav }) =>
		addCrmNav(page, new URLSearchParams(window.location.search).get("view") === "calendar" ? "calendar" : "board")
	);
	frappe.require("/assets/crm_portal/css/board.css", () => {
		import(`/assets/crm_portal/js/board/board.js?v=${version}`)
			.then(({ CrmBoard }) => {
				wrapper.crm_board = new CrmBoard(wrapper, page);
			})
			.catch((error) => {
				console.error(error);
				frappe.msgprint(__("The opportunities board could not be loaded."));
			});
	});
};

frappe.pages["crm-board"].on_page_show = function (wrapper) {
	wrapper.crm_board?.on_show();
};

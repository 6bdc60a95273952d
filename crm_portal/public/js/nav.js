// The compact CRM navigation of the desk pages (board · calendar · actions · accounts), at the top of each
// CRM page: one click from any of them to the others. Used by the page entries in
// crm_portal/crm_portal/page/*/ and by the board when it switches between Kanban and calendar.

export const CRM_PAGES = [
	{ key: "board", page: "crm-board", view: "board", label: () => __("Board") },
	{ key: "calendar", page: "crm-board", view: "calendar", label: () => __("Signature calendar") },
	{ key: "actions", page: "crm-actions", label: () => __("Actions") },
	{ key: "accounts", page: "crm-accounts", label: () => __("Accounts & Contacts") },
];

/** Go to a CRM page. The board's view travels in frappe.route_options (Frappe's router keeps no query
 * string, and does nothing for a link to the page already shown): the board reads it when shown, or is
 * told directly when it is the page on screen. */
function go(item) {
	if (item.view) {
		const board = document.getElementById("page-crm-board")?.crm_board;
		if (board && frappe.get_route()[0] === "crm-board") return board.set_view(item.view);
		frappe.route_options = { ...(frappe.route_options || {}), view: item.view };
	}
	frappe.set_route(item.page);
}

/** Add the navigation to a page (once) and mark `current` as the page shown. */
export function addCrmNav(page, current) {
	const $main = $(page.main);
	let $nav = $main.children(".crm-nav");
	if (!$nav.length) {
		$nav = $(`<nav class="crm-nav btn-group mb-3" role="navigation" aria-label="${frappe.utils.escape_html(__("CRM"))}"></nav>`);
		for (const item of CRM_PAGES) {
			$(`<a class="btn btn-default btn-sm"></a>`)
				.attr({ href: `/app/${item.page}${item.view ? `?view=${item.view}` : ""}`, "data-crm-nav": item.key })
				.text(item.label())
				.appendTo($nav);
		}
		$nav.on("click", "[data-crm-nav]", (e) => {
			if (e.ctrlKey || e.metaKey || e.shiftKey || e.button) return; // a new tab follows the href
			e.preventDefault();
			e.stopPropagation();
			go(CRM_PAGES.find((item) => item.key === e.currentTarget.dataset.crmNav));
		});
		$nav.prependTo($main);
	}
	setCrmNavActive(page, current);
	return $nav;
}

export function setCrmNavActive(page, current) {
	$(page.main)
		.children(".crm-nav")
		.find("[data-crm-nav]")
		.each((_, link) => {
			const active = link.dataset.crmNav === current;
			link.classList.toggle("active", active);
			link.classList.toggle("btn-primary", active);
			link.classList.toggle("btn-default", !active);
			if (active) link.setAttribute("aria-current", "page");
			else link.removeAttribute("aria-current");
		});
}

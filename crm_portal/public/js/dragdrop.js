// Drag and drop of the desk pages (the board's cards onto columns and drop zones, the actions' tiles onto
// their zones): the same jQuery handlers, delegated from the page body, with the page's own selectors.
// While an item is dragged the body carries `crm-dragging`; the zone under it carries `crm-drop-over`.

/**
 * Bind drag and drop on `$body`.
 * - item: selector of the draggable elements; their `data-name` is what is dragged.
 * - itemEnd: selector whose `dragend` ends the drag (default: item).
 * - zone: selector of the drop targets; zoneAttr: their attribute naming the target.
 * - onDrop(name, target): called on a drop with the dragged name and the zone's attribute value.
 */
export function bindDragAndDrop($body, { item, itemEnd = item, zone, zoneAttr, onDrop }) {
	let dragging = null;
	$body.on("dragstart", item, (e) => {
		dragging = $(e.currentTarget).attr("data-name");
		e.originalEvent.dataTransfer.setData("text/plain", dragging);
		e.originalEvent.dataTransfer.effectAllowed = "move";
		$body.addClass("crm-dragging");
	});
	$body.on("dragend", itemEnd, () => {
		$body.removeClass("crm-dragging");
		$body.find(".crm-drop-over").removeClass("crm-drop-over");
	});
	$body.on("dragover", zone, (e) => {
		e.preventDefault();
		e.originalEvent.dataTransfer.dropEffect = "move";
		$(e.currentTarget).addClass("crm-drop-over");
	});
	$body.on("dragleave", zone, (e) => $(e.currentTarget).removeClass("crm-drop-over"));
	$body.on("drop", zone, (e) => {
		e.preventDefault();
		e.stopPropagation();
		$body.removeClass("crm-dragging");
		$(e.currentTarget).removeClass("crm-drop-over");
		const name = e.originalEvent.dataTransfer.getData("text/plain") || dragging;
		dragging = null;
		if (name) onDrop(name, $(e.currentTarget).attr(zoneAttr));
	});
}

"""Static checks of the CRM Portal workspace (no Frappe import): every card, chart, report and page it
names is shipped by the app (or, for pages built elsewhere, named as agreed), and its content blocks
match its child tables."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "crm_portal" / "crm_portal"
WORKSPACE = json.loads((MODULE / "workspace" / "crm_portal" / "crm_portal.json").read_text())
CONTENT = json.loads(WORKSPACE["content"])


def scrub(name: str) -> str:
	return name.replace(" ", "_").replace("-", "_").lower()


def record(kind: str, name: str) -> dict:
	path = MODULE / kind / scrub(name) / f"{scrub(name)}.json"
	assert path.exists(), f"{kind} {name!r} is not shipped ({path.relative_to(ROOT)})"
	return json.loads(path.read_text())


def test_number_cards_exist_and_match_the_content():
	names = [c["number_card_name"] for c in WORKSPACE["number_cards"]]
	assert len(names) == 5
	# the desk matches a content block to a child row by the row's label
	labels = [c["label"] for c in WORKSPACE["number_cards"]]
	assert labels == [b["data"]["number_card_name"] for b in CONTENT if b["type"] == "number_card"]
	for name in names:
		card = record("number_card", name)
		assert card["name"] == name and card["is_standard"] == 1
		assert card.get("document_type"), "a card without document type is hidden from non-managers"
		if card["type"] == "Custom":
			module, _, function = card["method"].rpartition(".")
			source = (ROOT / Path(*module.split("."))).with_suffix(".py").read_text()
			assert f"def {function}(" in source
		else:
			json.loads(card["filters_json"])


def test_charts_exist_with_their_sources():
	names = [c["chart_name"] for c in WORKSPACE["charts"]]
	labels = [c["label"] for c in WORKSPACE["charts"]]
	assert labels == [b["data"]["chart_name"] for b in CONTENT if b["type"] == "chart"]
	for name in names:
		chart = record("dashboard_chart", name)
		assert chart["chart_type"] == "Custom"
		assert {r["role"] for r in chart["roles"]} >= {"Sales User", "Sales Manager"}
		source = record("dashboard_chart_source", chart["source"])
		folder = MODULE / "dashboard_chart_source" / scrub(source["name"])
		assert (folder / f"{scrub(source['name'])}.py").exists()
		assert f'chart_sources["{source["name"]}"]' in (folder / f"{scrub(source['name'])}.js").read_text()


def test_shortcuts_and_links_point_at_shipped_reports_and_agreed_pages():
	shortcut_labels = {s["label"] for s in WORKSPACE["shortcuts"]}
	assert shortcut_labels == {b["data"]["shortcut_name"] for b in CONTENT if b["type"] == "shortcut"}
	pages = {s["link_to"] for s in WORKSPACE["shortcuts"] if s["type"] == "Page"}
	assert pages == {"crm-board", "crm-actions", "crm-accounts"}
	reports = {s["link_to"] for s in WORKSPACE["shortcuts"] if s["type"] == "Report"}
	reports |= {link["link_to"] for link in WORKSPACE["links"] if link.get("link_type") == "Report"}
	assert reports == {"Pipeline by Stage", "Wins", "Sales Activity", "Signature Forecast", "Deals at Risk"}
	for name in reports:
		report = record("report", name)
		assert report["report_type"] == "Script Report" and report["ref_doctype"]
		assert (MODULE / "report" / scrub(name) / f"{scrub(name)}.js").exists()
	cards = {b["data"]["card_name"] for b in CONTENT if b["type"] == "card"}
	assert cards == {link["label"] for link in WORKSPACE["links"] if link["type"] == "Card Break"}

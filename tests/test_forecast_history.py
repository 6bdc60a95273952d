"""Rebuilding the stage-change log from Versions (crm_portal/forecast/history.py)."""

from datetime import datetime

import pytest

from crm_portal.forecast.history import as_number, rebuild

TYPES = {"QUAL": "Open", "PROP": "Open", "WON": "Won"}
CREATED = datetime(2025, 3, 1, 10, 0)


def test_creation_then_each_stage_change():
	opportunity = {
		"name": "OPP-1",
		"creation": CREATED,
		"owner": "a@x",
		"stage": "WON",
		"status": "Won",
		"amount": 900,
		"days": 3,
	}
	versions = [
		(datetime(2025, 3, 2), "a@x", {"changed": [["amount", 500, 700]]}),
		(datetime(2025, 3, 5), "b@x", {"changed": [["stage", "QUAL", "PROP"], ["amount", 700, 800]]}),
		(datetime(2025, 3, 9), "b@x", {"changed": [["stage", "PROP", "WON"], ["status", "Open", "Won"]]}),
		(datetime(2025, 3, 10), "b@x", {"changed": [["amount", 800, 900]]}),
	]
	rows = rebuild(opportunity, versions, TYPES)
	assert [(r["from_stage"], r["to_stage"], r["to_status"]) for r in rows] == [
		(None, "QUAL", "Open"),
		("QUAL", "PROP", "Open"),
		("PROP", "WON", "Won"),
	]
	assert [r["amount"] for r in rows] == [500, 800, 800]
	assert rows[0]["changed_on"] == CREATED and rows[0]["user"] == "a@x"
	assert rows[2]["user"] == "b@x" and rows[2]["from_status"] == "Open"


def test_no_versions_gives_the_creation_only():
	opportunity = {"creation": CREATED, "owner": "a@x", "stage": "PROP", "status": "Open", "amount": 1}
	assert [(r["to_stage"], r["to_status"]) for r in rebuild(opportunity, [], TYPES)] == [("PROP", "Open")]


def test_status_follows_the_stage_type_when_not_recorded():
	opportunity = {"creation": CREATED, "owner": "a@x", "stage": "WON", "status": "Won"}
	versions = [(datetime(2025, 4, 1), "a@x", {"changed": [["stage", "QUAL", "WON"]]})]
	rows = rebuild(opportunity, versions, TYPES)
	assert [(r["from_status"], r["to_status"]) for r in rows] == [(None, "Open"), ("Open", "Won")]


@pytest.mark.parametrize(
	"shown,number",
	[
		("$ 2,000.00", 2000),
		("2 000,50 €", 2000.5),
		("1.234.567", 1234567),
		("1,234,567.5", 1234567.5),
		("12", 12),
		("0.5", 0.5),
		("1'250.00", 1250),
		("-3,5", -3.5),
		(1500, 1500),
		(None, 0),
		("", 0),
		("€", 0),
	],
)
def test_amounts_as_versions_show_them(shown, number):
	assert as_number(shown) == number

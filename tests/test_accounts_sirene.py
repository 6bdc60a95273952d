"""SIRENE lookup: response parsing, fill-only-empty mapping and errors, against a local HTTP server."""

import pytest

from crm_portal.accounts import sirene
from crm_portal.tests.sirene_server import (
	BROKEN_NUMBER,
	GARBAGE_NUMBER,
	SLOW_NUMBER,
	SireneTestServer,
	search_answer,
)


@pytest.fixture(scope="module")
def server():
	with SireneTestServer(slow_seconds=2) as s:
		yield s


def test_lookup_by_siret_gives_the_establishment(server):
	company = sirene.lookup(server.url, "328 025 903 00019")
	assert company["siren"] == "328025903"
	assert company["siret"] == "32802590300019"
	assert company["name"] == "KAOLA"
	assert company["ape_code"] == "62.01Z"
	assert company["legal_form_code"] == "5710"
	assert not company["closed"]
	assert sirene.address_values(company) == {
		"address_line1": "38 RUE POUSSIN",
		"address_line2": None,
		"pincode": "75016",
		"city": "PARIS",
		"country": "France",
	}
	assert any("q=32802590300019" in path for path in server.requests)


def test_lookup_by_siren_has_no_address(server):
	company = sirene.lookup(server.url, "328025903")
	assert company["siret"] is None
	assert sirene.address_values(company) is None
	assert sirene.account_values(company) == {
		"call_name": "KAOLA",
		"legal_name": "KAOLA",
		"ape_code": "62.01Z",
		"siren": "328025903",
	}


def test_la_poste_establishment(server):
	company = sirene.lookup(server.url, "35600000000010")
	assert company["siren"] == "356000000"
	address = sirene.address_values(company)
	assert address["city"] == "LYON"
	assert address["address_line1"] == "12 PL DE LA MAIRIE"
	assert address["address_line2"] == "BUREAU DE POSTE"


def test_unknown_number(server):
	with pytest.raises(sirene.SireneError) as e:
		sirene.lookup(server.url, "440529949")
	assert e.value.code == sirene.NOT_FOUND


def test_unknown_establishment_of_a_known_company(server):
	# A valid SIRET of KAOLA's SIREN that the register does not have.
	from stdnum import luhn

	body = "3280259030002"
	with pytest.raises(sirene.SireneError) as e:
		sirene.lookup(server.url, body + luhn.calc_check_digit(body))
	assert e.value.code == sirene.NOT_FOUND


def test_invalid_number_never_reaches_the_api(server):
	before = len(server.requests)
	for number in ("328025904", "1234", "KAOLA", ""):
		with pytest.raises(sirene.SireneError) as e:
			sirene.lookup(server.url, number)
		assert e.value.code == sirene.INVALID_NUMBER
	assert len(server.requests) == before


def test_timeout(server):
	with pytest.raises(sirene.SireneError) as e:
		sirene.lookup(server.url, SLOW_NUMBER, timeout=0.3)
	assert e.value.code == sirene.TIMEOUT


def test_server_error(server):
	with pytest.raises(sirene.SireneError) as e:
		sirene.lookup(server.url, BROKEN_NUMBER)
	assert e.value.code == sirene.UNAVAILABLE


def test_not_json(server):
	with pytest.raises(sirene.SireneError) as e:
		sirene.lookup(server.url, GARBAGE_NUMBER)
	assert e.value.code == sirene.BAD_RESPONSE


def test_api_down():
	with SireneTestServer() as s:
		url = s.url
	with pytest.raises(sirene.SireneError) as e:
		sirene.lookup(url, "328025903", timeout=2)
	assert e.value.code == sirene.UNAVAILABLE


def test_wrong_base_url(server):
	with pytest.raises(sirene.SireneError) as e:
		sirene.lookup(server.url + "/nothing-here", "328025903")
	assert e.value.code == sirene.NOT_FOUND


def test_parse_rejects_unknown_shapes():
	for payload in (None, [], {"results": None}, "text"):
		with pytest.raises(sirene.SireneError) as e:
			sirene.parse_response(payload, "SIREN", "328025903")
		assert e.value.code == sirene.BAD_RESPONSE


def test_parse_ignores_other_companies():
	# The API's full-text search may answer other units: only the one with our SIREN counts.
	payload = search_answer("328025903")
	payload["results"][0] = {**payload["results"][0], "siren": "999999999"}
	with pytest.raises(sirene.SireneError):
		sirene.parse_response(payload, "SIREN", "328025903")


def test_closed_company():
	payload = search_answer("328025903")
	payload["results"][0]["etat_administratif"] = "C"
	assert sirene.parse_response(payload, "SIREN", "328025903")["closed"]


def test_fill_only_empty():
	current = {"call_name": "Kaola (mon nom)", "legal_name": "", "ape_code": None, "siren": "  "}
	found = {"call_name": "KAOLA", "legal_name": "KAOLA SAS", "ape_code": "62.01Z", "siren": None}
	assert sirene.fill_only_empty(current, found) == {"legal_name": "KAOLA SAS", "ape_code": "62.01Z"}
	assert sirene.fill_only_empty({}, {"a": "x"}) == {"a": "x"}
	assert sirene.fill_only_empty({"a": "y"}, {"a": "x"}) == {}

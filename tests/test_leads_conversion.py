"""Lead conversion (pure): the request checks and the values taken over from the lead."""

import pytest

from crm_portal.leads import conversion as cv
from crm_portal.leads.conversion import ConversionRequest

LEAD = {
	"lead_name": "Marie Curie",
	"first_name": "Marie",
	"last_name": "Curie",
	"company_name": "Radium SAS",
	"email_id": "marie@radium.example",
	"mobile_no": "+33 6 00 00 00 00",
	"job_title": "Directrice",
	"industry": "Chimie",
	"lead_owner": "alice@example.com",
	"territory": None,
}


def new_request(**overrides):
	values = {
		"account_values": cv.account_values(LEAD),
		"contact_values": cv.contact_values(LEAD),
	}
	values.update(overrides)
	return ConversionRequest(**values)


@pytest.mark.parametrize(
	"account_mode,contact_mode,extra",
	[
		(cv.NEW, cv.NEW, {}),
		(cv.EXISTING, cv.NEW, {"account": "PRO-00001"}),
		(cv.EXISTING, cv.EXISTING, {"account": "PRO-00001", "contact": "Jean Dupont"}),
	],
)
def test_valid_combinations(account_mode, contact_mode, extra):
	req = new_request(account_mode=account_mode, contact_mode=contact_mode, **extra)
	assert cv.request_errors(req) == []
	req.create_opportunity = True
	req.opportunity_values = cv.opportunity_values(LEAD, {"portfolio": "Conseil"})
	assert cv.request_errors(req) == []


def test_existing_contact_needs_existing_account():
	req = new_request(contact_mode=cv.EXISTING, contact="Jean Dupont")
	assert cv.request_errors(req) == [cv.CONTACT_NEEDS_EXISTING_ACCOUNT]


def test_missing_choices_are_all_reported():
	req = ConversionRequest(
		account_mode=cv.EXISTING,
		contact_mode=cv.EXISTING,
		create_opportunity=True,
		opportunity_values={"amount": -5},
	)
	assert cv.request_errors(req) == [
		cv.ACCOUNT_MISSING,
		cv.CONTACT_MISSING,
		cv.PORTFOLIO_MISSING,
		cv.OPPORTUNITY_TITLE_MISSING,
		cv.NEGATIVE_AMOUNT,
	]


def test_bad_modes_and_type():
	req = new_request(account_mode="merge", contact_mode="", account_type="Supplier")
	errors = cv.request_errors(req)
	assert cv.UNKNOWN_ACCOUNT_MODE in errors
	assert cv.UNKNOWN_CONTACT_MODE in errors
	assert cv.UNKNOWN_ACCOUNT_TYPE in errors


def test_new_account_and_contact_need_names():
	req = ConversionRequest(account_values={"call_name": "  "}, contact_values={})
	assert cv.request_errors(req) == [cv.ACCOUNT_NAME_MISSING, cv.CONTACT_NAME_MISSING]


def test_values_taken_over_from_the_lead():
	assert cv.account_values(LEAD) == {
		"call_name": "Radium SAS",
		"industry": "Chimie",
		"account_manager": "alice@example.com",
	}
	# what the user typed wins, empty inputs do not erase the lead's values
	assert cv.account_values(LEAD, {"call_name": "Radium", "industry": ""})["call_name"] == "Radium"
	assert cv.account_values(LEAD, {"industry": ""})["industry"] == "Chimie"
	contact = cv.contact_values(LEAD)
	assert contact["first_name"] == "Marie"
	assert contact["designation"] == "Directrice"
	assert contact["email_id"] == "marie@radium.example"


def test_private_person_lead():
	lead = {"lead_name": "Paul Martin"}
	assert cv.account_values(lead)["call_name"] == "Paul Martin"
	assert cv.contact_values(lead)["first_name"] == "Paul Martin"
	assert cv.opportunity_values(lead)["title"] == "Paul Martin"
	assert cv.opportunity_values(LEAD)["title"] == "Radium SAS"
	assert cv.opportunity_values(LEAD, {"title": "Audit"})["title"] == "Audit"

"""Quotation lines from an opportunity's estimate, and the approval thresholds (no Frappe)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm_portal.pipeline.quotation_lines import (
	MissingItemError,
	PricedLine,
	QuotationLine,
	approval_figures,
	needs_approval,
	quotation_lines,
)
from crm_portal.pipeline.rules import (
	ESTIMATE_AMOUNT,
	ESTIMATE_DAYS,
	ESTIMATE_QUANTITY,
	EstimateLine,
	line_amount,
)


def test_general_estimate_is_one_line_of_the_default_item():
	assert quotation_lines("General", 15000, "CONSEIL", title="Projet 1") == [
		QuotationLine("CONSEIL", 1.0, 15000.0, "Projet 1")
	]


def test_general_estimate_without_default_item_names_no_sale_type():
	with pytest.raises(MissingItemError) as caught:
		quotation_lines("General", 100, None)
	assert caught.value.sale_type is None


def test_each_mode_bills_as_its_sale_type_says():
	rows = [
		(EstimateLine(ESTIMATE_QUANTITY, quantity=3, unit_price=250), "LICENCE", "Licences", "3 licences"),
		(EstimateLine(ESTIMATE_DAYS, days=4.5, unit_price=900), "JOUR", "Régie", None),
		(EstimateLine(ESTIMATE_AMOUNT, amount=1200), "FORFAIT", "Forfait", "Audit"),
	]
	assert quotation_lines("Detailed", 0, None, rows) == [
		QuotationLine("LICENCE", 3.0, 250.0, "3 licences"),
		QuotationLine("JOUR", 4.5, 900.0, None),
		QuotationLine("FORFAIT", 1.0, 1200.0, "Audit"),
	]


def test_detailed_estimate_needs_an_item_on_each_sale_type():
	rows = [(EstimateLine(ESTIMATE_DAYS, days=2, unit_price=500), None, "Régie", None)]
	with pytest.raises(MissingItemError) as caught:
		quotation_lines("Detailed", 1000, "CONSEIL", rows)
	assert caught.value.sale_type == "Régie"


def test_detailed_estimate_without_lines_falls_back_to_the_default_item():
	assert quotation_lines("Detailed", 500, "CONSEIL", [], "P") == [QuotationLine("CONSEIL", 1.0, 500.0, "P")]


@given(
	mode=st.sampled_from([ESTIMATE_QUANTITY, ESTIMATE_DAYS, ESTIMATE_AMOUNT]),
	quantity=st.floats(0, 1000, allow_nan=False),
	days=st.floats(0, 1000, allow_nan=False),
	unit_price=st.floats(0, 10000, allow_nan=False),
	amount=st.floats(0, 1e7, allow_nan=False),
)
def test_quotation_line_totals_what_the_estimate_says(mode, quantity, days, unit_price, amount):
	"""The quotation is worth what the opportunity shows (to the cent per line)."""
	line = EstimateLine(mode, quantity, unit_price, days, amount)
	(quoted,) = quotation_lines("Detailed", 0, None, [(line, "ITEM", "T", None)])
	assert quoted.qty * quoted.rate == pytest.approx(line_amount(line), abs=0.01 * max(1, quoted.qty))


@pytest.mark.parametrize(
	"total, discounts, expected",
	[
		(10000, [0], False),  # "supérieur à 10 000"
		(10000.01, [0], True),
		(500, [5], False),
		(500, [0, 5.5], True),
	],
)
def test_approval_thresholds(total, discounts, expected):
	assert needs_approval(total, discounts, 10000, 5) is expected


def test_zero_threshold_switches_the_test_off():
	assert needs_approval(1e9, [99], 0, None) is False


def test_six_percent_on_a_2000_proposal_needs_approval():
	"""The issue's case, on the line and on the whole document."""
	on_line = approval_figures([PricedLine(1, 2000, 1880, 6)], 1880)
	on_document = approval_figures([PricedLine(1, 2000, 2000)], 1880, 6)
	for amount, discounts in (on_line, on_document):
		assert amount == 2000
		assert needs_approval(amount, discounts, 10000, 5) is True
	assert needs_approval(*approval_figures([PricedLine(1, 2000, 1900, 5)], 1900), 10000, 5) is False


def test_amount_is_before_discount():
	amount, discounts = approval_figures([PricedLine(1, 11000, 10450, 5)], 10450)
	assert amount == 11000
	assert needs_approval(amount, discounts, 10000, 5) is True  # 10 450 after discount, 11 000 before


def test_a_rate_typed_under_the_list_price_is_a_discount():
	amount, discounts = approval_figures([PricedLine(2, 1000, 900)], 1800)
	assert amount == 2000
	assert max(discounts) == 10


def test_lines_without_list_price_count_at_their_rate():
	amount, discounts = approval_figures([PricedLine(3, 0, 1000)], 3000)
	assert amount == 3000
	assert max(discounts) == 0

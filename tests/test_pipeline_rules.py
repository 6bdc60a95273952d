"""Stage rule resolution, weighting and estimate totals (pure, no Frappe)."""

import pytest

from crm_portal.pipeline import rules
from crm_portal.pipeline.rules import EstimateLine, Requirement, Stage

OPP, ACC = rules.TARGET_OPPORTUNITY, rules.TARGET_ACCOUNT

IDENT = Stage("ident", 1, "Open", (Requirement(OPP, "bu"),))
QUALIF = Stage("qualif", 2, "Open", (Requirement(OPP, "offer"), Requirement(ACC, "siren")))
PROPOSAL = Stage("proposal", 3, "Open", (Requirement(OPP, "amount"), Requirement(OPP, "bu")))
WON = Stage("won", 10, "Won", (Requirement(OPP, "signed_on"),))
LOST = Stage("lost", 11, "Lost", (Requirement(OPP, "lost_reason"),))
ALL = [LOST, PROPOSAL, WON, IDENT, QUALIF]  # deliberately unordered


def names(stages):
	return [s.name for s in stages]


def test_first_stage_is_lowest_open_position():
	assert rules.first_stage(ALL).name == "ident"
	assert rules.first_stage([WON, LOST]).name == "won"
	assert rules.first_stage([]) is None


def test_open_target_chains_every_earlier_open_stage():
	assert names(rules.stages_to_satisfy(ALL, "proposal")) == ["ident", "qualif", "proposal"]
	assert names(rules.stages_to_satisfy(ALL, "ident")) == ["ident"]


def test_won_target_passes_through_every_open_stage():
	assert names(rules.stages_to_satisfy(ALL, "won")) == ["ident", "qualif", "proposal", "won"]


def test_lost_target_needs_only_its_own_requirements():
	assert names(rules.stages_to_satisfy(ALL, "lost")) == ["lost"]


def test_missing_fields_reported_per_stage_once():
	values = {OPP: {"bu": "", "offer": "X", "amount": 0}, ACC: {"siren": None}}
	missing = rules.missing_by_stage(
		rules.stages_to_satisfy(ALL, "proposal"), values, {OPP: {"amount": "Currency"}}
	)
	assert [(s.name, [r.fieldname for r in reqs]) for s, reqs in missing] == [
		("ident", ["bu"]),
		("qualif", ["siren"]),
		("proposal", ["amount"]),  # bu was already reported at ident
	]


def test_nothing_missing_when_all_filled():
	values = {OPP: {"bu": "BU1", "offer": "X", "amount": 10}, ACC: {"siren": "732829320"}}
	assert rules.missing_by_stage(rules.stages_to_satisfy(ALL, "proposal"), values) == []


@pytest.mark.parametrize(
	"value,fieldtype,expected",
	[
		(None, None, False),
		("", "Data", False),
		("   ", "Data", False),
		("x", "Data", True),
		(0, "Currency", False),
		(0.0, "Float", False),
		(12, "Int", True),
		(0, "Check", False),
		(1, "Check", True),
		([], "Table MultiSelect", False),
		([{"x": 1}], "Table MultiSelect", True),
		("2026-01-31", "Date", True),
	],
)
def test_is_filled(value, fieldtype, expected):
	assert rules.is_filled(value, fieldtype) is expected


def test_weighted():
	assert rules.weighted(15000, 40) == 6000
	assert rules.weighted(12, 25) == 3
	assert rules.weighted(None, 50) == 0
	assert rules.weighted(100, None) == 0


def test_line_amount_by_mode():
	assert rules.line_amount(EstimateLine(rules.ESTIMATE_QUANTITY, quantity=3, unit_price=250)) == 750
	assert rules.line_amount(EstimateLine(rules.ESTIMATE_DAYS, days=4, unit_price=800)) == 3200
	assert rules.line_amount(EstimateLine(rules.ESTIMATE_AMOUNT, amount=999.999, unit_price=5)) == 1000


def test_estimate_totals_sum_amounts_and_days():
	lines = [
		EstimateLine(rules.ESTIMATE_DAYS, days=10, unit_price=700),
		EstimateLine(rules.ESTIMATE_QUANTITY, quantity=2, unit_price=1500, days=1.5),
		EstimateLine(rules.ESTIMATE_AMOUNT, amount=500),
	]
	assert rules.estimate_totals(lines) == (10500, 11.5)
	assert rules.estimate_totals([]) == (0, 0)


# --- staying in a stage, closed deals ---------------------------------------------------------------


def _missing_proposal(values):
	return rules.missing_by_stage(
		rules.stages_to_satisfy(ALL, "proposal"), values, {OPP: {"amount": "Currency"}}
	)


def as_names(missing):
	return [(s.name, [r.fieldname for r in reqs]) for s, reqs in missing]


def test_entering_a_stage_refuses_every_missing_field():
	missing = _missing_proposal({OPP: {"bu": "", "offer": "X", "amount": 0}, ACC: {}})
	assert rules.missing_to_refuse(missing, None) == missing


def test_staying_refuses_only_the_fields_this_save_emptied():
	now = {OPP: {"bu": "", "offer": "", "amount": 0}, ACC: {}}
	missing = _missing_proposal(now)
	# bu was filled before this save, offer and amount were already empty (a requirement added later),
	# the account did not change (its previous values are those of the same account: nothing emptied)
	previous = {OPP: {"bu": "BU1", "offer": None, "amount": 0}, ACC: {}}
	assert as_names(rules.missing_to_refuse(missing, previous, {OPP: {"amount": "Currency"}})) == [
		("ident", ["bu"])
	]


def test_staying_with_nothing_emptied_refuses_nothing():
	now = {OPP: {"bu": "", "offer": "", "amount": 0}, ACC: {}}
	previous = {OPP: {"bu": " ", "offer": "", "amount": 0.0}, ACC: {}}
	assert rules.missing_to_refuse(_missing_proposal(now), previous, {OPP: {"amount": "Currency"}}) == []


def test_a_changed_account_is_checked_as_when_entering():
	now = {OPP: {"bu": "BU1", "offer": "X", "amount": 5}, ACC: {"siren": None}}
	previous = {OPP: {"bu": "BU1", "offer": "X", "amount": 5}, ACC: None}
	assert as_names(rules.missing_to_refuse(_missing_proposal(now), previous)) == [("qualif", ["siren"])]


def test_emptying_a_number_counts_as_emptying():
	now = {OPP: {"bu": "BU1", "offer": "X", "amount": 0}, ACC: {}}
	previous = {OPP: {"bu": "BU1", "offer": "X", "amount": 1200.0}, ACC: {}}
	refused = rules.missing_to_refuse(_missing_proposal(now), previous, {OPP: {"amount": "Currency"}})
	assert as_names(refused) == [("proposal", ["amount"])]


@pytest.mark.parametrize(
	"before,after,expected",
	[
		("Won", "Open", True),
		("Lost", "Open", True),
		("Won", "Lost", True),
		("Lost", "Won", True),
		("Won", "Won", False),
		("Lost", "Lost", False),
		("Open", "Won", False),
		("Open", "Lost", False),
		(None, "Open", False),
	],
)
def test_leaves_closed_state(before, after, expected):
	assert rules.leaves_closed_state(before, after) is expected


def test_changed_fields_ignores_empty_to_empty_and_float_noise():
	before = {"amount": 1000.0, "days": None, "stage": "won", "lines": (("A", 1.0),), "currency": "EUR"}
	after = {
		"amount": 1000.0000001,
		"days": 0,
		"stage": "proposal",
		"lines": (("A", 2.0),),
		"currency": "EUR",
	}
	assert rules.changed_fields(before, after, ["amount", "days", "stage", "lines", "currency"]) == [
		"stage",
		"lines",
	]
	assert rules.changed_fields({"amount": 0}, {"amount": 10}, ["amount"]) == ["amount"]
	assert rules.changed_fields({"so": "SO-1"}, {"so": None}, ["so"]) == ["so"]


def test_reopen_goes_back_to_the_open_stage_left_when_closing():
	moves = [(None, "ident"), ("ident", "qualif"), ("qualif", "proposal"), ("proposal", "lost")]
	assert rules.stage_before_closing(ALL, moves) == "proposal"


def test_reopen_looks_past_moves_between_closed_stages():
	# won by an order, the order cancelled (back to proposal), moved back to qualif, then lost
	moves = [
		("ident", "proposal"),
		("proposal", "won"),
		("won", "proposal"),
		("proposal", "qualif"),
		("qualif", "won"),
		("won", "lost"),
	]
	assert rules.stage_before_closing(ALL, moves) == "qualif"


def test_reopen_without_history_or_with_a_deleted_stage_has_no_answer():
	assert rules.stage_before_closing(ALL, []) is None
	assert rules.stage_before_closing(ALL, [("deleted-stage", "won")]) is None
	assert rules.stage_before_closing([IDENT, WON], [("qualif", "won")]) is None

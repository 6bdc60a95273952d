"""Lead statuses (pure): flags, order, default and converted status, history."""

from crm_portal.leads import statuses as st
from crm_portal.leads.statuses import LeadStatus

STANDARD = [
	LeadStatus(n, seq, bool(o), bool(lo), bool(c), bool(a)) for n, seq, o, lo, c, a in st.STANDARD_STATUSES
]


def test_standard_statuses_are_consistent():
	for status in STANDARD:
		assert st.flag_errors(status) == [], status
	assert [s for s in STANDARD if s.allows_conversion], "one status must allow conversion"


def test_flag_errors():
	assert st.flag_errors(LeadStatus("X", 10, is_open=True, is_lost=True)) == [st.OPEN_AND_LOST]
	assert st.flag_errors(LeadStatus("X", 10, is_open=True, is_converted=True)) == [st.CONVERTED_NOT_OPEN]
	assert st.flag_errors(LeadStatus("X", 10, is_open=False, is_lost=True, is_converted=True)) == [
		st.CONVERTED_NOT_OPEN
	]
	assert st.flag_errors(LeadStatus("X", 10, is_open=False, allows_conversion=True)) == [
		st.CONVERSION_NEEDS_OPEN
	]
	assert st.flag_errors(LeadStatus("X", -1)) == [st.NEGATIVE_SEQUENCE]


def test_order_by_sequence_then_name():
	statuses = [
		LeadStatus("B", 20),
		LeadStatus("Appel de qualification", 15),
		LeadStatus("A", 20),
		LeadStatus("C", 10),
	]
	assert [s.name for s in st.ordered(statuses)] == ["C", "Appel de qualification", "A", "B"]


def test_default_and_converted_status():
	assert st.default_status(STANDARD).name == "Nouvelle"
	assert st.converted_status(STANDARD).name == "Convertie"
	# the first open one by sequence, whatever the names
	renamed = [LeadStatus("Perdue", 5, is_open=False, is_lost=True), LeadStatus("Zéro", 7)]
	assert st.default_status(renamed).name == "Zéro"
	assert st.converted_status(renamed) is None
	assert st.default_status([]) is None


def test_history():
	assert not st.is_history(LeadStatus("Nouvelle", 10))
	assert st.is_history(LeadStatus("Perdue", 60, is_open=False, is_lost=True))
	assert st.is_history(LeadStatus("Convertie", 50, is_open=False, is_converted=True))
	assert not st.is_history(None)

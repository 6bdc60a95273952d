"""SIREN/SIRET checks and the search's wildcard and ranking rules (crm_portal.accounts.identifiers)."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from crm_portal.accounts import identifiers as ids


def siret_for(siren: str, establishment: str) -> str:
	body = siren + establishment
	return body + luhn.calc_check_digit(body)


@pytest.mark.parametrize("number", ["328025903", "328 025 903", "440529949", "356000000"])
def test_valid_siren(number):
	assert ids.check_siren(number) == number.replace(" ", "")


@pytest.mark.parametrize(
	"number, reason",
	[("328025904", "checksum"), ("32802590", "length"), ("3280259030", "length"), ("32802590A", "format")],
)
def test_invalid_siren(number, reason):
	with pytest.raises(ids.InvalidIdentifier) as e:
		ids.check_siren(number)
	assert e.value.reason == reason
	assert e.value.kind == "SIREN"


def test_siret_luhn():
	assert ids.check_siret("328 025 903 00019") == "32802590300019"
	assert ids.check_siret("328.025.903.00019") == "32802590300019"
	with pytest.raises(ids.InvalidIdentifier) as e:
		ids.check_siret("32802590300018")
	assert e.value.reason == "checksum"
	with pytest.raises(ids.InvalidIdentifier) as e:
		ids.check_siret("3280259030001")
	assert e.value.reason == "length"


def test_la_poste_exception():
	# La Poste's establishments do not follow Luhn: their digit sum is a multiple of 5.
	assert not luhn.is_valid("35600000000010")
	assert ids.check_siret("35600000000010") == "35600000000010"
	# ...and the head office follows Luhn.
	assert ids.check_siret("35600000000048") == "35600000000048"
	with pytest.raises(ids.InvalidIdentifier):
		ids.check_siret("35600000000011")


def test_siret_with_bad_siren_part_is_refused():
	# Luhn-valid over 14 digits but its first 9 digits are not a valid SIREN.
	siret = siret_for("123456788", "0001")
	assert luhn.is_valid(siret) and not luhn.is_valid(siret[:9])
	with pytest.raises(ids.InvalidIdentifier):
		ids.check_siret(siret)


def test_identifier_kind():
	assert ids.identifier_kind("328025903") == "SIREN"
	assert ids.identifier_kind("328 025 903 00019") == "SIRET"
	assert ids.identifier_kind("3280") is None
	assert ids.identifier_kind("KAOLA") is None
	assert ids.identifier_kind(None) is None
	assert ids.siren_of("328 025 903 00019") == "328025903"


# --- wildcard translation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
	"query, pattern",
	[
		("kao", "kao%"),
		("  kao  ", "kao%"),
		("*ola", "%ola%"),
		("%ola", "%ola%"),
		("k*la", "k%la%"),
		("k%*%la", "k%la%"),
		("kao*", "kao%"),
		("440 529 949", "440529949%"),
		("Le  Bon Coin", "Le Bon Coin%"),
		("a_b", "a_b%"),
	],
)
def test_like_pattern(query, pattern):
	assert ids.to_like_pattern(query) == pattern


def test_significant_length_ignores_wildcards_and_spaces():
	assert ids.significant_length("ka") == 2
	assert ids.significant_length("*k*a*") == 2
	assert ids.significant_length("  k  a ") == 2
	assert ids.significant_length("%%%") == 0
	assert ids.significant_length(None) == 0


def test_matches_starts_with_by_default():
	assert ids.matches("kao", "KAOLA")
	assert not ids.matches("ola", "KAOLA")
	assert ids.matches("*ola", "KAOLA")
	assert ids.matches("%ola", "KAOLA")
	assert ids.matches("k*a", "KAOLA")
	assert ids.matches("ecole", "École du Louvre")  # accents and case fold as the database does
	assert not ids.matches("a_b", "axb")  # `_` is literal for the user
	assert ids.matches("a_b", "a_b corp")


def like_to_regex(pattern: str) -> re.Pattern:
	"""What SQL LIKE does with a pattern (% any run, _ any one character), case-insensitively."""
	out = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
	return re.compile("^" + out + "$", re.DOTALL | re.IGNORECASE)


text = st.text(alphabet="abcAB_ *%-", max_size=8)


@given(query=text, value=st.text(alphabet="abcAB_ -", max_size=12))
def test_sql_pattern_never_misses_a_real_match(query, value):
	"""The LIKE pattern may over-match (`_`), never under-match: every value `matches()` accepts is
	also found by the database."""
	if ids.matches(query, value):
		assert like_to_regex(ids.to_like_pattern(query)).match(value)


@given(query=st.text(alphabet="abc", min_size=1, max_size=5), value=st.text(alphabet="abc", max_size=10))
def test_plain_query_means_prefix(query, value):
	assert ids.matches(query, value) == value.lower().startswith(query.lower())


@given(query=st.text(alphabet="abc", min_size=1, max_size=5), value=st.text(alphabet="abc", max_size=10))
def test_leading_star_means_contains(query, value):
	assert ids.matches("*" + query, value) == (query.lower() in value.lower())


def test_input_is_data_not_sql():
	pattern = ids.to_like_pattern("'; DROP TABLE tabContact; --")
	assert pattern == "'; DROP TABLE tabContact; --%"  # sent as a parameter, never spliced


# --- ranking ------------------------------------------------------------------------------------------


def test_rank_order():
	rows = [
		{"name": "P1", "title": "Groupe Kaola", "siren": "111111118", "closed": 0},
		{"name": "P2", "title": "Kaolin Industries", "siren": "222222226", "closed": 1},
		{"name": "P3", "title": "Kaola", "siren": None, "closed": 0},
		{"name": "P4", "title": "Kaolab", "siren": None, "closed": 0},
		{"name": "P5", "title": "Other", "siren": "328025903", "closed": 0},
	]
	ranked = ids.rank_results("kaol", rows, "title", ["siren"], limit=10)
	ranked = ids.rank_results("kaola", rows, "title", ["siren"], limit=10)
	assert [r["name"] for r in ranked] == ["P3", "P4"]  # exact first; "Groupe Kaola" does not start with it
	assert ranked[0]["rank"] == ids.EXACT
	ranked = ids.rank_results("kaol", rows, "title", ["siren"], limit=10)
	assert [r["name"] for r in ranked] == ["P3", "P4", "P2"]  # open before closed, then by name
	ranked = ids.rank_results("*kaola", rows, "title", ["siren"], limit=10)
	assert {r["name"] for r in ranked} == {"P1", "P3", "P4"}
	assert ids.rank_results("3280", rows, "title", ["siren"], limit=10)[0]["name"] == "P5"
	assert ids.rank_results("3280", rows, "title", ["siren"], limit=10)[0]["rank"] == ids.OTHER_PREFIX
	assert len(ids.rank_results("k", rows, "title", ["siren"], limit=2)) == 2

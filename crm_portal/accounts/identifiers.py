"""SIREN / SIRET checks and the account search's wildcard and ranking rules (no frappe import).

SIREN (9 digits) and SIRET (14 digits: SIREN + establishment number) are checked by python-stdnum:
length, digits, Luhn checksum, and La Poste's exception (its establishments' SIRET only need a digit
sum that is a multiple of 5)."""

import re
import unicodedata
from collections.abc import Iterable

from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

# Why a number is refused: the API and controllers turn these codes into translated messages.
INVALID_FORMAT = "format"
INVALID_LENGTH = "length"
INVALID_CHECKSUM = "checksum"

WILDCARDS = "*%"


class InvalidIdentifier(ValueError):
	def __init__(self, kind: str, number: str, reason: str):
		super().__init__(f"invalid {kind} {number!r}: {reason}")
		self.kind = kind
		self.number = number
		self.reason = reason


def compact(number: str | None) -> str:
	"""Digits as typed, without the spaces, dots and dashes people put between groups."""
	return re.sub(r"[\s.\-]", "", number or "")


def _check(kind: str, module, number: str) -> str:
	try:
		return module.validate(compact(number))
	except stdnum_exceptions.InvalidLength:  # a subclass of InvalidFormat: test it first
		raise InvalidIdentifier(kind, number, INVALID_LENGTH)
	except stdnum_exceptions.InvalidChecksum:
		raise InvalidIdentifier(kind, number, INVALID_CHECKSUM)
	except stdnum_exceptions.InvalidFormat:
		raise InvalidIdentifier(kind, number, INVALID_FORMAT)
	except stdnum_exceptions.ValidationError:
		raise InvalidIdentifier(kind, number, INVALID_CHECKSUM)


def check_siren(number: str) -> str:
	"""The compact SIREN, or InvalidIdentifier."""
	return _check("SIREN", stdnum_siren, number)


def check_siret(number: str) -> str:
	"""The compact SIRET, or InvalidIdentifier (La Poste's establishments included)."""
	return _check("SIRET", stdnum_siret, number)


def siren_of(siret: str) -> str:
	return compact(siret)[:9]


def identifier_kind(text: str | None) -> str | None:
	"""'SIREN' or 'SIRET' when the text is 9 or 14 digits (separators allowed), else None."""
	digits = compact(text)
	if not digits.isdigit():
		return None
	return {9: "SIREN", 14: "SIRET"}.get(len(digits))


# --- search ---------------------------------------------------------------------------------------


def clean_query(query: str | None) -> str:
	"""Trimmed query; a number typed with spaces ('440 529 949') becomes its digits."""
	query = (query or "").strip()
	if query and compact(query).isdigit():
		return compact(query)
	return re.sub(r"\s+", " ", query)


def significant_length(query: str | None) -> int:
	"""Characters that count towards the minimum search length: wildcards and spaces do not."""
	return sum(1 for c in clean_query(query) if c not in WILDCARDS and not c.isspace())


def to_like_pattern(query: str | None) -> str:
	"""The SQL LIKE pattern of a search: 'starts with' by default, `*` and `%` match anything
	anywhere. `_` is LIKE's any-one-character and cannot be escaped through frappe.get_list (it doubles
	backslashes), so it is left to over-match and `matches()` re-checks each row exactly."""
	query = clean_query(query)
	pattern = "".join("%" if c in WILDCARDS else c for c in query)
	pattern = re.sub("%+", "%", pattern + "%")
	return pattern


def fold(text: str | None) -> str:
	"""Case- and accent-insensitive form, as the database's collation compares text."""
	decomposed = unicodedata.normalize("NFKD", text or "")
	return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def to_regex(query: str | None) -> re.Pattern:
	"""The exact meaning of a search on a folded value: prefix match, wildcards match any run."""
	parts = re.split(r"[*%]+", fold(clean_query(query)))
	return re.compile("^" + ".*".join(re.escape(p) for p in parts), re.DOTALL)


def matches(query: str | None, value: str | None) -> bool:
	if value is None:
		return False
	return bool(to_regex(query).match(fold(str(value))))


# Ranks, best first.
EXACT = 0
NAME_PREFIX = 1
OTHER_PREFIX = 2
WILDCARD = 3


def rank(query: str | None, name: str | None, others: Iterable[str | None] = ()) -> int | None:
	"""How well a record matches: exact value, name starts with the query, another field (SIREN,
	SIRET, e-mail…) starts with it, or a wildcard match. None when nothing matches."""
	folded_query = fold(clean_query(query))
	values = [name, *others]
	plain = not any(w in folded_query for w in WILDCARDS)
	if plain and any(fold(v) == folded_query for v in values if v):
		return EXACT
	if matches(query, name):
		return NAME_PREFIX if plain else WILDCARD
	if any(matches(query, v) for v in others):
		return OTHER_PREFIX if plain else WILDCARD
	return None


def rank_results(query: str | None, rows: list[dict], name_key: str, other_keys: Iterable[str], limit: int):
	"""Rows that really match, best first (then closed ones last, then by name), at most `limit`.
	Each kept row gets its `rank`."""
	other_keys = tuple(other_keys)
	ranked = []
	for row in rows:
		score = rank(query, row.get(name_key), [row.get(k) for k in other_keys])
		if score is None:
			continue
		ranked.append({**row, "rank": score})
	ranked.sort(key=lambda r: (r["rank"], bool(r.get("closed")), fold(r.get(name_key))))
	return ranked[:limit]


def normalize_phone(phone: str | None) -> str:
	"""Digits of a French phone number as dialled nationally: '+33 6 12-34.56.78' → '0612345678'."""
	phone = (phone or "").strip()
	digits = re.sub(r"\D", "", phone)
	if phone.startswith("+33") or (phone.startswith("0033") and len(digits) > 4):
		digits = "0" + digits[2 if phone.startswith("+") else 4 :]
	return digits

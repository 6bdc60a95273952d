"""SIRENE lookup through the public company-search API (recherche-entreprises.api.gouv.fr), no frappe.

`lookup(base_url, number, timeout)` asks `GET {base_url}/search?q=<number>` and returns what the API
knows of that SIREN or SIRET; `account_values` / `address_values` map it to a prospect's fields and
`fill_only_empty` keeps the fields the user has not filled. Every failure is a SireneError whose `code`
the API turns into a message a salesperson understands."""

import requests

from crm_portal.accounts.identifiers import check_siren, check_siret, compact, identifier_kind, siren_of

# SireneError codes.
NOT_FOUND = "not_found"
TIMEOUT = "timeout"
UNAVAILABLE = "unavailable"  # connection refused, DNS, 5xx, rate limited
BAD_RESPONSE = "bad_response"  # not the JSON we know
REFUSED = "refused"  # the API refused the request (4xx other than 404/429)
INVALID_NUMBER = "invalid_number"

SEARCH_PATH = "/search"


class SireneError(Exception):
	def __init__(self, code: str, detail: str = ""):
		super().__init__(f"{code}: {detail}" if detail else code)
		self.code = code
		self.detail = detail


def normalize_number(number: str | None) -> tuple[str, str]:
	"""(kind, compact number) of a valid SIREN or SIRET; SireneError(INVALID_NUMBER) otherwise."""
	kind = identifier_kind(number)
	try:
		if kind == "SIREN":
			return kind, check_siren(number)
		if kind == "SIRET":
			return kind, check_siret(number)
	except ValueError as e:
		raise SireneError(INVALID_NUMBER, str(e))
	raise SireneError(INVALID_NUMBER, f"{number!r} is neither a SIREN nor a SIRET")


def search_url(base_url: str) -> str:
	return base_url.rstrip("/") + SEARCH_PATH


def lookup(base_url: str, number: str, timeout: float = 10, session=None) -> dict:
	"""The company (and, for a SIRET, the establishment) behind `number`, see `parse_response`."""
	kind, number = normalize_number(number)
	http = session or requests
	try:
		response = http.get(
			search_url(base_url),
			params={"q": number, "page": 1, "per_page": 5},
			timeout=timeout,
			headers={"Accept": "application/json"},
		)
	except requests.Timeout as e:
		raise SireneError(TIMEOUT, str(e))
	except requests.RequestException as e:
		raise SireneError(UNAVAILABLE, str(e))
	if response.status_code == 404:
		raise SireneError(NOT_FOUND, number)
	if response.status_code == 429 or response.status_code >= 500:
		raise SireneError(UNAVAILABLE, f"HTTP {response.status_code}")
	if response.status_code >= 400:
		raise SireneError(REFUSED, _error_text(response))
	try:
		payload = response.json()
	except ValueError:
		raise SireneError(BAD_RESPONSE, "not JSON")
	return parse_response(payload, kind, number)


def _error_text(response) -> str:
	try:
		return str(response.json().get("erreur") or response.status_code)
	except (ValueError, AttributeError):
		return f"HTTP {response.status_code}"


def parse_response(payload, kind: str, number: str) -> dict:
	"""From a /search answer, the unit whose SIREN is `number` (kind SIREN) or which has the
	establishment `number` (kind SIRET):
	{siren, siret, name, legal_name, ape_code, legal_form_code, closed, establishment}
	where `establishment` (SIRET only) holds its address parts."""
	if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
		raise SireneError(BAD_RESPONSE, "no results list")
	number = compact(number)
	siren = number if kind == "SIREN" else siren_of(number)
	for unit in payload["results"]:
		if not isinstance(unit, dict) or unit.get("siren") != siren:
			continue
		establishment = None
		if kind == "SIRET":
			candidates = [*(unit.get("matching_etablissements") or []), unit.get("siege") or {}]
			establishment = next((e for e in candidates if e and e.get("siret") == number), None)
			if not establishment:
				continue
		legal_name = unit.get("nom_raison_sociale") or unit.get("nom_complet")
		return {
			"siren": siren,
			"siret": number if kind == "SIRET" else None,
			"name": unit.get("nom_complet") or legal_name,
			"legal_name": legal_name,
			"ape_code": (establishment or {}).get("activite_principale") or unit.get("activite_principale"),
			"legal_form_code": unit.get("nature_juridique"),
			"closed": (establishment or unit).get("etat_administratif") == "F"
			or unit.get("etat_administratif") == "C",
			"establishment": establishment,
		}
	raise SireneError(NOT_FOUND, number)


def account_values(company: dict) -> dict:
	"""Prospect fields the lookup can fill: call name, legal name, APE code, SIREN."""
	return {
		"call_name": company.get("name"),
		"legal_name": company.get("legal_name"),
		"ape_code": company.get("ape_code"),
		"siren": company.get("siren"),
	}


def address_values(company: dict) -> dict | None:
	"""An Address's fields from the establishment of a SIRET lookup (None for a SIREN lookup)."""
	establishment = company.get("establishment")
	if not establishment:
		return None
	street = " ".join(
		str(p)
		for p in (
			establishment.get("numero_voie"),
			establishment.get("indice_repetition"),
			establishment.get("type_voie"),
			establishment.get("libelle_voie"),
		)
		if p
	)
	line1 = street or establishment.get("adresse")
	if not line1:
		return None
	return {
		"address_line1": line1,
		"address_line2": establishment.get("complement_adresse") or None,
		"pincode": establishment.get("code_postal"),
		"city": establishment.get("libelle_commune") or establishment.get("commune"),
		"country": "France",
	}


def is_empty(value) -> bool:
	return value is None or (isinstance(value, str) and not value.strip())


def fill_only_empty(current: dict, found: dict) -> dict:
	"""The found values for the fields that are empty in `current` (filled fields are never touched)."""
	return {
		field: value for field, value in found.items() if not is_empty(value) and is_empty(current.get(field))
	}

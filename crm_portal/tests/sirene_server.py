"""A local stand-in for the company-search API (recherche-entreprises.api.gouv.fr) that tests start on
127.0.0.1, replaying the shapes of its real /search answers. No frappe import: pytest uses it too.

	with SireneTestServer() as server:
		lookup(server.url, "32802590300019")

Numbers it knows: KAOLA (SIREN 328025903, SIRET 32802590300019), LA POSTE (356000000; head office
35600000000048 and establishment 35600000000010). Anything else: no result. Special behaviours are
keyed by the queried number: SLOW_NUMBER sleeps past the client's timeout, BROKEN_NUMBER answers 500,
GARBAGE_NUMBER answers HTML."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SLOW_NUMBER = "552100554"  # valid SIREN
BROKEN_NUMBER = "732829320"  # valid SIREN
GARBAGE_NUMBER = "483373429"  # valid SIREN


def _establishment(**fields) -> dict:
	base = {
		"activite_principale": None,
		"activite_principale_registre_metier": None,
		"annee_tranche_effectif_salarie": None,
		"adresse": None,
		"caractere_employeur": "N",
		"cedex": None,
		"code_pays_etranger": None,
		"code_postal": None,
		"commune": None,
		"complement_adresse": None,
		"coordonnees": None,
		"date_creation": None,
		"date_debut_activite": None,
		"date_fermeture": None,
		"date_mise_a_jour": None,
		"date_mise_a_jour_insee": None,
		"departement": None,
		"distribution_speciale": None,
		"epci": None,
		"est_siege": False,
		"etat_administratif": "A",
		"geo_adresse": None,
		"geo_id": None,
		"indice_repetition": None,
		"latitude": None,
		"libelle_cedex": None,
		"libelle_commune": None,
		"libelle_commune_etranger": None,
		"libelle_pays_etranger": None,
		"libelle_voie": None,
		"liste_enseignes": None,
		"liste_finess": None,
		"liste_id_bio": None,
		"liste_idcc": None,
		"liste_id_organisme_formation": None,
		"liste_rge": None,
		"liste_uai": None,
		"longitude": None,
		"nom_commercial": None,
		"numero_voie": None,
		"region": None,
		"siret": None,
		"statut_diffusion_etablissement": "O",
		"tranche_effectif_salarie": None,
		"type_voie": None,
	}
	base.update(fields)
	return base


KAOLA_SIEGE = _establishment(
	activite_principale="62.01Z",
	adresse="38 RUE POUSSIN 75016 PARIS",
	code_postal="75016",
	commune="75116",
	date_creation="1983-01-01",
	departement="75",
	est_siege=True,
	geo_adresse="38 Rue Poussin 75016 Paris",
	libelle_commune="PARIS",
	libelle_voie="POUSSIN",
	numero_voie="38",
	region="11",
	siret="32802590300019",
	type_voie="RUE",
)

KAOLA = {
	"siren": "328025903",
	"nom_complet": "KAOLA",
	"nom_raison_sociale": "KAOLA",
	"sigle": None,
	"nombre_etablissements": 1,
	"nombre_etablissements_ouverts": 1,
	"siege": KAOLA_SIEGE,
	"activite_principale": "62.01Z",
	"categorie_entreprise": "PME",
	"caractere_employeur": None,
	"annee_categorie_entreprise": "2022",
	"date_creation": "1983-01-01",
	"date_fermeture": None,
	"date_mise_a_jour": "2024-03-01T10:12:45",
	"date_mise_a_jour_insee": "2024-02-28T09:00:00",
	"date_mise_a_jour_rne": None,
	"dirigeants": [],
	"etat_administratif": "A",
	"nature_juridique": "5710",
	"section_activite_principale": "J",
	"tranche_effectif_salarie": "11",
	"annee_tranche_effectif_salarie": "2022",
	"statut_diffusion": "O",
	"matching_etablissements": [],
	"finances": None,
	"complements": {"est_entrepreneur_individuel": False, "est_ess": False},
}

LA_POSTE_SIEGE = _establishment(
	activite_principale="53.10Z",
	adresse="9 RUE DU COLONEL PIERRE AVIA 75015 PARIS",
	code_postal="75015",
	commune="75115",
	est_siege=True,
	libelle_commune="PARIS",
	libelle_voie="DU COLONEL PIERRE AVIA",
	numero_voie="9",
	siret="35600000000048",
	type_voie="RUE",
)

LA_POSTE_BUREAU = _establishment(
	activite_principale="53.10Z",
	adresse="BUREAU DE POSTE 12 PLACE DE LA MAIRIE 69001 LYON",
	code_postal="69001",
	commune="69381",
	complement_adresse="BUREAU DE POSTE",
	libelle_commune="LYON",
	libelle_voie="DE LA MAIRIE",
	numero_voie="12",
	siret="35600000000010",
	type_voie="PL",
)

LA_POSTE = {
	**KAOLA,
	"siren": "356000000",
	"nom_complet": "LA POSTE",
	"nom_raison_sociale": "LA POSTE",
	"nombre_etablissements": 17000,
	"nombre_etablissements_ouverts": 9000,
	"siege": LA_POSTE_SIEGE,
	"activite_principale": "53.10Z",
	"categorie_entreprise": "GE",
	"nature_juridique": "5510",
	"section_activite_principale": "H",
	"matching_etablissements": [],
}

UNITS = [KAOLA, LA_POSTE]


def search_answer(query: str) -> dict:
	"""What /search?q=<query> answers for a SIREN or SIRET (the real API matches both)."""
	results = []
	for unit in UNITS:
		establishments = [unit["siege"], LA_POSTE_BUREAU] if unit is LA_POSTE else [unit["siege"]]
		if query == unit["siren"]:
			results.append({**unit, "matching_etablissements": [unit["siege"]]})
		else:
			matching = [e for e in establishments if e["siret"] == query]
			if matching:
				results.append({**unit, "matching_etablissements": matching})
	return {"results": results, "total_results": len(results), "page": 1, "per_page": 5, "total_pages": 1}


class _Handler(BaseHTTPRequestHandler):
	server_version = "SireneTest/1.0"

	def log_message(self, format, *args):
		pass  # keep test output clean

	def _send(self, status: int, body: bytes, content_type: str = "application/json"):
		try:
			self.send_response(status)
			self.send_header("Content-Type", content_type)
			self.send_header("Content-Length", str(len(body)))
			self.end_headers()
			self.wfile.write(body)
		except (BrokenPipeError, ConnectionResetError):
			pass  # the client gave up (timeout tests)

	def do_GET(self):
		url = urlparse(self.path)
		self.server.requests.append(self.path)
		if url.path != "/search":
			return self._send(404, json.dumps({"erreur": "Not Found"}).encode())
		query = (parse_qs(url.query).get("q") or [""])[0]
		if len(query) < 3:
			message = "Veuillez indiquer au moins un paramètre de recherche."
			return self._send(400, json.dumps({"erreur": message}).encode())
		if query == SLOW_NUMBER:
			time.sleep(self.server.slow_seconds)
			return self._send(200, json.dumps(search_answer(query)).encode())
		if query == BROKEN_NUMBER:
			return self._send(500, b'{"erreur": "Internal Server Error"}')
		if query == GARBAGE_NUMBER:
			return self._send(200, b"<html><body>Maintenance</body></html>", "text/html")
		return self._send(200, json.dumps(search_answer(query)).encode())


class SireneTestServer:
	"""Serves on 127.0.0.1 (a free port) in a background thread while the `with` block runs."""

	def __init__(self, slow_seconds: float = 3):
		self.slow_seconds = slow_seconds
		self.httpd = None
		self.thread = None

	@property
	def url(self) -> str:
		host, port = self.httpd.server_address[:2]
		return f"http://{host}:{port}"

	@property
	def requests(self) -> list[str]:
		return self.httpd.requests

	def __enter__(self):
		self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
		self.httpd.daemon_threads = True
		self.httpd.requests = []
		self.httpd.slow_seconds = self.slow_seconds
		self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
		self.thread.start()
		return self

	def __exit__(self, *exc):
		self.httpd.shutdown()
		self.httpd.server_close()
		self.thread.join(timeout=5)
		return False

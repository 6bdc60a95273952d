from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).parent
version = next(
	line.split("=")[1].strip().strip("\"'")
	for line in (here / "crm_portal" / "__init__.py").read_text().splitlines()
	if line.startswith("__version__")
)
requirements = [
	line.strip()
	for line in (here / "requirements.txt").read_text().splitlines()
	if line.strip() and not line.startswith("#")
]

# Frappe and ERPNext come from the bench (bench init / bench get-app), not from install_requires.
setup(
	name="crm_portal",
	version=version,
	description="CRM portal for Frappe v15 + ERPNext v15: portfolios, stages, opportunities, actions, accounts",
	author="crm_portal developers",
	license="MIT",
	packages=find_packages(exclude=["tests", "tests.*"]),
	zip_safe=False,
	include_package_data=True,
	install_requires=requirements,
	python_requires=">=3.10",
)

"""The company folder (DESIGN.md §6): everything that describes one company, outside the product.

``spec`` lists the files (as data), ``files`` and ``config`` validate them, ``folder`` places them where dbt
reads seeds, ``starter/`` is the neutral starter used without a folder and written by ``cloudcost init``.
"""

from cloudcost.company.files import CompanyFileError
from cloudcost.company.folder import CompanyFolder, place_company_seeds, read_company_folder

__all__ = ["CompanyFileError", "CompanyFolder", "place_company_seeds", "read_company_folder"]

"""Services of the register mirror: ``importing`` (bulk import), ``rows`` (row validation),
``reading`` (file formats), ``demo`` (demo data)."""

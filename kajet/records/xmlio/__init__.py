"""The register's XML format (``docs/xml/kajet-register-1.xsd``): one declarative list of what
is exported (``spec``), the schema generated from it (``xsd``), a streaming exporter
(``export``) and the importer that recreates a school year in an empty database
(``importer``)."""

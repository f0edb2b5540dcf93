"""OAI-PMH 2.0 harvesting of the published collection (metadata format `oai_dc`)."""

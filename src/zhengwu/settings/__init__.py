"""Settings packages: ``base`` (embedded defaults), ``test``, ``production``."""

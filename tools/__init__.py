"""The repository's own tooling: the docs generators ``make docs`` runs and the source scans the tests and the
docs share. Not part of the distribution (``pyproject.toml`` packages ``engineering_api``, ``fakes``,
``openness_bridge`` and ``simatic_xml`` only); the tests and ``make docs`` import it from the repository root."""

"""Demo and benchmark data, one module per app (``school`` builds the structure; the others
add their app's data through ``seed_school_data``, run by ``kajet.demo.hooks``).

Demo data lives here and nowhere else, so a domain app holds domain code only; the
import-linter contract "Domain apps do not import the demo" and
``kajet/demo/tests/test_layout.py`` hold it.
"""

"""``field__fcontains=text``: case-insensitive "contains" that folds Polish letters too.

SQLite's LIKE ignores case only for ASCII, so ``icontains`` would not find "Żak" when a
secretary types "żak". On SQLite both sides go through ``kajet_fold`` (Python's casefold,
registered on every connection in ``db_signals``); PostgreSQL's UPPER is Unicode-aware.
"""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Lookup, TextField


class FoldedContains(Lookup):
    lookup_name = "fcontains"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        pattern = "%" + connection.ops.prep_for_like_query(str(self.rhs)) + "%"
        fold = "kajet_fold" if connection.vendor == "sqlite" else "UPPER"
        return f"{fold}({lhs}) LIKE {fold}(%s) ESCAPE '\\'", [*lhs_params, pattern]


CharField.register_lookup(FoldedContains)
TextField.register_lookup(FoldedContains)

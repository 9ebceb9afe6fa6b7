"""The SQL queries of every main page per bench role on an already seeded database (issue 17).

```sh
# a database seeded by `manage.py seed_bench --size m|l` (its var dir holds bench-logins.json)
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kajet_bench_l KAJET_VAR_DIR=/tmp/kvar-l \\
    .venv/bin/python bench/query_counts.py --today 2026-12-04
.venv/bin/python bench/query_counts.py --explain    # also the plans' scans of tenant tables
```

Prints one Markdown row per role and page: the queries with the cache emptied (cold) and of
the next request (warm), as ``kajet/demo/page_queries.py`` counts them for the test. Run it on
an M and an L database to put the counts side by side. With ``--explain`` (PostgreSQL) every
SELECT of the cold request is explained with the database's real statistics (no planner
settings changed) and each sequential scan, or index scan without a condition on the index's
leading column (a scan of the whole index), of a tenant table is listed with the rows the
planner expects it to read.

Signs in as the logins of school 1 in ``$KAJET_VAR_DIR/bench-logins.json``. Runs in process
(Django test client) against the configured database; it writes only what a page visit
writes (sessions, "seen" marks). Refuses a Redis cache (the counts empty the cache).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        default=None,
        help="the day whose week the teacher's lesson page is taken from (default: today)",
    )
    parser.add_argument("--explain", action="store_true", help="list scans of tenant tables")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from kajet.demo.page_queries import PAGES, role_counts

    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        print("refusing to empty a Redis cache: run without REDIS_URL", file=sys.stderr)
        return 2
    setup_test_environment()  # the test client's host and the e-mail backend
    today = args.today or timezone.localdate()
    logins = json.loads((Path(settings.VAR_DIR) / "bench-logins.json").read_text())
    by_role = {row["role"]: row for row in logins}
    roles = sorted({r for page in PAGES for r in page.roles})
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"school {logins[0]['school']}; today {today}"
    )
    print("| role | page | queries cold | queries warm |")
    print("|---|---|---:|---:|")
    for role in roles:
        row = by_role[role]
        for page, (cold, warm) in role_counts(
            row["login"], row["password"], role, today=today
        ).items():
            print(f"| {role} | {page} | {cold} | {warm} |")
    if args.explain:
        return explain(by_role, roles, today)
    return 0


def explain(by_role: dict[str, Any], roles: list[str], today: datetime.date) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scopes_disabled

    from kajet.accounts.models import User
    from kajet.demo.page_queries import PAGES, page_facts, signed_in_client
    from kajet.demo.tests.test_query_plans import keyed, leading_columns, scans, tenant_tables

    if connection.vendor != "postgresql":
        print("--explain needs PostgreSQL", file=sys.stderr)
        return 2
    tables = tenant_tables()
    leading = leading_columns()
    found: dict[str, set[str]] = {}
    for role in roles:
        row = by_role[role]
        with scopes_disabled():
            facts = page_facts(User.objects.get(login=row["login"]), today=today)
        client = signed_in_client(row["login"], row["password"], role)
        for page in PAGES:
            if role not in page.roles:
                continue
            path = page.path.format(**facts)
            client.get(path)
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            for query in queries.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
                    plan = cursor.fetchone()[0][0]["Plan"]
                for node, _limited in scans(plan):
                    table = node.get("Relation Name")
                    if table not in tables:
                        continue
                    full = node["Node Type"] == "Seq Scan" or (
                        node["Node Type"].startswith("Index") and not keyed(node, leading)
                    )
                    if full:
                        key = (
                            f"{node['Node Type']} on {table} "
                            f"({node.get('Index Name', '')}; rows {node['Plan Rows']}; "
                            f"filter {node.get('Filter', '')})"
                        )
                        found.setdefault(key, set()).add(f"{role} {page.name}")
    print(
        f"\n{len(found)} scans of tenant tables without an index condition on the leading column:"
    )
    for key, where in sorted(found.items()):
        print(f"- {key}: {', '.join(sorted(where))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

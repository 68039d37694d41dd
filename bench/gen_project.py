#!/usr/bin/env python3
"""Generate a large revision graph for the benchmarks.

    gen_project.py --shape linear|branchy --n N --out DIR
                   [--ddl table|table+index] [--url URL]
                   [--transaction-per-migration] [--psql]
                   [--dbmate] [--floor sqlite|postgresql]
    gen_project.py --autogen --n N --out DIR [--url URL]
                   [--retort-head-url URL] [--alembic-head-url URL]

writes two equivalent projects:

    DIR/retort/   alembic.ini + versions/<id>_rev_<i>.sql   (SPEC.md section 4)
    DIR/alembic/  alembic.ini + env.py + versions/<id>_rev_<i>.py

and DIR/heads.txt (the head ids, one a line).  Ids are 12 hex digits
derived from the shape and the revision's number, so a project is the
same on every run, and file names (hence load order) are unrelated to the
graph order, as in a real project.

What a revision does (--ddl):
  table        (default) creates the table t_<id> on the way up and drops
               it on the way down: one statement each way.
  table+index  creates t_<id> (two columns) and the index ix_t_<id>_name
               on the way up; drops the index, then the table, on the way
               down: two statements each way.
The .py twin runs the same statements, one op.execute() each.

--url sets sqlalchemy.url in both alembic.ini files (default: the SQLite
file test.db next to them).  --transaction-per-migration makes env.py
pass transaction_per_migration=True to context.configure(), so Alembic
runs each revision in its own transaction, as retort does by default.

--floor sqlite|postgresql (linear only) also writes the "floor" of the
benchmarks: DIR/floor/upgrade.sql (base -> head) and DIR/floor/downgrade.sql
(head -> base), the statements retort sends on its migration connection
on that dialect, in the same transactions (see floor_transactions()
below), and nothing else; bench/floor.py checks them against retort's SQL
echo.  They are for `sqlite3 -bail DB < upgrade.sql` and for
`psql -X -q -v ON_ERROR_STOP=1 -d URL -f upgrade.sql` (the psql binary,
not Debian's /usr/bin/psql wrapper).  The dialect must be the one of
--url.  --psql is the PostgreSQL floor under its old name and place,
DIR/psql/ (bench/pg.sh uses it).

--dbmate (linear only) also writes the same revisions for dbmate:
DIR/dbmate/db/migrations/<version>_rev_<i>.sql, each with a
`-- migrate:up` and a `-- migrate:down` block holding the statements of
the retort script (same --ddl).  Versions are 14-digit timestamps, one
second apart from DBMATE_BASE, so that dbmate's order (by file name) is
the chain's order.  dbmate runs each file in its own transaction, as
retort runs each revision (see bench/setup.sh for the binary).

Shapes:
  linear   r0 -> r1 -> ... -> r(N-1)
  branchy  W parallel lanes (W = --width, default min(100, N // 10), at
           least 2).  A fork revision starts W lanes; each lane grows by
           --segment revisions (default 5), the lanes growing round-robin;
           then one revision merges the W lane tips and forks the next W
           lanes.  At N = 10000 that is about 20 merge points of 100
           parents, each also a branch point of 100 children; the last,
           unfinished block leaves up to W heads.

--autogen writes, instead of a history, a desired schema of N tables for
`revision --autogenerate` and `check` (see autogen() below):

    DIR/schema.sql             the schema: CREATE TABLE and CREATE INDEX
    DIR/floor-load.sql         the floor: the schema in one transaction,
                               for the dialect of --url (sqlite3 :memory:;
                               psql, in a fresh schema, rolled back)
    DIR/retort/                alembic.ini (sqlalchemy.url = --url,
                               target_schema = schema.sql), schema.sql,
                               an empty versions/
    DIR/alembic/               alembic.ini, the same schema as SQLAlchemy
                               declarative models (models.py), env.py with
                               target_metadata = Base.metadata,
                               script.py.mako, an empty versions/
    DIR/retort-head/, DIR/alembic-head/   the same, on the databases of
                               --retort-head-url and --alembic-head-url
                               (default: head.db beside each), which the
                               bench brings to head first

Table i (t_0000, t_0001, ...) has an INTEGER primary key, a NOT NULL
VARCHAR(50) with an index (ix_t_<i>_name), a TEXT column under a named
UNIQUE constraint, an INTEGER under a named CHECK and, from the second
table on, a foreign key to table i-1 with ON DELETE CASCADE.

Only the Python standard library is used.
"""

import argparse
import datetime
import hashlib
import os
import sys

CREATE_DATE = "2024-01-01 00:00:00.000000"
SQLITE_URL = "sqlite:///%(here)s/test.db"
# dbmate's version of revision i is this moment plus i seconds.
DBMATE_BASE = datetime.datetime(2024, 1, 1)

INI = """\
# retort benchmark project (generated by bench/gen_project.py)
[alembic]
script_location = %(here)s
sqlalchemy.url = @URL@

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""

# The smallest env.py that lets Alembic run online and offline.
ENV_PY = '''\
"""Alembic environment of a generated benchmark project."""
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def online():
    engine = engine_from_config(config.get_section(config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection@CONFIGURE@)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    offline()
else:
    online()
'''


def rev_id(shape, i):
    """A stable, random-looking 12-hex-digit id for revision number i."""
    return hashlib.sha1(("%s-%d" % (shape, i)).encode()).hexdigest()[:12]


def linear(n):
    """[(parents)] for a chain of n revisions."""
    return [() if i == 0 else (i - 1,) for i in range(n)]


def branchy(n, width, segment):
    """[(parents)] for the lanes-and-merges shape described above."""
    graph = [()]
    fork = 0
    while len(graph) < n:
        tips = [fork] * width
        for _ in range(segment):
            for lane in range(width):
                if len(graph) >= n:
                    return graph
                graph.append((tips[lane],))
                tips[lane] = len(graph) - 1
        if len(graph) >= n:
            break
        graph.append(tuple(tips))
        fork = len(graph) - 1
    return graph


def heads_of(graph):
    has_child = set()
    for parents in graph:
        has_child.update(parents)
    return [i for i in range(len(graph)) if i not in has_child]


def header(ident, parents, i):
    return [
        "revision %d" % i,
        "",
        "Revision ID: %s" % ident,
        "Revises: %s" % ", ".join(parents) if parents else "Revises:",
        "Create Date: %s" % CREATE_DATE,
    ]


def statements(ddl, ident):
    """(upgrade, downgrade): the statements of revision `ident`, no `;`."""
    table = "t_%s" % ident
    if ddl == "table":
        return (["CREATE TABLE %s(id INTEGER)" % table],
                ["DROP TABLE %s" % table])
    index = "ix_%s_name" % table
    return (["CREATE TABLE %s (id INTEGER PRIMARY KEY, "
             "name VARCHAR(50) NOT NULL)" % table,
             "CREATE INDEX %s ON %s (name)" % (index, table)],
            ["DROP INDEX %s" % index,
             "DROP TABLE %s" % table])


def render_sql(ident, parents, i, up, down):
    lines = ["-- " + h if h else "--" for h in header(ident, parents, i)]
    lines += ["", "-- +upgrade"]
    lines += [st + ";" for st in up]
    lines += ["", "-- +downgrade"]
    lines += [st + ";" for st in down]
    lines += [""]
    return "\n".join(lines)


def render_py(ident, parents, i, up, down):
    if not parents:
        down_rev = "None"
    elif len(parents) == 1:
        down_rev = repr(parents[0])
    else:
        down_rev = "(%s)" % ", ".join(repr(p) for p in parents)
    body = lambda sts: "".join('    op.execute("%s")\n' % st for st in sts)
    return (
        '"""%s\n\n"""\n'
        "from alembic import op\n\n"
        "revision = %r\n"
        "down_revision = %s\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        "def upgrade():\n%s\n\n"
        "def downgrade():\n%s"
    ) % ("\n".join(header(ident, parents, i)), ident, down_rev, body(up),
         body(down))


def dbmate_version(i):
    return (DBMATE_BASE + datetime.timedelta(seconds=i)).strftime(
        "%Y%m%d%H%M%S")


def render_dbmate(ident, i, up, down):
    """A dbmate migration: comments may precede the first block."""
    lines = ["-- revision %d (retort revision %s)" % (i, ident), "",
             "-- migrate:up"]
    lines += [st + ";" for st in up]
    lines += ["", "-- migrate:down"]
    lines += [st + ";" for st in down]
    lines += [""]
    return "\n".join(lines)


# --- the floor --------------------------------------------------------------
#
# What retort sends for `upgrade head` / `downgrade base` on a linear
# project (src/migrate/run.c, src/db/version_table.c, src/db/postgres.c,
# src/db/sqlite.c), on the connection that migrates:
#
#   BEGIN; <does alembic_version exist?>; [CREATE TABLE alembic_version];
#   SELECT <alembic_version>; <first step>; <version row>; COMMIT;
#   then for every further step:
#   BEGIN; SELECT <alembic_version> (the re-read that detects a concurrent
#   migration); <step>; <version row>; COMMIT;
#
# The version row is INSERT for the first revision (PostgreSQL: INSERT ...
# RETURNING), UPDATE from the previous id after it, and on the way down
# UPDATE to the parent, DELETE for the last one.  On SQLite, BEGIN is
# BEGIN IMMEDIATE (the write lock at once) and the existence check reads
# sqlite_master.
#
# Not in the floor, because the work itself does not need them: the
# read-only connection retort opens first to plan before writing (one
# more connection, the existence check and a read; on SQLite only when the
# file exists); on PostgreSQL the advisory lock around the run (SELECT
# current_schema(), pg_try_advisory_lock(), pg_advisory_unlock()); on
# SQLite the `PRAGMA schema_version` each connection runs when it opens,
# to turn a file that is not a database into an error about opening.
# bench/floor.py (and bench/pg.sh for DIR/psql/) compares this list with
# what retort echoes, so the two cannot drift apart.

DIALECTS = ("sqlite", "postgresql")
BEGIN = {"sqlite": "BEGIN IMMEDIATE", "postgresql": "BEGIN"}
VT_EXISTS_SQLITE = ("SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name = 'alembic_version' COLLATE NOCASE")
VT_EXISTS = ("SELECT c.relname FROM pg_catalog.pg_class c "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
             "AND c.relname = 'alembic_version' "
             "AND pg_catalog.pg_table_is_visible(c.oid)")
VT_CREATE = ("CREATE TABLE alembic_version (\n"
             "\tversion_num VARCHAR(32) NOT NULL, \n"
             "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)")
VT_READ = "SELECT alembic_version.version_num FROM alembic_version"


def vt_insert(to, dialect="postgresql"):
    sql = "INSERT INTO alembic_version (version_num) VALUES ('%s')" % to
    if dialect == "postgresql":
        sql += " RETURNING alembic_version.version_num"
    return sql


def vt_update(frm, to):
    return ("UPDATE alembic_version SET version_num='%s' "
            "WHERE alembic_version.version_num = '%s'" % (to, frm))


def vt_delete(frm):
    return ("DELETE FROM alembic_version "
            "WHERE alembic_version.version_num = '%s'" % frm)


def floor_transactions(ids, stmts, direction, dialect="postgresql"):
    """The floor as a list of transactions, each a list of statements."""
    txs = []
    if direction == "upgrade":
        order = range(len(ids))
    else:
        order = range(len(ids) - 1, -1, -1)
    for k, i in enumerate(order):
        tx = [BEGIN[dialect]]
        if k == 0:
            tx.append(VT_EXISTS_SQLITE if dialect == "sqlite" else VT_EXISTS)
            if direction == "upgrade":
                tx.append(VT_CREATE)
        tx.append(VT_READ)
        if direction == "upgrade":
            tx += stmts[i][0]
            tx.append(vt_insert(ids[i], dialect) if i == 0 else
                      vt_update(ids[i - 1], ids[i]))
        else:
            tx += stmts[i][1]
            tx.append(vt_delete(ids[i]) if i == 0 else
                      vt_update(ids[i], ids[i - 1]))
        tx.append("COMMIT")
        txs.append(tx)
    return txs


def render_floor(txs):
    return "".join("".join(st + ";\n" for st in tx) for tx in txs)


# --- autogenerate: a desired schema ------------------------------------------


def autogen_table(i):
    """Table i of the desired schema: (its SQL statements, its model)."""
    t = "t_%04d" % i
    cols = ["    id INTEGER PRIMARY KEY",
            "    name VARCHAR(50) NOT NULL",
            "    code TEXT",
            "    qty INTEGER",
            "    parent_id INTEGER",
            "    CONSTRAINT uq_%s_code UNIQUE (code)" % t,
            "    CONSTRAINT ck_%s_qty CHECK (qty >= 0)" % t]
    fk = ""
    if i > 0:
        parent = "t_%04d" % (i - 1)
        cols.append("    CONSTRAINT fk_%s_parent FOREIGN KEY (parent_id) "
                    "REFERENCES %s (id) ON DELETE CASCADE" % (t, parent))
        fk = (',\n                       ForeignKey("%s.id", '
              'ondelete="CASCADE",\n                                  '
              'name="fk_%s_parent")' % (parent, t))
    sql = ["CREATE TABLE %s (\n%s\n)" % (t, ",\n".join(cols)),
           "CREATE INDEX ix_%s_name ON %s (name)" % (t, t)]
    model = (
        "class T%04d(Base):\n"
        "    __tablename__ = %r\n"
        "    __table_args__ = (\n"
        "        UniqueConstraint(\"code\", name=\"uq_%s_code\"),\n"
        "        CheckConstraint(\"qty >= 0\", name=\"ck_%s_qty\"),\n"
        "        Index(\"ix_%s_name\", \"name\"),\n"
        "    )\n"
        "    id = Column(Integer, primary_key=True)\n"
        "    name = Column(String(50), nullable=False)\n"
        "    code = Column(Text)\n"
        "    qty = Column(Integer)\n"
        "    parent_id = Column(Integer%s)\n"
        % (i, t, t, t, t, fk))
    return sql, model


MODELS_HEAD = '''"""The desired schema of a generated benchmark project,
as SQLAlchemy declarative models (bench/gen_project.py --autogen)."""
from sqlalchemy import (CheckConstraint, Column, ForeignKey, Index, Integer,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import declarative_base

Base = declarative_base()
'''

# env.py for autogenerate: the online path of Alembic's generic template,
# with the models' metadata as the target.
AUTOGEN_ENV_PY = '''"""Alembic environment of a generated benchmark project:
autogenerate against the models of models.py."""
import os
import sys
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

# the foreign keys form one long chain (see bench/gen_project.py)
sys.setrecursionlimit(@LIMIT@)

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = models.Base.metadata


def offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def online():
    engine = engine_from_config(config.get_section(config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection,
                          target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    offline()
else:
    online()
'''

# The Mako template `alembic revision` renders a new script from.
SCRIPT_MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
'''


# The floor of --autogen: the database itself running the desired schema
# in one transaction, as retort's scratch load does (schema/target.c): on
# SQLite an in-memory database, on PostgreSQL a fresh schema first in the
# search_path, rolled back.
AUTOGEN_FLOOR = {
    "sqlite": ("BEGIN;\n", "COMMIT;\n"),
    "postgresql": ("BEGIN;\nCREATE SCHEMA retort_floor;\n"
                   "SET LOCAL search_path = retort_floor;\n", "ROLLBACK;\n"),
}


def url_dialect(url):
    """sqlite or postgresql, from a URL's scheme."""
    d = (url or "sqlite:").split(":")[0].split("+")[0]
    return "postgresql" if d == "postgres" else d


def autogen(out, n, url, head_urls):
    """Write the --autogen projects (see the docstring at the top)."""
    sql, models = [], [MODELS_HEAD]
    for i in range(n):
        statements_i, model = autogen_table(i)
        sql += [st + ";\n" for st in statements_i]
        models.append("\n\n" + model)
    schema = "".join(sql)
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "schema.sql"), schema)
    begin, end = AUTOGEN_FLOOR[url_dialect(url)]
    write(os.path.join(out, "floor-load.sql"), begin + schema + end)
    # Reflecting a table, SQLAlchemy first reflects the table its foreign
    # key names, recursively: on the chain t_0000 <- t_0001 <- ... that is
    # a few Python frames a table, past Python's default limit of 1,000
    # frames from about 200 tables on (RecursionError; Python 3.11,
    # SQLAlchemy 1.4).  A project of this shape needs a higher limit for
    # Alembic to compare it at all.
    env_py = AUTOGEN_ENV_PY.replace("@LIMIT@", str(max(1000, 20 * n + 1000)))
    for kind, u, hu in (("", url, url), ("-head",) + tuple(head_urls)):
        rdir = os.path.join(out, "retort" + kind)
        adir = os.path.join(out, "alembic" + kind)
        for d in (rdir, adir):
            os.makedirs(os.path.join(d, "versions"), exist_ok=True)
        write(os.path.join(rdir, "alembic.ini"), INI.replace(
            "@URL@", u + "\ntarget_schema = %(here)s/schema.sql"))
        write(os.path.join(rdir, "schema.sql"), schema)
        write(os.path.join(adir, "alembic.ini"), INI.replace("@URL@", hu))
        write(os.path.join(adir, "env.py"), env_py)
        write(os.path.join(adir, "models.py"), "".join(models))
        write(os.path.join(adir, "script.py.mako"), SCRIPT_MAKO)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", choices=("linear", "branchy"))
    ap.add_argument("--autogen", action="store_true",
                    help="write a desired schema of N tables for "
                    "revision --autogenerate and check instead")
    ap.add_argument("--retort-head-url", help="--autogen: sqlalchemy.url "
                    "of retort-head/ (default: SQLite head.db there)")
    ap.add_argument("--alembic-head-url", help="--autogen: sqlalchemy.url "
                    "of alembic-head/ (default: SQLite head.db there)")
    ap.add_argument("--n", type=int, required=True,
                    help="revisions (--autogen: tables)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--width", type=int, help="branchy: parallel lanes")
    ap.add_argument("--segment", type=int, default=5,
                    help="branchy: revisions per lane between merges")
    ap.add_argument("--ddl", choices=("table", "table+index"),
                    default="table", help="what each revision does")
    ap.add_argument("--url", help="sqlalchemy.url (default: SQLite test.db)")
    ap.add_argument("--transaction-per-migration", action="store_true",
                    help="Alembic: one transaction per revision")
    ap.add_argument("--psql", action="store_true",
                    help="also write psql/upgrade.sql and psql/downgrade.sql "
                    "(the PostgreSQL floor, where bench/pg.sh wants it)")
    ap.add_argument("--floor", choices=DIALECTS,
                    help="also write floor/upgrade.sql and "
                    "floor/downgrade.sql for this dialect")
    ap.add_argument("--dbmate", action="store_true",
                    help="also write dbmate/db/migrations/")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    if args.autogen:
        if args.shape or args.floor or args.psql or args.dbmate:
            ap.error("--autogen writes a schema, not a history: no --shape, "
                     "--floor, --psql or --dbmate")
        if url_dialect(args.url) not in AUTOGEN_FLOOR:
            ap.error("--autogen: --url must be SQLite or PostgreSQL")
        # ConfigParser interpolates %: a literal one in a URL is %%
        ini_url = lambda u, default: u.replace("%", "%%") if u else default
        head = "sqlite:///%(here)s/head.db"
        autogen(args.out, args.n, ini_url(args.url, SQLITE_URL),
                (ini_url(args.retort_head_url, head),
                 ini_url(args.alembic_head_url, head)))
        return 0
    if not args.shape:
        ap.error("--shape is required (or --autogen)")
    for opt, given in (("--psql", args.psql), ("--floor", args.floor),
                       ("--dbmate", args.dbmate)):
        if given and args.shape != "linear":
            ap.error("%s needs --shape linear" % opt)
    if args.floor:
        if args.floor != url_dialect(args.url):
            ap.error("--floor %s, but --url is %s: the floor must be in the "
                     "dialect retort runs on" % (args.floor,
                                                 url_dialect(args.url)))

    if args.shape == "linear":
        graph = linear(args.n)
    else:
        width = args.width or max(2, min(100, args.n // 10))
        graph = branchy(args.n, width, max(1, args.segment))
    ids = [rev_id(args.shape, i) for i in range(len(graph))]
    stmts = [statements(args.ddl, ident) for ident in ids]

    # ConfigParser interpolates %: a literal one in a URL is %%
    url = args.url.replace("%", "%%") if args.url else SQLITE_URL
    configure = ""
    if args.transaction_per_migration:
        configure = ",\n                          transaction_per_migration=True"
    for kind in ("retort", "alembic"):
        os.makedirs(os.path.join(args.out, kind, "versions"), exist_ok=True)
        write(os.path.join(args.out, kind, "alembic.ini"),
              INI.replace("@URL@", url))
    write(os.path.join(args.out, "alembic", "env.py"),
          ENV_PY.replace("@CONFIGURE@", configure))

    for i, parents in enumerate(graph):
        ident = ids[i]
        pids = [ids[p] for p in parents]
        stem = "%s_rev_%d" % (ident, i)
        up, down = stmts[i]
        write(os.path.join(args.out, "retort", "versions", stem + ".sql"),
              render_sql(ident, pids, i, up, down))
        write(os.path.join(args.out, "alembic", "versions", stem + ".py"),
              render_py(ident, pids, i, up, down))

    floors = []
    if args.psql:
        floors.append(("psql", "postgresql"))
    if args.floor:
        floors.append(("floor", args.floor))
    for where, dialect in floors:
        os.makedirs(os.path.join(args.out, where), exist_ok=True)
        for direction in ("upgrade", "downgrade"):
            write(os.path.join(args.out, where, direction + ".sql"),
                  render_floor(floor_transactions(ids, stmts, direction,
                                                  dialect)))

    if args.dbmate:
        mdir = os.path.join(args.out, "dbmate", "db", "migrations")
        os.makedirs(mdir, exist_ok=True)
        for i, ident in enumerate(ids):
            up, down = stmts[i]
            write(os.path.join(mdir, "%s_rev_%d.sql" % (dbmate_version(i), i)),
                  render_dbmate(ident, i, up, down))

    write(os.path.join(args.out, "heads.txt"),
          "".join(ids[h] + "\n" for h in heads_of(graph)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

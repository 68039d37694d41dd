# retort - one non-recursive GNU Makefile.
#
#   make                 build build/retort, build/libretort.{a,so}, build/retort.pc
#   make check           install missing Debian packages, build, run every test
#                        (under a throwaway PostgreSQL server, t/with-postgres.sh)
#   make demo            build and run the sample project on SQLite
#   make property        the autogenerate property test, 3000 SQLite + 500
#                        PostgreSQL schema pairs (a few minutes)
#   make install PREFIX=/usr/local [DESTDIR=...]
#
# Knobs: DEVELOPER=1 (warnings are errors; `make check` sets it),
# SANITIZE=address,undefined, CC=clang, O=build-dir.  Local overrides go in
# an untracked config.mak.

-include config.mak

MAKEFLAGS += --no-print-directory

O        ?= build
PREFIX   ?= /usr/local
CC       ?= cc
PKGS     := sqlite3 libpq
# libpq is not linked: db/libpq_loader.c dlopen()s it on the first
# PostgreSQL connection, so only its header is needed to build.
LINK_PKGS := sqlite3
# dlopen() and pthread_once() for that loader: in libc since glibc 2.34
# (where these two are empty archives), in libdl/libpthread before.
DL_LIBS  ?= -ldl -pthread
PKG_CONFIG ?= pkg-config

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
	-Wwrite-strings -Wvla -Wformat=2 -Wformat-security -Wundef \
	-Wcast-qual -Wimplicit-fallthrough -Wdeclaration-after-statement \
	-fno-common

CFLAGS   ?= -O2 -g
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif
ifneq ($(SANITIZE),)
CFLAGS   := -O1 -g -fno-omit-frame-pointer
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
endif

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(LINK_PKGS) 2>/dev/null) $(DL_LIBS)

ALL_CFLAGS = -std=c11 $(WARNINGS) $(CFLAGS) $(SAN_FLAGS) -fPIC \
	-fvisibility=hidden -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)

LIB_SRC  := $(sort $(wildcard src/*.c src/util/*.c src/config/*.c \
	src/graph/*.c src/script/*.c src/db/*.c src/migrate/*.c src/schema/*.c \
	src/report/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard t/unit/test_*.c))
# shared fixtures linked into every unit test (e.g. graph_fixture.c)
UNIT_FIXTURE_SRC := $(filter-out $(UNIT_SRC),$(sort $(wildcard t/unit/*.c)))
HELPER_SRC := $(sort $(wildcard t/helper/*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(O)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(O)/%.o)
UNIT_BIN := $(UNIT_SRC:%.c=$(O)/%)
UNIT_FIXTURE_OBJ := $(UNIT_FIXTURE_SRC:%.c=$(O)/%.o)
# keep them: make would delete them as intermediate files
.SECONDARY: $(UNIT_FIXTURE_OBJ)
HELPER_OBJ := $(HELPER_SRC:%.c=$(O)/%.o)

SONAME   := libretort.so.0
PROGRAMS := $(O)/retort $(O)/libretort.a $(O)/libretort.so $(O)/retort.pc

.PHONY: all check check-tests unit e2e conformance conformance-pg test-asan \
	demo install clean headertest format format-check deps valgrind-check \
	bench property

all: $(PROGRAMS) $(UNIT_BIN) $(if $(HELPER_SRC),$(O)/t/helper/rt-test-tool)

# Recompile everything when the effective flags change (git's GIT-CFLAGS).
$(O)/CFLAGS: FORCE
	@mkdir -p $(O)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@
.PHONY: FORCE

$(O)/%.o: %.c $(O)/CFLAGS
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libretort.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(O)/libretort.so: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/retort: $(CLI_OBJ) $(O)/libretort.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(O)/libretort.a $(PKG_LIBS)

$(O)/t/unit/%: t/unit/%.c $(UNIT_FIXTURE_OBJ) $(O)/libretort.a $(O)/CFLAGS
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -It/unit -o $@ $< \
		$(UNIT_FIXTURE_OBJ) $(O)/libretort.a \
		$(PKG_LIBS) -lcmocka $(ALL_LDFLAGS)

$(O)/t/helper/rt-test-tool: $(HELPER_OBJ) $(O)/libretort.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(HELPER_OBJ) $(O)/libretort.a $(PKG_LIBS)

VERSION := $(shell sed -n 's/.*RETORT_VERSION *"\(.*\)"/\1/p' include/retort/common.h)
GEN_PC = sed -e 's|@PREFIX@|$(1)|' -e 's|@VERSION@|$(VERSION)|' \
	-e 's|@LIBS_PRIVATE@|$(DL_LIBS)|' retort.pc.in

# The build tree's retort.pc points at PREFIX; `install` writes its own,
# so a PREFIX given only to `make install` is honoured.
$(O)/retort.pc: retort.pc.in Makefile
	@mkdir -p $(dir $@)
	$(call GEN_PC,$(PREFIX)) > $@

# --- tests -----------------------------------------------------------------
# `make check` is the one command CI runs: Debian packages, a DEVELOPER=1
# build, every test, then the same tests under ASan+UBSan.
# Stages: public headers compile alone, formatting, then, all under one
# throwaway PostgreSQL server (t/with-postgres.sh, stopped at the end even
# on failure): the conformance score on SQLite and on PostgreSQL, the
# tests, the tests under ASan+UBSan, the tests under valgrind.  The score
# comes first so that the last lines are prove's summary ("Result: PASS"),
# which CI reads.
#
# Every target that runs tests runs them under t/with-postgres.sh, so the
# PostgreSQL tests (t4xxx) always have a server: a fresh one, or the one
# already named by RETORT_TEST_PG_URL (an outer with-postgres.sh, as in
# `make check`, or a server of your own).
WITH_PG := t/with-postgres.sh

check: deps
	$(MAKE) DEVELOPER=1 all
	$(MAKE) headertest
	$(MAKE) format-check
	$(WITH_PG) $(MAKE) DEVELOPER=1 O=$(O) check-tests

# The stages of `make check` that need the server.
check-tests:
	$(MAKE) DEVELOPER=1 O=$(O) conformance
	$(MAKE) DEVELOPER=1 O=$(O) test
	$(MAKE) DEVELOPER=1 O=$(O)-asan SANITIZE=address,undefined all
	$(MAKE) DEVELOPER=1 O=$(O)-asan SANITIZE=address,undefined test
	$(MAKE) DEVELOPER=1 O=$(O) valgrind-check

test: all
	RT_BUILD=$(abspath $(O)) $(WITH_PG) prove --exec t/run-test.sh $(PROVE_OPTS) \
		$(UNIT_BIN) $(sort $(wildcard t/t[0-9]*.sh))

unit: all
	RT_BUILD=$(abspath $(O)) $(WITH_PG) prove --exec t/run-test.sh $(UNIT_BIN)

e2e: all
	RT_BUILD=$(abspath $(O)) $(WITH_PG) prove --exec t/run-test.sh \
		$(if $(T),$(addprefix t/,$(T)),$(sort $(wildcard t/t[0-9]*.sh)))

conformance: all
	t/conformance.sh $(abspath $(O))/retort
	$(WITH_PG) t/conformance-pg.sh $(abspath $(O))/retort

conformance-pg: all
	$(WITH_PG) t/conformance-pg.sh $(abspath $(O))/retort

valgrind-check: all
	RT_BUILD=$(abspath $(O)) RT_TEST_WRAPPER='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect' \
		$(WITH_PG) prove --exec t/run-test.sh $(UNIT_BIN) $(sort $(wildcard t/t[0-9]*.sh))

# The long run of the autogenerate property test (issue 6): thousands of
# random schema pairs instead of the few hundred `make test` runs.  A
# failing pair prints its seed; RT_PROPERTY_SEED=<n> replays it.
PROPERTY_PAIRS_SQLITE ?= 3000
PROPERTY_PAIRS_PG ?= 500
property: all
	RT_PROPERTY_PAIRS_SQLITE=$(PROPERTY_PAIRS_SQLITE) \
	RT_PROPERTY_PAIRS_PG=$(PROPERTY_PAIRS_PG) \
		$(WITH_PG) $(O)/t/unit/test_autogen_property

deps:
	@scripts/install-deps.sh

demo: deps
	$(MAKE) all
	scripts/demo.sh $(abspath $(O))/retort

# The benchmark suite (bench/README.md): installs the peers (Alembic,
# dbmate from npm, PostgreSQL, gnuplot, hyperfine), runs every scenario,
# writes bench/results/.  Slow and noisy: not part of `make check`, which
# runs only its N=10 smoke (t9000).  BENCH_ARGS passes options, e.g.
# BENCH_ARGS='--sizes "10 100" --groups status'.
bench: all
	bench/setup.sh >/dev/null
	python3 bench/bench.py $(BENCH_ARGS) $(abspath $(O))/retort

headertest:
	@set -e; for h in include/retort/*.h; do \
		echo "#include \"$${h#include/}\"" | \
		$(CC) -std=c11 -Wall -Wextra -Wpedantic -Werror -Iinclude \
			-x c -fsyntax-only -; \
	done; echo "headertest: ok"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/retort
	install -m 755 $(O)/retort $(DESTDIR)$(PREFIX)/bin/retort
	install -m 644 $(O)/libretort.a $(DESTDIR)$(PREFIX)/lib/libretort.a
	install -m 755 $(O)/libretort.so $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libretort.so
	install -m 644 include/retort/*.h $(DESTDIR)$(PREFIX)/include/retort/
	$(call GEN_PC,$(PREFIX)) > $(DESTDIR)$(PREFIX)/lib/pkgconfig/retort.pc

clean:
	rm -rf $(O) $(O)-asan t/trash.*

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(HELPER_OBJ:.o=.d)

# qipc_fdw: PostgreSQL foreign data wrapper for kdb+/q over IPC.
#
#   make               build qipc_fdw.so (the extension only)
#   make qserver       build the q test server (test/qserver/qserver) and its
#                      command-line client (test/qserver/tests/qclient)
#   make install       install the extension into $(PG_CONFIG)'s PostgreSQL
#   make installcheck  run the pg_regress suites against a running server;
#                      the q test servers must be running and named by the
#                      QIPC_TEST_* variables (test/run_regress.sh does it all);
#                      builds the q test server first
#   make unitcheck     build and run the codec unit tests standalone under
#                      ASan/UBSan, with no PostgreSQL include path
#   make fuzz          build the libFuzzer harness for the reader (clang)

EXTENSION = qipc_fdw
MODULE_big = qipc_fdw
DATA = qipc_fdw--1.0.sql
PGFILEDESC = "qipc_fdw - foreign data wrapper for kdb+/q"

KIPC_SRCS = $(sort $(wildcard src/kipc/*.c))
FDW_SRCS = $(sort $(wildcard src/*.c))
OBJS = $(FDW_SRCS:.c=.o) $(KIPC_SRCS:.c=.o)

# one pg_regress suite per area; order matters only for readability
REGRESS = $(shell cat test/regress_schedule 2>/dev/null)
REGRESS_OPTS = --load-extension=$(EXTENSION) --dbname=contrib_regression

PG_CPPFLAGS = -Isrc -Isrc/kipc
# a missing prototype is an error, not an implicit int function that fails
# at load time with an undefined symbol
PG_CFLAGS += -Werror=implicit-function-declaration
SHLIB_LINK = -lssl -lcrypto

EXTRA_CLEAN = test/qserver/qserver test/qserver/tests/qclient test/unit/unittest test/unit/fuzz_reader \
	results regression.diffs regression.out

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)

# --- clang/LLVM bitcode -----------------------------------------------------
# A PostgreSQL built with LLVM (Debian's is) makes PGXS compile every file a
# second time with clang, to bitcode for JIT inlining.  Without that clang the
# build stops with "clang-14: No such file or directory"; the bitcode is only
# an optimisation, so build without it and say so.  with_llvm=yes|no on the
# command line still decides.
PGXS_CLANG := $(shell sed -n 's/^CLANG[[:space:]]*=[[:space:]]*//p' $(dir $(PGXS))../Makefile.global 2>/dev/null)
ifeq ($(origin with_llvm),undefined)
ifneq ($(PGXS_CLANG),)
ifeq ($(shell command -v $(firstword $(PGXS_CLANG)) 2>/dev/null),)
$(info $(PGXS_CLANG) not found: building without LLVM bitcode (with_llvm=no))
override with_llvm = no
endif
endif
endif

# make installcheck first runs installcheck-env (below the PGXS include)
REGRESS_PREP = installcheck-env

include $(PGXS)

# PGXS tracks no header dependencies: without this, a change to a struct in
# a header leaves objects built against the old layout in place
$(OBJS): $(wildcard src/*.h) $(wildcard src/kipc/*.h)

# --- make installcheck --------------------------------------------------------
# The suites read the ports of running q test servers (and the TLS
# certificate directory) from QIPC_TEST_* environment variables with psql's
# \getenv; unset, they fail with syntax errors at ":'qport'".  Refuse before
# pg_regress starts, naming the variables the chosen suites need.
QIPC_TEST_VARS = $(sort $(shell sed -n 's/^\\getenv[[:space:]][[:space:]]*[a-z_]*[[:space:]][[:space:]]*\(QIPC_TEST_[A-Z_]*\).*/\1/p' \
	$(wildcard $(addprefix sql/,$(addsuffix .sql,$(REGRESS))))))
QIPC_TEST_UNSET = $(strip $(foreach v,$(QIPC_TEST_VARS),$(if $($(v)),,$(v))))
.PHONY: installcheck-env
installcheck-env:
ifneq ($(QIPC_TEST_UNSET),)
	@echo "make installcheck: these environment variables are not set: $(QIPC_TEST_UNSET)" >&2
	@echo "The suites need running q test servers whose ports (and TLS certificates) these name." >&2
	@echo "test/run_regress.sh builds, starts a throwaway cluster and every q test server, and runs" >&2
	@echo "the suites (REGRESS=\"core types\" test/run_regress.sh for some); see docs/testing.md." >&2
	@exit 1
endif
# -----------------------------------------------------------------------------

# ---------------------------------------------------------------------------
# Standalone C programs: built with the host compiler, no PostgreSQL headers.
# ---------------------------------------------------------------------------
HOST_CC ?= gcc
HOST_CFLAGS ?= -O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu11
KIPC_HDRS = $(wildcard src/kipc/*.h)
QSERVER_SRCS = $(sort $(wildcard test/qserver/*.c))
QSERVER_HDRS = $(wildcard test/qserver/*.h)
UNIT_SRCS = $(sort $(filter-out test/unit/fuzz_%.c,$(wildcard test/unit/*.c)))

# The q test server and its client are test tools, not part of the
# extension: plain "make" leaves them alone; the test targets build them.
.PHONY: qserver
qserver: test/qserver/qserver test/qserver/tests/qclient
installcheck: qserver
unitcheck: qserver

test/qserver/qserver: $(QSERVER_SRCS) $(QSERVER_HDRS) $(KIPC_SRCS) $(KIPC_HDRS)
	$(HOST_CC) $(HOST_CFLAGS) -Isrc/kipc -Itest/qserver -o $@ $(QSERVER_SRCS) $(KIPC_SRCS) -lssl -lcrypto -lm

# command-line client on the libkipc transport (network tests, demos)
test/qserver/tests/qclient: test/qserver/tests/qclient.c $(KIPC_SRCS) $(KIPC_HDRS)
	$(HOST_CC) $(HOST_CFLAGS) -Isrc/kipc -o $@ test/qserver/tests/qclient.c $(KIPC_SRCS) -lssl -lcrypto -lm

test/unit/unittest: $(UNIT_SRCS) $(KIPC_SRCS) $(KIPC_HDRS)
	$(HOST_CC) -g -O1 -Wall -Wextra -Wno-unused-parameter -std=gnu11 \
		-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-Isrc/kipc -o $@ $(UNIT_SRCS) $(KIPC_SRCS) -lssl -lcrypto -lm

.PHONY: unitcheck fuzz
unitcheck: test/unit/unittest
	cd test/unit && ASAN_OPTIONS=detect_leaks=1 ./unittest

test/unit/fuzz_reader: test/unit/fuzz_reader.c $(KIPC_SRCS) $(KIPC_HDRS)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/kipc -o $@ test/unit/fuzz_reader.c $(KIPC_SRCS) -lssl -lcrypto -lm

fuzz: test/unit/fuzz_reader

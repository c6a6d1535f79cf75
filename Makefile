# SPDX-License-Identifier: GPL-2.0
# l2tpx: BPF objects and their skeletons, the daemon, the CLI and the tests.
# `make V=1` shows the full commands.

.DELETE_ON_ERROR:
.SUFFIXES:

PREFIX	?= /usr/local
DESTDIR	?=
BUILD	:= build

# `make SAN=1`: the daemon, the CLI and the tests with ASan, UBSan and
# LeakSanitizer, in build/san (selftests/e2e_sanitize.sh runs the e2e tests
# on it).
ifeq ($(SAN),1)
BUILD	:= build/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	     -fno-omit-frame-pointer
endif

CC	?= cc
CLANG	?= clang
BPFTOOL	?= bpftool
ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

PKGS	:= libbpf libxdp libnl-3.0 libnl-route-3.0 libnl-genl-3.0 json-c nettle inih \
	   libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

CFLAGS	?= -O2 -g
CFLAGS	+= $(SAN_FLAGS) -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	   -Iinclude -I$(BUILD)/include -Iuser $(PKG_CFLAGS)
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -Wall -Werror -Iinclude -Ibpf -I$(ARCH_INC)

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(BUILD)/include/%.skel.h,$(BPF_SRCS))
BPF_HDRS  := $(wildcard bpf/lib/*.h) include/l2tpx.h

LIB_SRCS  := $(filter-out user/l2tpxd.c user/l2tpxctl.c,$(wildcard user/*.c))
LIB_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LIB       := $(BUILD)/libl2tpx.a
BINS      := $(BUILD)/l2tpxd $(BUILD)/l2tpxctl

TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
SELF_SRCS := $(wildcard selftests/test_*.c)
SELF_BINS := $(patsubst selftests/%.c,$(BUILD)/selftests/%,$(SELF_SRCS))
SELF_LIB  := $(wildcard selftests/lib/*.c)

all: $(BINS) $(BPF_OBJS)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/include/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(BUILD)/user/%.o: user/%.c $(wildcard user/*.h) include/l2tpx.h $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)$(AR) rcs $@ $^

$(BUILD)/l2tpxd: $(BUILD)/user/l2tpxd.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/l2tpxctl: $(BUILD)/user/l2tpxctl.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/%.c $(LIB) $(wildcard tests/*.h) $(SELF_LIB)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests -Iselftests/lib -o $@ $< $(SELF_LIB) $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS)

$(BUILD)/selftests/%: selftests/%.c $(SELF_LIB) $(wildcard selftests/lib/*.h) $(SKELS) $(LIB)
	$(call msg,SELFTEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iselftests/lib -o $@ $< $(SELF_LIB) $(LIB) $(PKG_LIBS) $(CMOCKA_LIBS)

BENCH_BINS := $(BUILD)/bench/prog_cost $(BUILD)/bench/trafgen
BENCH_BINS += $(BUILD)/bench/state_cost

# trafgen installs sessions through dp.c and builds frames with the selftests' builder.
$(BUILD)/bench/trafgen: bench/trafgen.c $(SKELS) include/l2tpx.h $(LIB) $(SELF_LIB)
	$(call msg,BENCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iselftests/lib -o $@ $< selftests/lib/frames.c $(LIB) $(PKG_LIBS)

# state_cost times user/state.c: it links the daemon's library.
$(BUILD)/bench/state_cost: bench/state_cost.c $(LIB)
	$(call msg,BENCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# prog_cost installs sessions as dp does (dp_fast_put): it links the library too.
$(BUILD)/bench/%: bench/%.c $(SKELS) include/l2tpx.h $(LIB)
	$(call msg,BENCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(LIB) $(PKG_LIBS)

# bench_xdp.bpf.c includes l2tp_xdp.bpf.c: rebuild it when that changes.
$(BUILD)/bpf/bench_xdp.bpf.o: bpf/l2tp_xdp.bpf.c

tests: $(TEST_BINS) $(SELF_BINS)

# The interop run boots a guest with kernel L2TP/PPP (../shared/lab): the
# real PPP peer.  Its image is built once and reused.
INTEROP := selftests/lab/interop.sh
# Accelerator mode beside xl2tpd + pppd in the same guest (docs/ACCEL.md).
INTEROP_ACCEL := selftests/lab/interop-accel.sh

check: all tests
	$(Q)scripts/run-tests.sh $(TEST_BINS) $(SELF_BINS) $(wildcard selftests/e2e_*.sh) \
		selftests/fuzz_smoke.sh $(INTEROP) $(INTEROP_ACCEL)

interop: all
	$(Q)scripts/run-tests.sh $(INTEROP)

interop-accel: all
	$(Q)scripts/run-tests.sh $(INTEROP_ACCEL)

demo: all
	$(Q)scripts/demo.sh

bench: all $(BENCH_BINS)
	$(Q)scripts/bench.sh

SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DOCDIR     ?= $(PREFIX)/share/doc/l2tpx
MANDIR     ?= $(PREFIX)/share/man
MAN5       := $(wildcard docs/man/*.5)
MAN8       := $(wildcard docs/man/*.8)

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/lib/l2tpx \
		$(DESTDIR)$(SYSCONFDIR)/l2tpx $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 0644 $(filter-out %/bench_xdp.bpf.o %/bench_trafgen.bpf.o,$(BPF_OBJS)) $(DESTDIR)$(PREFIX)/lib/l2tpx/
	install -m 0644 etc/l2tpxd.conf $(DESTDIR)$(DOCDIR)/l2tpxd.conf.example
	test -e $(DESTDIR)$(SYSCONFDIR)/l2tpx/l2tpxd.conf || \
		install -m 0600 etc/l2tpxd.conf $(DESTDIR)$(SYSCONFDIR)/l2tpx/l2tpxd.conf
	sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		-e 's|@DOCDIR@|$(DOCDIR)|g' etc/l2tpxd.service >$(DESTDIR)$(UNITDIR)/l2tpxd.service
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(if $(MAN5),install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/)
	$(if $(MAN8),install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/)

format:
	clang-format -i $(wildcard bpf/*.c bpf/lib/*.h include/*.h user/*.c user/*.h \
		tests/*.c selftests/*.c selftests/lib/*.[ch] bench/*.c)

clean:
	rm -rf $(BUILD)

.PHONY: all tests check interop interop-accel demo bench install format clean

include fuzz/fuzz.mk
.SECONDARY:

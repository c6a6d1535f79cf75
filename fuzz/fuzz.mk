# SPDX-License-Identifier: GPL-2.0
# libFuzzer targets (clang 14, ASan + UBSan), included by the Makefile.
# The library sources are compiled again with the sanitizer flags into
# build/fuzz/, apart from the normal library.  `make fuzz` runs each target
# FUZZ_TIME seconds on a seed corpus made from ../shared/testdata at run
# time; selftests/fuzz_smoke.sh (in `make check`) runs a short smoke.

FUZZ_CC     := clang
FUZZ_BUILD  := $(BUILD)/fuzz
FUZZ_TIME   ?= 60
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	       -fno-omit-frame-pointer
FUZZ_CFLAGS := -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -std=gnu11 \
	       -Wall -Wextra -Werror -Wno-unused-parameter \
	       -Iinclude -I$(BUILD)/include -Iuser -Itests $(PKG_CFLAGS)
FUZZ_SRCS   := $(wildcard fuzz/fuzz_*.c)
FUZZ_BINS   := $(patsubst fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRCS))
FUZZ_OBJS   := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(LIB_SRCS))

$(FUZZ_BUILD)/user/%.o: user/%.c $(wildcard user/*.h) include/l2tpx.h $(SKELS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) $(FUZZ_OBJS) $(wildcard tests/*.h)
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) \
		$(PKG_LIBS) $(CMOCKA_LIBS)

# fuzz_decap also links the selftest harness (selftests/lib) and libbpf.
FUZZ_SELF_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(SELF_LIB))

$(FUZZ_BUILD)/selftests/lib/%.o: selftests/lib/%.c $(wildcard selftests/lib/*.h) $(SKELS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Iselftests/lib -c $< -o $@

$(FUZZ_BUILD)/fuzz_decap: fuzz/fuzz_decap.c $(FUZZ_SELF_OBJS) $(FUZZ_OBJS)
	$(call msg,FUZZ,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Iselftests/lib -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_SELF_OBJS) $(FUZZ_OBJS) $(PKG_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)FUZZ_TIME=$(FUZZ_TIME) FUZZ_CORPUS=$(FUZZ_BUILD)/corpus FUZZ_OUT=$(FUZZ_BUILD)/out \
		scripts/fuzz.sh $(FUZZ_BINS)

check: $(FUZZ_BINS)

.PHONY: fuzz fuzz-bins

# The two commands a new user needs: `make run` and `make test` (see README.md).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
CTEST_ARGS ?=

.PHONY: setup build build-asan run test test-unit test-asan fuzz bench bench-quick format clean

setup:
	@./scripts/setup

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/duckgres serve --data-dir $(DATA_DIR) --demo-data on

# Every test: unit and integration tests under AddressSanitizer/UBSan, a short fuzzing run
# (both from one clang build), then all of them on the release build (its summary line is the last thing printed).
test: build test-asan fuzz
	cd $(BUILD) && ctest --output-on-failure -j 2 $(CTEST_ARGS)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

# One instrumented build serves the sanitizer suite and the fuzzers: clang with ASan, UBSan and
# libFuzzer's coverage hooks (DUCKLINGS_FUZZ), at -O1 (a build fewer than the separate gcc
# sanitizer and fuzzer builds it replaces; the whole sanitizer suite ran in 6.5 min on 2 cores).
$(ASAN_BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DDUCKLINGS_FUZZ=ON "-DCMAKE_C_FLAGS_DEBUG=-O1 -g" "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g"

build-asan: setup $(ASAN_BUILD)/Makefile
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Unit and integration tests against the sanitizer build.
test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -j 2 -LE fuzz

# Each fuzzer for FUZZ_SECONDS (tests/fuzz/CMakeLists.txt), two at a time.
fuzz: build-asan
	cd $(ASAN_BUILD) && ctest --output-on-failure -j 2 -L fuzz

# duckgres against PostgreSQL 15 and embedded DuckDB (bench/README.md); not part of `make test`.
# BENCH_ARGS passes options through, e.g. make bench BENCH_ARGS="--suites analytics --reps 5".
bench: setup
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	$(MAKE) -C build-bench duckgres
	DUCKGRES_BIN=build-bench/duckgres /usr/bin/python3 bench/bench.py $(BENCH_ARGS)

bench-quick: setup
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
	$(MAKE) -C build-bench duckgres
	DUCKGRES_BIN=build-bench/duckgres /usr/bin/python3 bench/bench.py --quick $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h' '*.c')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# The two commands a new user needs: `make run` and `make test` (see README.md).
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
CTEST_ARGS ?=

.PHONY: setup build run test test-unit test-asan fuzz bench bench-quick format clean

setup:
	@./scripts/setup

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(BUILD)/duckgres serve --data-dir $(DATA_DIR) --demo-data on

# Every test: unit and integration tests under AddressSanitizer/UBSan, a short fuzzing run,
# then all of them on the release build (its summary line is the last thing printed).
test: build test-asan fuzz
	cd $(BUILD) && ctest --output-on-failure -j 2 $(CTEST_ARGS)

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit

$(ASAN_BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DDUCKLINGS_SANITIZE=ON

# Unit tests, and the integration tests against a server built with the sanitizers.
test-asan: setup $(ASAN_BUILD)/Makefile
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=0 ctest --output-on-failure -j 2

fuzz: setup
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DDUCKLINGS_FUZZ=ON > /dev/null
	cmake --build build-fuzz -j $(JOBS) --target fuzz_targets
	cd build-fuzz && ctest --output-on-failure -L fuzz

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
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz

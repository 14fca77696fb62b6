# Benchmarks (issues 6 and 15): bulk apply vs the per-card loop vs a raw HTTP client, latency-bound
# efficiency, memory at 100,000 cards, the cost of the progress lines, AWX job slicing. Not part of
# `make test`: a smoke run of the same scripts with tiny sizes is (tests/integration/test_benchmarks_smoke.py).
#   make bench                                  every scenario, 3 runs each, medians (~70 min on 2 idle cores)
#   make bench BENCH_N=2000 BENCH_REPEAT=1      smaller and quicker
#   make bench BENCH_SCENARIOS=1,3              some scenarios only
# Also: BENCH_LOOP_N (200), BENCH_LATENCY_N (2000), BENCH_LATENCY_CONCURRENCY (8,16), BENCH_REPORT_N (100000),
# BENCH_SLICE_N (2000), and the runs of the slow scenarios BENCH_LOOP_REPEAT, BENCH_LATENCY_REPEAT,
# BENCH_REPORT_REPEAT, BENCH_SLICE_REPEAT (3 each, the protocol; 1 for a quicker look).
# Rows are appended to build/bench/results.json; the Markdown table is printed and kept in
# build/bench/results-<run>.md. See tests/benchmarks/README.md.
BENCH_VARS := BENCH_N BENCH_REPEAT BENCH_SCENARIOS BENCH_LOOP_N BENCH_LATENCY_N BENCH_REPORT_N BENCH_LOOP_REPEAT BENCH_LATENCY_REPEAT BENCH_REPORT_REPEAT \
	BENCH_LATENCY_CONCURRENCY BENCH_SLICE_N BENCH_SLICE_REPEAT
export $(BENCH_VARS)
BENCH_ARGS ?=

.PHONY: bench bench-smoke

bench: collection
	$(BIN)/python -m tests.benchmarks $(BENCH_ARGS)

bench-smoke: collection
	$(BIN)/python -m tests.benchmarks --smoke --out $(CURDIR)/build/bench/smoke-results.json $(BENCH_ARGS)

"""mim.cm benchmarks (issue 6): python -m tests.benchmarks, see tests/benchmarks/README.md."""

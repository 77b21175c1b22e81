"""backtrack's benchmark suite: data generators and the runner (`python -m benchmarks`)."""

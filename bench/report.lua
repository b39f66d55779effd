-- Prints wrk's results as one JSON line (after a "BENCH_JSON " marker) for bench/run.py.
-- Non-2xx answers count as errors: a benchmark of error pages would prove nothing. A script
-- that counts more defines extra_fields(), which returns them as `, "name": value` JSON.
function done(summary, latency, requests)
  local errors = summary.errors
  local extra = extra_fields and extra_fields() or ""
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d, "non_2xx": %d%s}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), latency.max, errors.connect, errors.read, errors.write,
    errors.timeout, errors.status, extra))
end

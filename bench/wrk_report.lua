-- wrk reports p50/p75/p90/p99 only; the benchmark needs p95 and machine-readable numbers.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%.0f,"p90_us":%.0f,'
      .. '"p95_us":%.0f,"p99_us":%.0f,"max_us":%.0f,"mean_us":%.1f,"err_connect":%d,'
      .. '"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end

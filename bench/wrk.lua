-- Envoie le cookie de session du parent (BANC_COOKIE, vide pour la vue nue) et écrit, à la
-- fin, les chiffres dont le banc a besoin (bench/pages.py).
local cookie = os.getenv("BANC_COOKIE") or ""
wrk.headers["Cookie"] = cookie
wrk.headers["Host"] = "127.0.0.1"

done = function(summary, latency, requests)
  local erreurs = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    "BANC pages=%d duree_us=%d p50_us=%d p95_us=%d p99_us=%d erreurs=%d non_200=%d\n",
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(95.0),
    latency:percentile(99.0), erreurs, summary.errors.status))
end

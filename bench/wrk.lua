-- Envoie le cookie de session du parent et écrit, à la fin, les chiffres dont le banc a besoin.
local cookie = os.getenv("BANC_COOKIE") or ""
wrk.headers["Cookie"] = cookie
wrk.headers["Host"] = "127.0.0.1"

done = function(summary, latency, requests)
  local erreurs = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "BANC requetes=%d duree_us=%d p50_us=%d p95_us=%d erreurs=%d\n",
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(95.0),
    erreurs))
end

# doors_curve.sh - the "doors" part of scripts/bench.sh (sourced by it, with its site, broker,
# devices and helpers): the gateway's cost at 1, 32, 128 and 256 doors (issue 22). For each
# count a copy of the site's config with that many [door] sections (door1, the tapped one,
# last, so every per-door list is walked to its end) and a copy of its database where alice
# may open every door. Measured per count: the phone page (bytes; GET / back to back on a
# kept-alive connection for KA_SECS: latency percentiles), the warm tap on door1 (P1's pattern), the gateway's RSS after
# the taps, and the gateway's MQTT subscriptions as the broker logged them.
# shellcheck shell=bash
lk_stop "$GW_PID"
for n in ${DOOR_COUNTS:-1 32 128 256}; do
  db="$LK_TMP/doors-$n.db" conf="$LK_TMP/doors-$n.conf"
  sqlite3 "$SITE/gateway.db" ".backup '$db'"
  door1=$(sed -n '/^\[door door1\]$/,/^$/p' "$SITE/gateway.conf")
  {
    awk '/^\[door / { skip = 1; next } /^[[;]/ { skip = 0 } !skip' "$SITE/gateway.conf" |
      sed "s|^database = .*|database = $db|"
    for i in $(seq 2 "$n"); do printf '\n[door door%s]\nlabel = Door %s\n' "$i" "$i"; done
    printf '\n%s\n' "$door1"
  } >"$conf"
  list=$( (for i in $(seq 2 "$n"); do echo "door$i"; done; echo door1) | paste -sd,)
  "$BUILD/gateway/latchkey-gateway" -c "$conf" user doors alice "$list" >/dev/null
  subs0=$(wc -l <"$LK_TMP/mosquitto.log")
  start_gw "gateway-doors-$n" "$BUILD" "$conf"
  res "doors_${n}_rss_start_kb" "$(rss_kb "$GW_PID")"
  curl -sS --cacert "$CA" --cert "$CCRT" --key "$CKEY" -o /dev/null \
    -w 'status=%{http_code} bytes=%{size_download}' "https://localhost:$GW_PORT/" >"$OUT/doors-$n-page.curl"
  res "doors_${n}_page" "$(cat "$OUT/doors-$n-page.curl")"
  # GET / back to back on one kept-alive connection: the page's own cost, many samples
  res "doors_${n}_page_get" "$(taskset -c 1 "$BENCH" "${BENCH_ARGS[@]}" --port "$GW_PORT" \
    --mode keepalive --conns 1 --duration "$KA_SECS" 2>/dev/null || true)"
  taps "doors-$n-taps" "$P1_SECS"
  warm_res "doors_${n}_tap_warm" "$OUT/doors-$n-taps.warm"
  res "doors_${n}_rss_kb" "$(rss_kb "$GW_PID")"
  res "doors_${n}_mqtt_subscriptions" "$(tail -n +$((subs0 + 1)) "$LK_TMP/mosquitto.log" | grep -c ': latchkey-gateway [0-9] ' || true)"
  lk_stop "$GW_PID"
  rm -f "$db" "$db-wal" "$db-shm"
done

# doors_curve.sh - the "doors" part of scripts/bench.sh (sourced by it, with its site, broker,
# devices and helpers): the gateway's cost at 1, 32, 128 and 256 doors (issue 22). For each
# count a copy of the site's config with that many [door] sections (door1, the tapped one,
# last, so every per-door list is walked to its end) and a copy of its database where alice
# may open every door. Measured per count: the phone page (bytes and time on a kept-alive
# connection, median of 5), the warm tap on door1 (P1's pattern), the gateway's RSS after
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
  urls=()
  for _ in 1 2 3 4 5 6; do urls+=(-o /dev/null "https://localhost:$GW_PORT/"); done
  # the first request pays the handshake: the 5 after it on the same connection count
  curl -sS --http1.1 --cacert "$CA" --cert "$CCRT" --key "$CKEY" \
    -w '%{http_code} %{time_pretransfer} %{time_total} %{size_download}\n' "${urls[@]}" \
    >"$OUT/doors-$n-page.curl"
  awk 'NR > 1 { printf "%.2f\n", ($3 - $2) * 1000 }' "$OUT/doors-$n-page.curl" | sort -n >"$OUT/doors-$n-page.ms"
  res "doors_${n}_page" "bytes=$(awk 'END { print $4 }' "$OUT/doors-$n-page.curl") ms_median=$(pct "$OUT/doors-$n-page.ms" 0.5) status=$(awk '{ printf "%s%s", (NR > 1 ? "," : ""), $1 }' "$OUT/doors-$n-page.curl")"
  taps "doors-$n-taps" "$P1_SECS"
  warm_res "doors_${n}_tap_warm" "$OUT/doors-$n-taps.warm"
  res "doors_${n}_rss_kb" "$(rss_kb "$GW_PID")"
  res "doors_${n}_mqtt_subscriptions" "$(tail -n +$((subs0 + 1)) "$LK_TMP/mosquitto.log" | grep -c ': latchkey-gateway [0-9] ' || true)"
  lk_stop "$GW_PID"
  rm -f "$db" "$db-wal" "$db-shm"
done

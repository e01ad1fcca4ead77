#!/usr/bin/env bash
# tests/bench/bench.sh -- Cairn's benchmark: `make bench` runs it from a
# build directory.  It prints figures, never pass or fail.
#
# What it measures, each with wrk on loopback (BENCH_SECONDS per page,
# BENCH_THREADS threads, BENCH_CONNECTIONS connections, --latency), every
# page served by cairnd (BENCH_WORKERS workers) behind nginx with
# www/nginx.conf.in:
#
#   floor     a bare libfcgi responder (tests/bench/floor.c) with as many
#             workers, behind the same nginx configuration: the reference
#   public    GET /pricing (the public page; /sign-in when there is none),
#             as an anonymous visitor asks for it: no staff session
#   chart     GET /patients/ID: trial patient 100 with 30 observations
#   outcomes  GET /outcomes over the 400-patient trial cohort
#   post      POST /patients/ID/observations: a PEG form, validated,
#             scored and committed (a 303 per request)
#
# requests/s, p50 and p99 latency, and each page's requests/s as a ratio
# to the floor's in the same run; the peak RSS of a worker (VmHWM) and of
# the whole server (/usr/bin/time -v); the time from starting cairnd to
# the first answered request through nginx; and the chart and outcomes
# pages again on a generated clinic of 10,000 more patients and 1,000,000
# more observations (tests/bench/gen-clinic.mjs, imported with `cairn
# import`), as a ratio to the small database.
#
# The large database takes a few minutes to build: it is kept in
# <build>/tests/bench/large/ and reused (BENCH_REBUILD_LARGE=1 builds it
# again; BENCH_LARGE=0 skips it).
#
# Environment: BENCH_BUILDDIR, BENCH_SRCDIR (set by make bench),
# BENCH_SECONDS (5), BENCH_THREADS (2), BENCH_CONNECTIONS (16),
# BENCH_WORKERS (2), BENCH_LARGE (1), BENCH_REBUILD_LARGE (0),
# BENCH_KEEP=1 keeps the run directory, BENCH_PERF=1 records each page's
# run with `perf record -g` on the workers and writes the hottest
# functions to <build>/tests/bench/perf-NAME.txt (flat, then by caller).
set -uo pipefail

BLD=${BENCH_BUILDDIR:?BENCH_BUILDDIR: the build tree}
SRC=${BENCH_SRCDIR:?BENCH_SRCDIR: the source tree}
SECS=${BENCH_SECONDS:-5}
THREADS=${BENCH_THREADS:-2}
CONNS=${BENCH_CONNECTIONS:-16}
# Seconds wrk waits for one response before counting it as a timeout.
WRK_TIMEOUT=30
WORKERS=${BENCH_WORKERS:-2}
LARGE=${BENCH_LARGE:-1}
# Observations on the benchmarked chart (issue 6: "a patient chart with 30
# observations").
CHART_OBS=30
# The trial patient whose chart is measured, and the one the POSTs go to
# (another, so that the chart does not grow while it is measured).
CHART_PATIENT=100
POST_PATIENT=101
USER=bench-clinician
PASSWORD='bench password, long enough'

CAIRND=$BLD/cairnd
CAIRN=$BLD/cairn
PLUGIN=$BLD/plugins/program/.libs/program.so
FLOOR=$BLD/tests/bench/floor
for f in "$CAIRND" "$CAIRN" "$PLUGIN" "$FLOOR"; do
  [ -x "$f" ] || [ -f "$f" ] || { echo "bench: $f is missing (run make first)" >&2; exit 1; }
done
for p in wrk nginx curl sqlite3 node; do
  command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || { echo "bench: $p is not installed (scripts/setup-debian)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
TIMEV=/usr/bin/time
[ -x "$TIMEV" ] || TIMEV=

RUN=$(mktemp -d /tmp/cairn-bench-XXXXXX)
chmod 755 "$RUN"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# The other plugins, each loaded when it was built: start-up and memory are
# measured with every plugin loaded, as a clinic runs.
plugin_xml() {
  local so
  for name in intake herbal exercise referral maintenance; do
    so=$BLD/plugins/$name/.libs/$name.so
    [ -f "$so" ] || continue
    echo "    <plugin path=\"$so\">"
    case $name in
      intake) echo "      <setting name=\"content\" kind=\"path\">$SRC/data/intake-content.xml</setting>"
              echo "      <setting name=\"instruments\" kind=\"path\">$SRC/data/instruments.xml</setting>" ;;
      herbal) echo "      <setting name=\"data\" kind=\"path\">$SRC/data/herbal</setting>" ;;
      exercise) echo "      <setting name=\"library\" kind=\"path\">$SRC/data/exercise-library.xml</setting>"
                echo "      <setting name=\"instruments\" kind=\"path\">$SRC/data/instruments.xml</setting>" ;;
      referral) echo "      <setting name=\"instruments\" kind=\"path\">$SRC/data/instruments.xml</setting>" ;;
      maintenance) echo "      <setting name=\"plans\" kind=\"path\">$SRC/data/maintenance-plans.xml</setting>"
                   [ -f "$BLD/plugins/referral/.libs/referral.so" ] && echo "      <setting name=\"referrals\">yes</setting>"
                   echo "      <setting name=\"instruments\" kind=\"path\">$SRC/data/instruments.xml</setting>"
                   echo "      <setting name=\"definition\" kind=\"path\">$SRC/data/program-definition.xml</setting>" ;;
    esac
    echo "    </plugin>"
  done
}
PLUGINS_LOADED=$(( 1 + $(plugin_xml | grep -c '<plugin ') ))

# write_config DIR: cairn.xml for a server whose files live in DIR.
write_config() {
  cat >"$1/cairn.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<cairn xmlns="urn:cairn:config">
  <listen>unix:$1/cairnd.sock</listen>
  <workers>$WORKERS</workers>
  <database>$1/clinic.db</database>
  <schemas>$SRC/schemas</schemas>
  <views>$SRC/www/views</views>
  <clinic><name>Cairn benchmark clinic</name><timezone>UTC</timezone></clinic>
  <plugins>
    <plugin path="$PLUGIN">
      <setting name="instruments" kind="path">$SRC/data/instruments.xml</setting>
    </plugin>
$(plugin_xml)
  </plugins>
</cairn>
XML
}
# The CLI finds config.xsd in the source tree (the build need not be
# installed).
cli() { local dir=$1; shift; CAIRN_SCHEMAS=$SRC/schemas "$CAIRN" -c "$dir/cairn.xml" "$@"; }

# start_nginx DIR SOCKET PORT: nginx from the template, in DIR.
start_nginx() {
  local dir=$1 sock=$2 port=$3
  mkdir -p "$dir/nginx"
  sed -e "s#@LISTEN@#127.0.0.1:$port#g" -e "s#@SOCKET@#unix:$sock#g" \
      -e "s#@STATIC@#$SRC/www/static#g" -e "s#@PREFIX@#$dir/nginx#g" \
      -e "s#@RUNDIR@#$dir/nginx#g" -e "s#@USER@#$(id -un)#g" \
      "$SRC/www/nginx.conf.in" >"$dir/nginx/nginx.conf"
  # Keep the access log out of the measurement, as a tuned server would.
  sed -i 's#^\(\s*access_log\).*#\1 off;#' "$dir/nginx/nginx.conf"
  "$NGINX" -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" \
    >"$dir/nginx/stdout.log" 2>&1 &
  PIDS+=($!)
}

# wait_http URL: until something other than a gateway error answers.
wait_http() {
  local code
  for _ in $(seq 3000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)
    case $code in 000|502|503|504) sleep 0.005 ;; *) return 0 ;; esac
  done
  echo "bench: $1 never answered" >&2
  return 1
}

# start_cairnd DIR PORT: cairnd (under /usr/bin/time -v when there is one)
# behind an nginx already listening on PORT; sets STARTUP_MS (start to the
# first answered request) and MASTER (cairnd's pid).
start_cairnd() {
  local dir=$1 port=$2 t0 wrapper
  rm -f "$dir/cairnd.sock"
  t0=$(now_ms)
  if [ -n "$TIMEV" ]; then
    "$TIMEV" -v -o "$dir/cairnd.time" "$CAIRND" -c "$dir/cairn.xml" -S "$SRC/schemas" >"$dir/cairnd.log" 2>&1 &
  else
    "$CAIRND" -c "$dir/cairn.xml" -S "$SRC/schemas" >"$dir/cairnd.log" 2>&1 &
  fi
  wrapper=$!
  wait_http "http://127.0.0.1:$port/sign-in" || { tail -n 20 "$dir/cairnd.log" >&2; exit 1; }
  STARTUP_MS=$(( $(now_ms) - t0 ))
  if [ -n "$TIMEV" ]; then MASTER=$(pgrep -P "$wrapper" | head -n 1); else MASTER=$wrapper; fi
  PIDS=("$MASTER" "${PIDS[@]}")
  CAIRND_WRAPPER=$wrapper
}

# stop_cairnd DIR: SIGTERM, wait, and read /usr/bin/time -v's figure.
stop_cairnd() {
  local dir=$1
  kill -TERM "$MASTER" 2>/dev/null
  wait "$CAIRND_WRAPPER" 2>/dev/null
  SERVER_RSS_KB=$(sed -nE 's/.*Maximum resident set size \(kbytes\): ([0-9]+)/\1/p' "$dir/cairnd.time" 2>/dev/null)
}

# worker_hwm_kb: the largest VmHWM among cairnd's workers now.
worker_hwm_kb() {
  local max=0 w v
  for w in $(pgrep -P "$MASTER"); do
    v=$(sed -nE 's/^VmHWM:\s+([0-9]+) kB/\1/p' "/proc/$w/status" 2>/dev/null)
    [ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
  done
  echo "$max"
}

# reset_hwm: start each worker's VmHWM afresh (Linux: clear_refs 5), so
# that the peak read later is that of serving pages, not of the sign-in's
# Argon2id.
reset_hwm() {
  local w
  for w in $(pgrep -P "$MASTER"); do echo 5 >"/proc/$w/clear_refs" 2>/dev/null; done
}

# worker_rss_kb: the largest VmRSS among cairnd's workers now.
worker_rss_kb() {
  local max=0 w v
  for w in $(pgrep -P "$MASTER"); do
    v=$(sed -nE 's/^VmRSS:\s+([0-9]+) kB/\1/p' "/proc/$w/status" 2>/dev/null)
    [ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v
  done
  echo "$max"
}

# sign_in PORT: sets COOKIE and CSRF for USER.  The sign-in form's token is
# double-submit: any 43-character value sent as both cookie and field.
# Cookies carry the __Host- prefix (Secure cookies, the default).
sign_in() {
  local port=$1 pre hdr sid
  pre=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' | cut -c1-43)
  hdr=$(curl -s -D - -o /dev/null -b "__Host-cairn_pre=$pre" \
        --data-urlencode "username=$USER" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrf=$pre" --data-urlencode "next=/" \
        "http://127.0.0.1:$port/sign-in")
  sid=$(sed -nE 's/^[Ss]et-[Cc]ookie: __Host-cairn_sid=([^;]*).*/\1/p' <<<"$hdr" | tr -d '\r' | head -n 1)
  [ -n "$sid" ] || { echo "bench: sign-in as $USER failed:" >&2; echo "$hdr" >&2; exit 1; }
  COOKIE="__Host-cairn_sid=$sid"
  CSRF=$(curl -s -D - -o /dev/null -H 'Accept: application/xml' -b "$COOKIE" "http://127.0.0.1:$port/" |
         sed -nE 's/^[Xx]-[Cc][Ss][Rr][Ff]-[Tt]oken: ([^ ]*).*/\1/p' | tr -d '\r')
  [ -n "$CSRF" ] || { echo "bench: no X-CSRF-Token after sign-in" >&2; exit 1; }
}

patient_record() {  # DIR IDENTIFIER
  sqlite3 "$1/clinic.db" "SELECT record FROM p_program_patient WHERE identifier = '$2' LIMIT 1"
}

# top_up DIR PORT PATIENT N: POST observations until PATIENT has N.
top_up() {
  local dir=$1 port=$2 pid=$3 want=$4 have k code
  have=$(sqlite3 "$dir/clinic.db" "SELECT count(*) FROM p_program_observation WHERE patient = $pid")
  for ((k = have; k < want; k++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -b "$COOKIE" \
      --data-urlencode instrument=peg \
      --data-urlencode "effective=$(date -u -d "2001-01-01 + $k weeks" +%F)" \
      --data-urlencode timepoint=bench --data-urlencode "answer.pain=$((k % 11))" \
      --data-urlencode answer.enjoyment=5 --data-urlencode answer.activity=6 \
      --data-urlencode "csrf=$CSRF" "http://127.0.0.1:$port/patients/$pid/observations")
    [ "$code" = 303 ] || { echo "bench: adding an observation to patient $pid: $code" >&2; exit 1; }
  done
}

# to_ms "1.23ms" | "456.00us" | "1.02s" -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

# wrkrun NAME URL [LUA]: sets R_RPS R_P50 R_P99 R_ERR for the run.
declare -A RPS P50 P99 ERR
wrkrun() {
  local name=$1 url=$2 lua=${3:-} out
  # wrk's own 2 s timeout would count a slow page's queued requests as
  # errors and leave them out of the latencies.
  local args=(-t "$THREADS" -c "$CONNS" -d "${SECS}s" --latency --timeout "${WRK_TIMEOUT}s")
  [ -n "$lua" ] && args+=(-s "$lua")
  # Public pages are asked for as their visitors ask: without a staff
  # session (a signed-in visitor gets the staff frame, rendered for them).
  local cookie=$COOKIE
  case $name in public|call|lpublic) cookie= ;; esac
  if [ "$name" != floor ] && [ -z "$lua" ]; then
    [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
    # Warm up: the first request after start-up reads the database from
    # disk and fills the worker's caches.
    for _ in 1 2 3 4; do curl -s -o /dev/null ${cookie:+-b "$cookie"} "$url"; done
  fi
  local perfpid=
  if [ "${BENCH_PERF:-0}" = 1 ] && [ "$name" != floor ] && command -v perf >/dev/null; then
    perf record -q -g -F 999 -o "$RUN/perf-$name.data" \
      -p "$(pgrep -P "$MASTER" | paste -sd, -)" >/dev/null 2>&1 &
    perfpid=$!
  fi
  out=$(wrk "${args[@]}" "$url" 2>&1)
  if [ -n "$perfpid" ]; then
    kill -INT "$perfpid" 2>/dev/null; wait "$perfpid" 2>/dev/null
    mkdir -p "$BLD/tests/bench"
    { perf report -i "$RUN/perf-$name.data" --no-children --sort dso \
        --stdio -g none 2>/dev/null | grep '%'
      perf report -i "$RUN/perf-$name.data" --no-children --sort dso,symbol \
        --percent-limit 0.7 --stdio -g none 2>/dev/null
      perf report -i "$RUN/perf-$name.data" --children --sort symbol \
        --percent-limit 4 --stdio -g none 2>/dev/null
    } >"$BLD/tests/bench/perf-$name.txt"
  fi
  echo "$out" >"$RUN/wrk-$name.txt"
  RPS[$name]=$(sed -nE 's/^Requests\/sec:\s+([0-9.]+).*/\1/p' <<<"$out")
  P50[$name]=$(to_ms "$(sed -nE 's/^\s+50%\s+(\S+).*/\1/p' <<<"$out")")
  P99[$name]=$(to_ms "$(sed -nE 's/^\s+99%\s+(\S+).*/\1/p' <<<"$out")")
  ERR[$name]=$(sed -nE 's/^\s+Non-2xx or 3xx responses: ([0-9]+).*/\1/p' <<<"$out")
  local sock=$(sed -nE 's/.*Socket errors: (.*)/\1/p' <<<"$out")
  [ -n "$sock" ] && ERR[$name]="${ERR[$name]:-0} (socket errors: $sock)"
  [ -n "${RPS[$name]}" ] || { echo "bench: wrk $name gave no figures:" >&2; echo "$out" >&2; }
}

# seqtime NAME URL: the median time of SEQ_REQUESTS requests one after
# another (no queueing), in ms.
SEQ_REQUESTS=7
declare -A SEQ
seqtime() {
  local name=$1 url=$2 t=() cookie=$COOKIE
  case $name in public|call|lpublic) cookie= ;; esac
  for _ in $(seq "$SEQ_REQUESTS"); do
    t+=("$(curl -s -o /dev/null -w '%{time_total}' ${cookie:+-b "$cookie"} "$url")")
  done
  SEQ[$name]=$(printf '%s\n' "${t[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] * 1000 }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }
meets() { awk -v a="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? (a >= t) : (a < t); print ok ? "met" : "NOT met" }'; }

echo "Cairn benchmark: $(date -u +%FT%TZ) on $(nproc) cores ($(sed -nE 's/^model name\s*:\s*//p' /proc/cpuinfo | head -n 1))"
echo "wrk -t$THREADS -c$CONNS -d${SECS}s --latency; $WORKERS workers behind nginx $("$NGINX" -v 2>&1 | sed 's#.*/##')"
echo

# ------------------------------------------------------------- the floor
FL=$RUN/floor
mkdir -p "$FL"
FLPORT=$(free_port)
"$FLOOR" "$FL/floor.sock" "$WORKERS" >"$FL/floor.log" 2>&1 &
PIDS+=($!)
FLOOR_PID=$!
start_nginx "$FL" "$FL/floor.sock" "$FLPORT"
FL_NGINX=${PIDS[-1]}
wait_http "http://127.0.0.1:$FLPORT/" || exit 1

# ------------------------------------------------------ the small clinic
SM=$RUN/small
mkdir -p "$SM"
write_config "$SM"
cli "$SM" init >"$SM/init.log" 2>&1 || { cat "$SM/init.log"; exit 1; }
cli "$SM" import-csv --map "$SRC/data/headache-trial-2004.map.xml" "$SRC/data/headache-trial-2004.csv" >"$SM/import.log" 2>&1 ||
  { cat "$SM/import.log"; exit 1; }
# An import notes its patients; one reindex fills the kept figures.
cli "$SM" reindex >>"$SM/import.log" 2>&1 || { cat "$SM/import.log"; exit 1; }
printf '%s\n' "$PASSWORD" | cli "$SM" user add "$USER" --role clinician --name "Bench Clinician" >"$SM/user.log" 2>&1 ||
  { cat "$SM/user.log"; exit 1; }
SMPORT=$(free_port)
start_nginx "$SM" "$SM/cairnd.sock" "$SMPORT"
start_cairnd "$SM" "$SMPORT"
STARTUP_SMALL=$STARTUP_MS
sign_in "$SMPORT"
HWM_SIGNIN=$(worker_hwm_kb)
CHART=$(patient_record "$SM" "$CHART_PATIENT")
POSTP=$(patient_record "$SM" "$POST_PATIENT")
top_up "$SM" "$SMPORT" "$CHART" "$CHART_OBS"
CHART_N=$(sqlite3 "$SM/clinic.db" "SELECT count(*) FROM p_program_observation WHERE patient = $CHART")

PUBLIC=/pricing
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SMPORT/pricing")
[ "$code" = 200 ] || PUBLIC=/sign-in
CALL=/request-a-call
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SMPORT$CALL")
[ "$code" = 200 ] || CALL=
EPISODE=$(sqlite3 "$SM/clinic.db" "SELECT record FROM p_program_episode WHERE patient = $CHART LIMIT 1")
reset_hwm

cat >"$RUN/post.lua" <<LUA
-- One observation per request: a PEG form with its csrf token.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$COOKIE"
wrk.body = "instrument=peg&effective=2002-02-02&timepoint=bench-post&answer.pain=6&answer.enjoyment=4&answer.activity=7&csrf=$CSRF"
LUA

wrkrun floor "http://127.0.0.1:$FLPORT/"
wrkrun public "http://127.0.0.1:$SMPORT$PUBLIC"
[ -n "$CALL" ] && wrkrun call "http://127.0.0.1:$SMPORT$CALL"
wrkrun chart "http://127.0.0.1:$SMPORT/patients/$CHART"
[ -n "$EPISODE" ] && wrkrun episode "http://127.0.0.1:$SMPORT/patients/$CHART/episodes/$EPISODE"
wrkrun dashboard "http://127.0.0.1:$SMPORT/"
wrkrun outcomes "http://127.0.0.1:$SMPORT/outcomes"
seqtime chart "http://127.0.0.1:$SMPORT/patients/$CHART"
seqtime outcomes "http://127.0.0.1:$SMPORT/outcomes"
seqtime public "http://127.0.0.1:$SMPORT$PUBLIC"
[ -n "$EPISODE" ] && seqtime episode "http://127.0.0.1:$SMPORT/patients/$CHART/episodes/$EPISODE"
seqtime dashboard "http://127.0.0.1:$SMPORT/"
wrkrun post "http://127.0.0.1:$SMPORT/patients/$POSTP/observations" "$RUN/post.lua"
POSTED=$(sqlite3 "$SM/clinic.db" "SELECT count(*) FROM p_program_observation WHERE timepoint = 'bench-post'")
HWM_SMALL=$(worker_hwm_kb)
RSSNOW_SMALL=$(worker_rss_kb)
stop_cairnd "$SM"
RSS_SMALL=${SERVER_RSS_KB:-}

# ------------------------------------------------------ the large clinic
if [ "$LARGE" = 1 ]; then
  LG=$BLD/tests/bench/large
  mkdir -p "$LG"
  write_config "$LG"
  if [ "${BENCH_REBUILD_LARGE:-0}" = 1 ] || [ ! -f "$LG/.complete" ]; then
    echo "Building the large clinic in ${LG#"$BLD"/} (once; kept for later runs)..."
    rm -f "$LG/.complete" "$LG"/clinic.db*
    t0=$(now_ms)
    cli "$LG" init >"$LG/init.log" 2>&1 || { cat "$LG/init.log"; exit 1; }
    cli "$LG" import-csv --map "$SRC/data/headache-trial-2004.map.xml" "$SRC/data/headache-trial-2004.csv" >"$LG/import.log" 2>&1 ||
      { cat "$LG/import.log"; exit 1; }
    t1=$(now_ms)
    node "$SRC/tests/bench/gen-clinic.mjs" "$RUN/gen" >"$RUN/gen.log" 2>&1 || { cat "$RUN/gen.log"; exit 1; }
    t2=$(now_ms)
    for f in "$RUN"/gen/clinic-*.xml; do
      cli "$LG" import "$f" >>"$LG/import.log" 2>&1 || { tail -n 5 "$LG/import.log"; exit 1; }
    done
    # Imports note the patients they wrote; one reindex refills the kept
    # figures of /outcomes and the evidence (docs/performance.md).
    cli "$LG" reindex >>"$LG/import.log" 2>&1 || { tail -n 5 "$LG/import.log"; exit 1; }
    t3=$(now_ms)
    rm -rf "$RUN/gen"
    printf '%s\n' "$PASSWORD" | cli "$LG" user add "$USER" --role clinician --name "Bench Clinician" >"$LG/user.log" 2>&1
    printf 'generated %s s, imported with cairn import and cairn reindex in %s s\n' \
      "$(awk -v a=$((t2 - t1)) 'BEGIN{printf "%.1f", a/1000}')" \
      "$(awk -v a=$((t3 - t2)) 'BEGIN{printf "%.1f", a/1000}')" >"$LG/.complete"
  fi
  # Apply any migration or projection rebuild a newer plugin brings now,
  # so that the start-up below is an ordinary one.
  cli "$LG" init >"$LG/init.log" 2>&1 || { cat "$LG/init.log"; exit 1; }
  LARGE_BUILT=$(cat "$LG/.complete")
  # The clinic's records, by the projection of each type (a plugin that
  # was not built has no table: its count is left out).
  LARGE_COUNTS=$(sqlite3 "$LG/clinic.db" "SELECT (SELECT count(*) FROM p_program_patient) || ' patients, ' || (SELECT count(*) FROM p_program_observation) || ' observations'")
  for pair in "p_herbal_prescription herbal prescriptions" "p_herbal_adherence adherence weeks" "p_herbal_refill refills" \
              "p_exercise_stage exercise stages" "p_exercise_session exercise sessions" "p_exercise_routine home routines" \
              "p_referral_partner partners" "p_referral_referral referrals" "p_maintenance_plan maintenance plans" \
              "p_maintenance_checkin check-ins"; do
    n=$(sqlite3 "$LG/clinic.db" "SELECT count(*) FROM ${pair%% *}" 2>/dev/null) && LARGE_COUNTS+=", $n ${pair#* }"
  done
  LGPORT=$(free_port)
  start_nginx "$LG" "$LG/cairnd.sock" "$LGPORT"
  LG_NGINX=${PIDS[-1]}
  start_cairnd "$LG" "$LGPORT"
  STARTUP_LARGE=$STARTUP_MS
  sign_in "$LGPORT"
  LCHART=$(patient_record "$LG" "$CHART_PATIENT")
  top_up "$LG" "$LGPORT" "$LCHART" "$CHART_OBS"
  wrkrun lchart "http://127.0.0.1:$LGPORT/patients/$LCHART"
  wrkrun loutcomes "http://127.0.0.1:$LGPORT/outcomes"
  LEPISODE=$(sqlite3 "$LG/clinic.db" "SELECT record FROM p_program_episode WHERE patient = $LCHART LIMIT 1")
  [ -n "$LEPISODE" ] && wrkrun lepisode "http://127.0.0.1:$LGPORT/patients/$LCHART/episodes/$LEPISODE"
  wrkrun ldashboard "http://127.0.0.1:$LGPORT/"
  wrkrun lpublic "http://127.0.0.1:$LGPORT$PUBLIC"
  seqtime lpublic "http://127.0.0.1:$LGPORT$PUBLIC"
  [ -n "$LEPISODE" ] && seqtime lepisode "http://127.0.0.1:$LGPORT/patients/$LCHART/episodes/$LEPISODE"
  seqtime ldashboard "http://127.0.0.1:$LGPORT/"
  seqtime lchart "http://127.0.0.1:$LGPORT/patients/$LCHART"
  seqtime loutcomes "http://127.0.0.1:$LGPORT/outcomes"
  HWM_LARGE=$(worker_hwm_kb)
  stop_cairnd "$LG"
  RSS_LARGE=${SERVER_RSS_KB:-}
  kill -TERM "$LG_NGINX" 2>/dev/null
fi

# ---------------------------------------------------------------- report
F=${RPS[floor]}
row() {  # NAME LABEL TARGET(fraction or -)
  local n=$1 label=$2 t=$3 r
  r=$(ratio "${RPS[$n]:-0}" "$F")
  printf '%-44s %9s %8s %8s %7s  %s\n' "$label" "${RPS[$n]:-?}" "${P50[$n]:-?}" "${P99[$n]:-?}" \
    "$(pct "${RPS[$n]:-0}" "$F")" \
    "$( [ "$t" = - ] && echo "" || echo "target >= $(awk -v t="$t" 'BEGIN{printf "%.0f%%", t*100}'): $(meets "$r" "$t" ">=")")"
  [ -n "${ERR[$n]:-}" ] && printf '%-44s %s\n' "" "non-2xx/3xx: ${ERR[$n]}"
  return 0
}
echo "Requests through nginx (loopback)           req/s   p50 ms   p99 ms  vs floor"
row floor "floor: bare libfcgi responder" -
row public "public page GET $PUBLIC$( [ "$PUBLIC" = /sign-in ] && echo ' (no /pricing yet)')" 0.5
[ -n "$CALL" ] && row call "public page GET $CALL" 0.5
row chart "chart GET /patients/$CHART ($CHART_N observations)" 0.3
[ -n "$EPISODE" ] && row episode "episode page GET .../episodes/$EPISODE" 0.3
row dashboard "dashboard GET /" 0.3
row outcomes "GET /outcomes (trial cohort, 401 patients)" 0.3
echo "  one request at a time (median of $SEQ_REQUESTS): public ${SEQ[public]} ms, chart ${SEQ[chart]} ms, episode ${SEQ[episode]:-?} ms, dashboard ${SEQ[dashboard]} ms, outcomes ${SEQ[outcomes]} ms"
row post "observation POST (validated, committed, 303)" 0.2
echo "  (the POST run stored $POSTED observations)"
# Each POST's commit waits for the disk (synchronous=FULL): what one
# synchronous write costs on the filesystem the database lives on bounds
# the commits a second, whatever the CPU does.
sync_ms=$(dd if=/dev/zero of="$RUN/sync-probe" bs=4k count=200 oflag=dsync 2>&1 |
          awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") print $(i-1) * 1000 / 200 }')
rm -f "$RUN/sync-probe"
[ -n "$sync_ms" ] && printf '  (this disk: one synchronous 4 KiB write takes %.2f ms (dd oflag=dsync), so commits one after another top out near %.0f a second)\n' \
  "$sync_ms" "$(awk -v m="$sync_ms" 'BEGIN { print (m > 0) ? 1000 / m : 0 }')"
echo
printf 'Worker peak RSS serving pages (VmHWM after sign-in, largest worker): %.1f MiB   target < 32 MiB: %s\n' \
  "$(awk -v k="$HWM_SMALL" 'BEGIN{print k/1024}')" "$(meets "$HWM_SMALL" 32768 "<")"
printf 'Worker peak RSS at sign-in (Argon2id takes 64 MiB while it runs): %.1f MiB\n' \
  "$(awk -v k="$HWM_SIGNIN" 'BEGIN{print k/1024}')"
printf '  (largest worker RSS after the runs: %.1f MiB)\n' "$(awk -v k="$RSSNOW_SMALL" 'BEGIN{print k/1024}')"
[ -n "$RSS_SMALL" ] && printf 'Server peak RSS (/usr/bin/time -v, master and workers): %.1f MiB\n' "$(awk -v k="$RSS_SMALL" 'BEGIN{print k/1024}')"
printf 'Start-up, cairnd started to first answered request (%d plugins): %d ms   target < 300 ms: %s\n' \
  "$PLUGINS_LOADED" "$STARTUP_SMALL" "$(meets "$STARTUP_SMALL" 300 "<")"
if [ "$LARGE" = 1 ]; then
  echo
  echo "Large clinic: $LARGE_COUNTS ($LARGE_BUILT)"
  echo "                                             req/s   p50 ms   p99 ms  p50 vs small  one request (vs small)"
  for pair in "chart lchart" "outcomes loutcomes" "episode lepisode" "dashboard ldashboard" "public lpublic"; do
    set -- $pair
    [ -n "${RPS[$2]:-}" ] || continue
    case $1 in
      chart) label="chart GET /patients/$LCHART ($CHART_OBS obs)" ;;
      outcomes) label="GET /outcomes (all cohorts)" ;;
      episode) label="episode page GET .../episodes/$LEPISODE" ;;
      dashboard) label="dashboard GET /" ;;
      public) label="public page GET $PUBLIC" ;;
    esac
    # The target is the p50 ratio; when wrk completed no request in its
    # run (a page slower than the run's seconds), the one-at-a-time ratio.
    judged=$(ratio "${P50[$2]:-0}" "${P50[$1]:-0}") by=
    if awk -v r="${RPS[$2]:-0}" 'BEGIN{exit !(r == 0)}'; then
      judged=$(ratio "${SEQ[$2]:-0}" "${SEQ[$1]:-0}") by=" (wrk completed none: one request at a time)"
    fi
    printf '%-44s %9s %8s %8s %12sx  %6s ms (%sx)  %s\n' "$label" \
      "${RPS[$2]:-?}" "${P50[$2]:-?}" "${P99[$2]:-?}" "$(ratio "${P50[$2]:-0}" "${P50[$1]:-0}")" \
      "${SEQ[$2]:-?}" "$(ratio "${SEQ[$2]:-0}" "${SEQ[$1]:-0}")" \
      "target <= 1.5x: $(awk -v a="$judged" 'BEGIN{print (a > 0 && a <= 1.5) ? "met" : "NOT met"}')$by"
    [ -n "${ERR[$2]:-}" ] && printf '%-44s %s\n' "" "non-2xx/3xx: ${ERR[$2]}"
  done
  import_s=$(sed -nE 's/.*imported with cairn import[a-z ]* in ([0-9.]+) s.*/\1/p' <<<"$LARGE_BUILT")
  [ -n "$import_s" ] && printf 'Large clinic imported in %s s   target < 60 s: %s\n' "$import_s" "$(meets "$import_s" 60 "<")"
  echo "  (cairn import of the ten generated bundles, every record validated and checked, then one cairn reindex)"
  printf 'Worker peak RSS on the large clinic: %.1f MiB; server (/usr/bin/time -v): %s MiB; start-up %d ms\n' \
    "$(awk -v k="$HWM_LARGE" 'BEGIN{print k/1024}')" "$(awk -v k="${RSS_LARGE:-0}" 'BEGIN{printf "%.1f", k/1024}')" "$STARTUP_LARGE"
fi

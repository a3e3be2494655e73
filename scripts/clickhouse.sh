#!/usr/bin/env bash
# ClickHouse for Fidelis' tests and trials: one single-node server and a two-shard cluster (two more
# server processes with a remote_servers config naming the cluster fidelis2), all on loopback, data
# in one temporary folder. Installs Debian's clickhouse-server when it is missing.
#
#   scripts/clickhouse.sh start    start the three servers (nothing to do if they run), print the DSNs
#   scripts/clickhouse.sh env      print the export lines: eval "$(scripts/clickhouse.sh env)"
#   scripts/clickhouse.sh status   say which servers answer (exit 1 if any does not)
#   scripts/clickhouse.sh stop     stop the servers this script started and remove their folder
#
# FIDELIS_CLICKHOUSE_DIR (default /tmp/fidelis-clickhouse) holds data, configs, logs and pid files;
# FIDELIS_CLICKHOUSE_PORT (default 19400) is the first of three native ports (the HTTP ports are
# 1000 higher); FIDELIS_CLICKHOUSE_TIMEOUT (default 90 s) bounds the wait for readiness.
set -euo pipefail

dir=${FIDELIS_CLICKHOUSE_DIR:-/tmp/fidelis-clickhouse}
base=${FIDELIS_CLICKHOUSE_PORT:-19400}
timeout=${FIDELIS_CLICKHOUSE_TIMEOUT:-90}
names=(single shard1 shard2)
db=fidelis

port() { # native port of server $1
	case $1 in single) echo $((base)) ;; shard1) echo $((base + 1)) ;; shard2) echo $((base + 2)) ;; esac
}

env_lines() {
	echo "export FIDELIS_CLICKHOUSE=clickhouse://127.0.0.1:$(port single)/$db"
	echo "export FIDELIS_CLICKHOUSE_CLUSTER=clickhouse://127.0.0.1:$(port shard1)/$db?cluster=fidelis2"
}

answers() { # does server $1 answer a query?
	clickhouse-client --host 127.0.0.1 --port "$(port "$1")" --query 'SELECT 1' >/dev/null 2>&1
}

running() { # is the process this script started for $1 alive?
	local f="$dir/$1/pid"
	[[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

install() {
	command -v clickhouse-server >/dev/null && command -v clickhouse-client >/dev/null && return
	echo "installing Debian's clickhouse-server and clickhouse-client…" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >&2
}

config() { # write the config of server $1
	local n=$1 d="$dir/$1" p
	p=$(port "$n")
	mkdir -p "$d/data/" "$d/tmp/" "$d/user_files/" "$d/format_schemas/"
	cat >"$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>$d/server.log</log>
        <errorlog>$d/server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>$p</tcp_port>
    <http_port>$((p + 1000))</http_port>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <format_schema_path>$d/format_schemas/</format_schema_path>
    <users_config>/etc/clickhouse-server/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <mlock_executable>false</mlock_executable>
    <remote_servers>
        <fidelis2>
            <shard>
                <replica><host>127.0.0.1</host><port>$(port shard1)</port></replica>
            </shard>
            <shard>
                <replica><host>127.0.0.1</host><port>$(port shard2)</port></replica>
            </shard>
        </fidelis2>
    </remote_servers>
</yandex>
EOF
}

start_one() {
	local n=$1 d="$dir/$1"
	if running "$n" && answers "$n"; then
		return
	fi
	if answers "$n"; then
		echo "port $(port "$n") already answers, but not a server this script started (set FIDELIS_CLICKHOUSE_PORT)" >&2
		exit 1
	fi
	config "$n"
	nohup clickhouse-server --config-file="$d/config.xml" >"$d/stdout.log" 2>&1 &
	echo $! >"$d/pid"
}

wait_ready() {
	local n deadline=$((SECONDS + timeout))
	for n in "${names[@]}"; do
		until answers "$n"; do
			if ! running "$n" || ((SECONDS >= deadline)); then
				echo "ClickHouse server $n (port $(port "$n")) did not become ready within ${timeout}s; its logs:" >&2
				tail -n 30 "$dir/$n/stdout.log" "$dir/$n/server.err.log" >&2 2>/dev/null || true
				stop
				exit 1
			fi
			sleep 0.3
		done
	done
}

start() {
	install
	mkdir -p "$dir"
	for n in "${names[@]}"; do
		start_one "$n"
	done
	wait_ready
	for n in "${names[@]}"; do
		clickhouse-client --host 127.0.0.1 --port "$(port "$n")" --query "CREATE DATABASE IF NOT EXISTS $db"
	done
	echo "ClickHouse ready (data in $dir):" >&2
	env_lines
}

stop() {
	local n pid i
	for n in "${names[@]}"; do
		[[ -f $dir/$n/pid ]] || continue
		pid=$(cat "$dir/$n/pid")
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid"
			for ((i = 0; i < 100; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.2
			done
			if kill -0 "$pid" 2>/dev/null; then
				echo "server $n (PID $pid) ignored SIGTERM for 20s; killing it" >&2
				kill -KILL "$pid" 2>/dev/null || true
			fi
		fi
		rm -f "$dir/$n/pid"
	done
	rm -rf "$dir"
}

status() {
	local n ok=0
	for n in "${names[@]}"; do
		if answers "$n"; then
			echo "$n: answers on 127.0.0.1:$(port "$n")"
		else
			echo "$n: not running"
			ok=1
		fi
	done
	return $ok
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
env) env_lines ;;
*)
	echo "usage: $0 start|stop|status|env" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# Starts the platform for development/demo on SQLite: migrate, load the catalog and demo
# data (only into an empty database), then scripts/serve: the web server, the background
# worker and the scheduler.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
export CREDIT_DEBUG=${CREDIT_DEBUG:-1}
UV=${UV:-.tools/bin/uv}
run() { "$UV" run --frozen "$@"; }

run credit migrate --noinput
run credit collectstatic --noinput --verbosity 0
run credit load_catalog
# The address actually served, so the printed login link works on any port.
run credit setup_demo --base-url "http://$HOST:$PORT"

# Batches whose worker died are failed (and queued again unless they crashed their
# worker before); `credit worker` also does this at an interval.
run credit recover_batches --rerun
echo "信用本溪 门户:   http://$HOST:$PORT/"
echo "工作台(部门):    http://$HOST:$PORT/console/"
echo "管理后台:        http://$HOST:$PORT/admin/"
echo "接口文档:        http://$HOST:$PORT/api/v1/docs"
# The web server (workers respawned), the supervised worker and the scheduler; stopping
# this script (Ctrl+C, TERM) stops all of them.
exec ./scripts/serve "$HOST" "$PORT"

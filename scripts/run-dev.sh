#!/usr/bin/env bash
# Starts the platform for development/demo on SQLite: migrate, load the catalog and demo
# data (only into an empty database), then scripts/serve: the web server, the background
# worker and the scheduler.
#
# The demo runs with production settings (visitors see the platform's own error pages,
# never Django's debug pages): its secrets are generated into var/demo.env on first start
# and reused afterwards; every `credit` process started from this checkout reads that file
# (credit.config). CREDIT_DEBUG=1 make run gives the development mode instead.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
UV=${UV:-.tools/bin/uv}
run() { "$UV" run --frozen "$@"; }

run python -m credit.envfile
# The served host; a server listening on every address is reached under any name.
case "$HOST" in
  0.0.0.0 | :: | "[::]") DEFAULT_HOSTS="*" ;;
  *) DEFAULT_HOSTS="127.0.0.1,localhost,$HOST" ;;
esac
export CREDIT_ALLOWED_HOSTS=${CREDIT_ALLOWED_HOSTS:-$DEFAULT_HOSTS}

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

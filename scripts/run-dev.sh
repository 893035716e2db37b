#!/usr/bin/env bash
# Starts the platform for development/demo on SQLite: migrate, load the catalog and demo
# data (only into an empty database), then the web server and the background worker.
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
export CREDIT_DEBUG=${CREDIT_DEBUG:-1}
UV=${UV:-.tools/bin/uv}
run() { "$UV" run --frozen "$@"; }

run credit migrate --noinput
run credit collectstatic --noinput --verbosity 0
run credit load_catalog
run credit setup_demo

# No worker is alive yet, so any batch still marked as running was interrupted.
run credit recover_batches --older-than-minutes 0 --rerun
run credit db_worker --queue-name default --no-reload &
WORKER=$!
run credit scheduler &
SCHEDULER=$!
trap 'kill $WORKER $SCHEDULER 2>/dev/null || true' EXIT INT TERM
echo "后台任务进程已启动 (pid $WORKER)"
echo "信用本溪 门户:   http://$HOST:$PORT/"
echo "工作台(部门):    http://$HOST:$PORT/console/"
echo "管理后台:        http://$HOST:$PORT/admin/"
echo "接口文档:        http://$HOST:$PORT/api/v1/docs"
run granian --interface wsgi --host "$HOST" --port "$PORT" --workers 2 \
  --blocking-threads 4 credit.wsgi:application

#!/usr/bin/env bash
# Start the servers the infrastructure tests use (tests/infra), each only if it is stopped:
# Redis, RabbitMQ (PostgreSQL is .ci/run's), and install nginx when it is missing.
# The commands are the ones this kind of machine starts its services with.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {  # port, name, seconds
    for _ in $(seq 1 "$3"); do
        port_open "$1" && return 0
        sleep 1
    done
    echo "start-services: $2 did not open port $1 in $3 s" >&2
    return 1
}

if ! port_open 6379; then
    if command -v redis-server >/dev/null; then
        mkdir -p /var/lib/redis /var/log/redis
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
            --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
        wait_port 6379 Redis 30
    else
        echo "start-services: redis-server is not installed" >&2
    fi
fi

if ! port_open 5672; then
    if command -v rabbitmq-server >/dev/null; then
        rabbitmq-server -detached
        wait_port 5672 RabbitMQ 90
    else
        echo "start-services: rabbitmq-server is not installed" >&2
    fi
fi

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null \
            || { apt-get update -q >/dev/null && \
                 DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null; }
        # The package may start a server on port 80; the tests run their own.
        if [ -f /run/nginx.pid ]; then kill "$(cat /run/nginx.pid)" 2>/dev/null || true; fi
    else
        echo "start-services: nginx is missing (apt-get install nginx-light)" >&2
    fi
fi
exit 0

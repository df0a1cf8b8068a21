#!/usr/bin/env bash
# Prints the path of haproxy, the load balancer of test/rolling-restart-lb.e2e-spec.ts.
exec bash "$(dirname "$0")/ensure-debian-tool.sh" haproxy haproxy HAPROXY_BIN

#!/usr/bin/env bash
# Prints the path of the Prometheus server (Debian's prometheus package, the one that also ships
# promtool), for the tests that load the shipped alert rules into a real server.
exec bash "$(dirname "$0")/ensure-debian-tool.sh" prometheus prometheus PROMETHEUS_BIN 'for the Prometheus server'

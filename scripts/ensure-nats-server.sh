#!/usr/bin/env bash
# Prints the path of nats-server, for the specs' private servers and the development server.
exec bash "$(dirname "$0")/ensure-debian-tool.sh" nats-server nats-server NATS_SERVER_BIN

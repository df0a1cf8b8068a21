#!/usr/bin/env bash
# Prints the path of openssl: the NATS TLS tests make their certificates with it.
exec bash "$(dirname "$0")/ensure-debian-tool.sh" openssl openssl OPENSSL_BIN

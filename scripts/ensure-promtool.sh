#!/usr/bin/env bash
# Prints the path of promtool (Debian ships it in the prometheus package).
exec bash "$(dirname "$0")/ensure-debian-tool.sh" promtool prometheus PROMTOOL_BIN 'for promtool'

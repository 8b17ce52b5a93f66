#!/bin/sh
# The image's HEALTHCHECK: asks this container's dyadtoned for its health
# status with the dyadtone CLI (exit 0 only when SERVING). The target follows
# DYADTONE_LISTEN, so a server moved to another port or address is still
# found: a wildcard host (0.0.0.0, [::], none) is reached on loopback.
listen=${DYADTONE_LISTEN:-0.0.0.0:50051}
port=${listen##*:}
case "$listen" in
  0.0.0.0:* | "[::]:"* | :*) target="127.0.0.1:$port" ;;
  *) target=$listen ;;
esac
exec dyadtone --target="$target" --timeout=3 health

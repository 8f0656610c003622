#!/usr/bin/env bash
# bench/sftp/bench.sh BUILD_DIR SCRATCH — a file downloaded and uploaded over SFTP by Conduit's
# libssh session (conduit-sftp.c, what the SFTP steps use) and by OpenSSH's sftp client, same
# run, same sshd on 127.0.0.1 (started like the tests', tests/sftp-test-server.c).
set -euo pipefail
build=$1
scratch=$2
exe="$build/bench/bench-sftp"
[ -x "$exe" ] || { echo "bench-sftp not built" >&2; exit 1; }
# SFTP_MB MiB (64)
"$exe" "$scratch" "${SFTP_MB:-64}"

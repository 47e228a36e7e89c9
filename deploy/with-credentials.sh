#!/bin/sh
# Run a command with each systemd credential as an environment variable of the same name.
#
#   LoadCredential=SECRET_KEY:/etc/sinovda/credentials/SECRET_KEY      (in the unit)
#   ExecStart=/srv/sinovda/app/deploy/with-credentials.sh <command>
#
# systemd reads the credential files as root (they stay mode 600, root-owned, outside the app's reach)
# and hands them to the service in a private, unswappable folder ($CREDENTIALS_DIRECTORY). The settings
# read the environment, so each file becomes the variable named after it.
set -eu
if [ -n "${CREDENTIALS_DIRECTORY:-}" ]; then
  for file in "$CREDENTIALS_DIRECTORY"/*; do
    [ -f "$file" ] || continue
    name=$(basename "$file")
    case "$name" in
      *[!A-Z0-9_]* | [0-9]*)
        echo "with-credentials: skipping $name (not an environment variable name)" >&2
        continue
        ;;
    esac
    value=$(cat "$file")  # without its trailing newline
    export "$name=$value"
  done
fi
exec "$@"

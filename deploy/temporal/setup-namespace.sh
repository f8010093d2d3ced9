#!/bin/sh
# Creates Lemniscate's namespace and registers its custom search attributes (run by the
# temporal-setup job in docker-compose.yml). Arguments: NAME=TYPE pairs, the ones in
# cluster/search_attributes.py. Idempotent: an existing namespace or attribute of the same
# type is left alone; an attribute that exists with another type stops the job.
set -eu

: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-30d}"

attempt=0
until temporal operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    echo "Temporal at $TEMPORAL_ADDRESS is not serving after 60 s" >&2
    exit 1
  fi
  sleep 2
done

if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  echo "namespace $TEMPORAL_NAMESPACE exists"
else
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$RETENTION"
fi

for pair in "$@"; do
  temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" \
    --name "${pair%%=*}" --type "${pair#*=}"
done
echo "namespace $TEMPORAL_NAMESPACE is ready with $# search attributes"

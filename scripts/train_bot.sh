#!/usr/bin/env bash
# Trains the Rasa model only when the bot's config, domain, data or NLU component changed (keyed by a content hash).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var/rasa var/log
files=$(find bot/config.yml bot/domain.yml bot/domain bot/data bot/nlu_features.py bot/nlu_signals.py -type f 2>/dev/null | sort || true)
if [ -z "$files" ]; then echo "[setup] no Rasa project in bot/ yet"; exit 0; fi
hash=$(cat $files | sha256sum | cut -c1-16)
model="var/rasa/model-$hash.tar.gz"
if [ -f "$model" ]; then
  ln -sfn "model-$hash.tar.gz" var/rasa/current.tar.gz
  exit 0
fi
echo "[setup] training the Rasa model (bot data changed; log: var/log/rasa-train.log)"
domain=bot/domain.yml; [ -d bot/domain ] && domain=bot/domain
start=$(date +%s)
if ! .venv-rasa/bin/rasa train --config bot/config.yml --domain "$domain" --data bot/data \
      --out var/rasa --fixed-model-name "model-$hash" > var/log/rasa-train.log 2>&1; then
  tail -30 var/log/rasa-train.log >&2
  echo "[setup] Rasa training failed; full log in var/log/rasa-train.log" >&2
  exit 1
fi
ln -sfn "model-$hash.tar.gz" var/rasa/current.tar.gz
# keep the last three models
ls -1t var/rasa/model-*.tar.gz | tail -n +4 | xargs -r rm -f
echo "[setup] Rasa model trained in $(( $(date +%s) - start )) s: $model"

#!/usr/bin/env bash
# Rasa's own tests on the trained model: the held-out NLU set (intent accuracy target 95%) and the
# end-to-end test stories (all must pass). Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[test] Rasa: held-out NLU evaluation and test stories"
exec .venv/bin/python -m bot.evaluate --model var/rasa/current.tar.gz --out var/bot/eval --check

"""Train a same-claim cross-encoder from all-MiniLM-L6-v2 on outside news pairs, and score it on unseen splits.

Usage:
    nice -n 10 .venv/bin/python -m benchmarks.train_cross_encoder --corpus /work/shared/corpora \
        --out /tmp/cross_encoder.safetensors [--epochs 1] [--steps N] [--limit N] [--sick] [--evaluate-only] [--stack]
        [--tune data /work/shared/corpora/multi-outlet/articles.jsonl]

Not shipped: on this 2-core machine one epoch over the top two layers gave a model that ranks MRPC test and STS
headlines 2016 pairs worse than the MiniLM cosine alone (benchmarks/README.md, claims, seventh pass), so
``dedupe compare`` keeps its claim model. The script stays to be rerun where more compute is at hand.

The model: the packaged all-MiniLM-L6-v2 (weights hash checked) reads the pair ``[CLS] first [SEP] second
[SEP]`` (both texts number-masked by :func:`dedupe.compare.features.mask_numbers`, as the tool masks them);
its embeddings and lower layers stay frozen, its top :data:`TRAINED_LAYERS` layers and a one-logit head over
the mean of the last layer's token vectors are trained with binary cross-entropy on:

- MRPC train (4,076 sentence pairs from news clusters, label = same meaning);
- STS headlines 2013-2015: score >= 4 is the same claim, <= 2 is not (as ``benchmarks/claim_model.py``);
- with ``--sick``, SICK train: ENTAILMENT with relatedness >= 4 is the same claim, NEUTRAL with relatedness
  < 3 is not (CONTRADICTION left out: a negated version of a claim is a divergence, not another claim).

Never the claims gold. Reproducible: fixed seeds, deterministic ops, 2 torch threads, pairs shuffled by a
seeded generator. Only the trained parameters are written (float16 safetensors, ~7 MB) and their SHA-256
printed; the figures are then measured on the model rebuilt from that very file: ROC AUC and F1
(probability >= 0.5) on MRPC test and STS headlines 2016 (``benchmarks/claim_model.py`` prints the shipped
claim model and the cosine on the same splits).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

from benchmarks.align_quality import Pairs, SickPair, labelled_sick, read_mrpc, read_sick_pairs
from benchmarks.claim_model import FIT_YEARS, TEST_YEARS, joined, read_sts
from dedupe.compare.features import mask_numbers
from dedupe.embed.backends import PACKAGED_SHA256, packaged_model_folder, verify_weights

SEED = 20261203
BATCH = 16
LEARNING_RATE = 1e-4
#: Transformer layers (counted from the top) that are trained; the others stay as packaged.
TRAINED_LAYERS = 2
#: Longest pair read, in word pieces.
MAX_TOKENS = 128


def read_sick_same(path: Path) -> Pairs:
    """SICK train as same-claim pairs: ENTAILMENT with relatedness >= 4 (1), NEUTRAL below 3 (0)."""
    def same_claim(row: SickPair) -> int | None:
        if row.judgment == "ENTAILMENT" and row.relatedness >= 4:
            return 1
        return 0 if row.judgment == "NEUTRAL" and row.relatedness < 3 else None
    return labelled_sick(read_sick_pairs(path), same_claim)


def load_base() -> tuple[Any, Any]:
    """The packaged all-MiniLM-L6-v2 as a plain ``transformers`` BERT model (no pooler) and its tokenizer."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # the load report of the unused pooler
    transformers_logging.disable_progress_bar()
    source = verify_weights(packaged_model_folder(), PACKAGED_SHA256)
    tokenizer = AutoTokenizer.from_pretrained(str(source.folder), local_files_only=True)
    encoder = AutoModel.from_pretrained(str(source.folder), local_files_only=True, add_pooling_layer=False)
    return tokenizer, encoder.eval()


def head_and_layers(encoder: Any) -> tuple[Any, Any]:
    """The trained parts: the top :data:`TRAINED_LAYERS` transformer layers and a ``Linear(hidden, 1)`` head."""
    import torch

    layers = encoder.encoder.layer[len(encoder.encoder.layer) - TRAINED_LAYERS:]
    return layers, torch.nn.Linear(encoder.config.hidden_size, 1)


def pair_logits(encoder: Any, head: Any, batch: dict[str, Any]) -> Any:
    """The logit per pair: mean of the last layer's token vectors (padding left out), then the head."""
    hidden = encoder(**batch).last_hidden_state
    weights = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return head((hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)).squeeze(-1)


def tokenized(tokenizer: Any, pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A padded batch of masked pairs."""
    return dict(tokenizer([a for a, _ in pairs], [b for _, b in pairs], padding=True, truncation="longest_first",
                          max_length=MAX_TOKENS, return_tensors="pt"))


def train(pairs: Pairs, epochs: int, steps: int | None) -> tuple[Any, Any]:
    """Fine-tune the top layers and head; returns ``(layers, head)``."""
    import torch

    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    tokenizer, encoder = load_base()
    for parameter in encoder.parameters():
        parameter.requires_grad_(False)
    layers, head = head_and_layers(encoder)
    trained = [*layers.parameters(), *head.parameters()]
    for parameter in trained:
        parameter.requires_grad_(True)
    texts = [(mask_numbers(a), mask_numbers(b)) for a, b in zip(pairs.first, pairs.second)]
    order = list(range(len(texts)))
    total = steps or epochs * ((len(order) + BATCH - 1) // BATCH)
    optimiser = torch.optim.AdamW(trained, lr=LEARNING_RATE, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, (s + 1) / (0.06 * total))
                                                 * max(0.0, (total - s) / total))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    encoder.train()
    step, started = 0, time.perf_counter()
    for epoch in range(epochs):
        random.Random(SEED + epoch).shuffle(order)
        for begin in range(0, len(order), BATCH):
            chunk = order[begin:begin + BATCH]
            logits = pair_logits(encoder, head, tokenized(tokenizer, [texts[i] for i in chunk]))
            loss = loss_fn(logits, torch.tensor(pairs.labels[chunk], dtype=torch.float32))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 25 == 0 or step == total:
                elapsed = time.perf_counter() - started
                print(f"epoch {epoch} step {step}/{total} loss {loss.item():.4f} {elapsed / step:.2f} s/step "
                      f"(eta {(total - step) * elapsed / step / 60:.1f} min)", flush=True)
            if step >= total:
                return layers, head
    return layers, head


def save(layers: Any, head: Any, out: Path) -> str:
    """Write the trained parameters as float16 safetensors; returns the file's SHA-256."""
    from safetensors.torch import save_file

    state = {f"layers.{k}": v.detach().half().contiguous() for k, v in layers.state_dict().items()}
    state.update({f"head.{k}": v.detach().half().contiguous() for k, v in head.state_dict().items()})
    save_file(dict(sorted(state.items())), str(out))
    return hashlib.sha256(out.read_bytes()).hexdigest()


class CrossEncoder:
    """The model rebuilt once from written ``weights``; scores memoised by masked pair."""

    def __init__(self, weights: Path) -> None:
        from safetensors.torch import load_file

        self.tokenizer, self.encoder = load_base()
        self.layers, self.head = head_and_layers(self.encoder)
        state = {name: tensor.float() for name, tensor in load_file(str(weights)).items()}
        self.layers.load_state_dict({k[len("layers."):]: v for k, v in state.items() if k.startswith("layers.")})
        self.head.load_state_dict({k[len("head."):]: v for k, v in state.items() if k.startswith("head.")})
        self.encoder.eval()
        self.head.eval()
        self.memo: dict[tuple[str, str], float] = {}

    def probabilities(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """Same-claim probability of each pair (numbers masked)."""
        import torch

        masked = [(mask_numbers(a), mask_numbers(b)) for a, b in pairs]
        todo = sorted({m for m in masked if m not in self.memo}, key=lambda m: (len(m[0]) + len(m[1]), m))
        with torch.inference_mode():
            for begin in range(0, len(todo), batch_size):
                chunk = todo[begin:begin + batch_size]
                logits = pair_logits(self.encoder, self.head, tokenized(self.tokenizer, chunk))
                self.memo.update(zip(chunk, torch.sigmoid(logits).tolist()))
        return np.array([self.memo[m] for m in masked], dtype=np.float32)


def evaluate(model: CrossEncoder, tests: dict[str, Pairs]) -> None:
    """ROC AUC and F1 of the written model on each unseen split."""
    for name, pairs in tests.items():
        started = time.perf_counter()
        scores = model.probabilities(list(zip(pairs.first, pairs.second)))
        rate = len(scores) / (time.perf_counter() - started)
        best = max(np.round(np.linspace(0.05, 0.95, 19), 2), key=lambda t: f1_score(pairs.labels, scores >= t))
        print(f"{name}: {len(scores)} pairs, {pairs.labels.mean():.2f} positive; cross-encoder ROC AUC "
              f"{roc_auc_score(pairs.labels, scores):.3f} F1@0.5 {f1_score(pairs.labels, scores >= 0.5):.3f} "
              f"(best on this split {f1_score(pairs.labels, scores >= best):.3f} at {best}; {rate:.0f} pairs/s)")


def stacked(model: CrossEncoder, train: Pairs, tests: dict[str, Pairs]) -> None:
    """ROC AUC of the claim model's four features refitted with the cross-encoder's probability as a fifth
    (outside pairs, both texts' attribution stripped as alignment reads them), against the four alone."""
    from benchmarks.align_quality import fit_model
    from benchmarks.claim_model import C, features, pair_contents
    from dedupe.embed.encoder import EmbeddingCache, default_cache_dir, load_encoder

    encoder, cache = load_encoder(None), EmbeddingCache(default_cache_dir())

    def rows(pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
        contents = pair_contents(pairs)
        cross = model.probabilities(list(zip(contents.first, contents.second)))
        four = features(contents, encoder, cache)[0]
        return four, np.hstack([four, cross[:, None]])

    four, five = rows(train)
    alone, both = fit_model(four, train.labels, C), fit_model(five, train.labels, C)
    for name, pairs in tests.items():
        test_four, test_five = rows(pairs)
        with_cross = roc_auc_score(pairs.labels, both.probability(test_five))
        print(f"{name}: claim model ROC AUC {roc_auc_score(pairs.labels, alone.probability(test_four)):.3f}, "
              f"with the cross-encoder as a fifth feature {with_cross:.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    """Train, write the weights, print their SHA-256 and the unseen-split figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="folder holding mrpc/, sts-headlines/, sick2014/")
    parser.add_argument("--out", type=Path, required=True, help="where the trained parameters are written")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--steps", type=int, default=None, help="stop after this many steps (timing)")
    parser.add_argument("--limit", type=int, default=None, help="evaluate on the first N pairs of each test split")
    parser.add_argument("--sick", action="store_true", help="also train on SICK train (see the docstring)")
    parser.add_argument("--evaluate-only", action="store_true", help="score the weights already at --out")
    parser.add_argument("--tune", nargs="+", metavar="CORPUS",
                        help="then run benchmarks.claims_quality on these corpora (data/ and the multi-outlet file), "
                             "tune split only, with the cross-encoder deciding 'same claim'")
    parser.add_argument("--stack", action="store_true",
                        help="also refit the claim model with the cross-encoder's probability as a fifth feature")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    sts = args.corpus / "sts-headlines"
    parts = [read_mrpc(args.corpus / "mrpc" / "msr_paraphrase_train.txt"), read_sts(sts, FIT_YEARS)]
    if args.sick:
        parts.append(read_sick_same(args.corpus / "sick2014" / "SICK_train.txt"))
    pairs = joined(parts)
    if not args.evaluate_only:
        train_and_save(pairs, args.epochs, args.steps, args.out)
    tests = {"MRPC test": read_mrpc(args.corpus / "mrpc" / "msr_paraphrase_test.txt"),
             f"STS headlines {TEST_YEARS[0]}": read_sts(sts, TEST_YEARS)}
    if args.limit:
        tests = {k: Pairs(v.first[:args.limit], v.second[:args.limit], v.labels[:args.limit])
                 for k, v in tests.items()}
    model = CrossEncoder(args.out)
    evaluate(model, tests)
    if args.stack:
        stacked(model, pairs if not args.sick else joined(parts[:2]), tests)
    if args.tune:
        return tune(model, args.tune)
    return 0


def tune(model: CrossEncoder, corpora: Sequence[str]) -> int:
    """``benchmarks.claims_quality`` on the tune split (``--loeo --fit``) with the cross-encoder deciding
    "same claim" in place of the claim model (the count rule kept); the held-out split is not run."""
    from benchmarks import claims_quality
    from dedupe.compare import align

    def score_pairs(texts: Sequence[str], candidates: Sequence[tuple[int, int, float]],
                    claim_cosines: Sequence[float] | None = None) -> tuple[Any, ...]:
        scores: np.ndarray | list[float] = (model.probabilities([(texts[i], texts[j]) for i, j, _ in candidates])
                                             if candidates else [])
        return align.with_count_rule(texts, candidates, scores)

    align.score_pairs = score_pairs  # type: ignore[assignment]
    return int(claims_quality.main([*corpora, "--split", "tune", "--loeo", "--fit"]) or 0)


def train_and_save(pairs: Pairs, epochs: int, steps: int | None, out: Path) -> None:
    """Train on ``pairs``, write the parameters to ``out``, print their size and SHA-256."""
    print(f"training on {len(pairs.labels)} pairs ({pairs.labels.mean():.2f} positive), "
          f"top {TRAINED_LAYERS} layers + head, {epochs} epoch(s)", flush=True)
    layers, head = train(pairs, epochs, steps)
    sha = save(layers, head, out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) sha256 {sha}", flush=True)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""LoRA supervised fine-tuning on a NanoFlux chat JSONL export.

Reads {"messages": [{"role", "content"}, ...]} lines, trains LoRA adapters with transformers + peft + torch,
and prints one JSON progress line per logging step on stdout, which `nanoflux trainer-host` parses:

    {"step": 10, "loss": 1.23, "lr": 0.0002, "epoch": 0.5}

Hyper-parameters come from --job (the job JSON the host writes) and can be overridden by flags. With
--random-init-tiny the base model is a small randomly initialised Llama built locally, so the whole path can be
smoke-tested with no download and no GPU.
"""

import argparse
import json
import math
import os
import sys

DEFAULTS = {
    "epochs": 3,
    "batchSize": 4,
    "learningRate": 2e-4,
    "loraRank": 16,
    "loraAlpha": 32,
    "maxSeqLength": 2048,
    "seed": 1,
}


def emit(**fields):
    """One machine-readable line; flushed so the host sees progress as it happens."""
    print(json.dumps(fields), flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", required=True, help="chat JSONL file")
    parser.add_argument("--output-dir", required=True, help="where the LoRA adapter and tokenizer are saved")
    parser.add_argument("--job", help="job JSON written by the trainer host (baseModel, hyperparameters)")
    parser.add_argument("--base-model", help="Hugging Face model id or local path (overrides the job)")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--learning-rate", type=float)
    parser.add_argument("--lora-rank", type=int)
    parser.add_argument("--lora-alpha", type=int)
    parser.add_argument("--max-seq-length", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--logging-steps", type=int, default=1)
    parser.add_argument("--random-init-tiny", action="store_true", help="train a tiny random model built locally")
    return parser.parse_args(argv)


def settings(args):
    """Defaults, then the job file, then command-line flags."""
    merged = dict(DEFAULTS)
    base_model = None
    if args.job:
        with open(args.job, encoding="utf-8") as handle:
            job = json.load(handle)
        merged.update({k: v for k, v in job.get("hyperparameters", {}).items() if k in DEFAULTS})
        base_model = job.get("baseModel")
    flags = {
        "epochs": args.epochs,
        "batchSize": args.batch_size,
        "learningRate": args.learning_rate,
        "loraRank": args.lora_rank,
        "loraAlpha": args.lora_alpha,
        "maxSeqLength": args.max_seq_length,
        "seed": args.seed,
    }
    merged.update({k: v for k, v in flags.items() if v is not None})
    merged["baseModel"] = args.base_model or base_model
    if not merged["baseModel"] and not args.random_init_tiny:
        sys.exit("lora_sft.py: give --base-model, a --job file with baseModel, or --random-init-tiny")
    return merged


def read_examples(path):
    examples = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                messages = json.loads(line)["messages"]
            except (ValueError, KeyError, TypeError) as err:
                print(f"{path}:{number}: skipped, not a chat example ({err})", file=sys.stderr)
                continue
            examples.append(messages)
    if not examples:
        sys.exit(f"lora_sft.py: {path} holds no chat example")
    return examples


def render(messages, tokenizer):
    """The chat as text: the tokenizer's chat template when it has one, else plain role-tagged turns."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(messages, tokenize=False)
    return "".join(f"<|{m['role']}|>\n{m['content']}\n" for m in messages) + (tokenizer.eos_token or "")


def tiny_model_and_tokenizer():
    """A 2-layer Llama with a byte-level vocabulary, randomly initialised: no download."""
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    vocab = {chr(i): i for i in range(256)}
    vocab.update({"<pad>": 256, "<eos>": 257})
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="?"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tok.decoder = decoders.Fuse()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>", unk_token="?")
    config = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=4096,
        pad_token_id=256,
        eos_token_id=257,
    )
    return LlamaForCausalLM(config), tokenizer


def main(argv):
    args = parse_args(argv)
    config = settings(args)
    examples = read_examples(args.dataset)

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, get_linear_schedule_with_warmup

    torch.manual_seed(config["seed"])
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.random_init_tiny:
        model, tokenizer = tiny_model_and_tokenizer()
    else:
        tokenizer = AutoTokenizer.from_pretrained(config["baseModel"])
        dtype = torch.bfloat16 if device == "cuda" else torch.float32
        model = AutoModelForCausalLM.from_pretrained(config["baseModel"], torch_dtype=dtype)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token

    lora = LoraConfig(
        r=config["loraRank"],
        lora_alpha=config["loraAlpha"],
        lora_dropout=0.05,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora).to(device)
    model.train()

    texts = [render(messages, tokenizer) for messages in examples]
    batch_size = config["batchSize"]
    steps_per_epoch = math.ceil(len(texts) / batch_size)
    total_steps = steps_per_epoch * config["epochs"]
    optimizer = torch.optim.AdamW((p for p in model.parameters() if p.requires_grad), lr=config["learningRate"])
    scheduler = get_linear_schedule_with_warmup(optimizer, max(1, total_steps // 20), total_steps)
    parameters = sum(p.numel() for p in model.parameters())
    emit(event="start", examples=len(texts), total_steps=total_steps, device=device, parameters=parameters)

    generator = torch.Generator().manual_seed(config["seed"])
    step = 0
    tokens = 0
    for epoch in range(config["epochs"]):
        order = torch.randperm(len(texts), generator=generator).tolist()
        for start in range(0, len(order), batch_size):
            batch = tokenizer(
                [texts[i] for i in order[start : start + batch_size]],
                return_tensors="pt",
                padding=True,
                truncation=True,
                max_length=config["maxSeqLength"],
            ).to(device)
            labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
            # Tokens trained on, padding left out: with the model's size, the fine-tune's compute (6 x N x D).
            tokens += int(batch["attention_mask"].sum())
            loss = model(**batch, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if step % args.logging_steps == 0 or step == total_steps:
                emit(
                    step=step,
                    loss=round(loss.item(), 4),
                    lr=scheduler.get_last_lr()[0],
                    epoch=round(epoch + (start + batch_size) / len(order), 3),
                    tokens=tokens,
                )

    os.makedirs(args.output_dir, exist_ok=True)
    model.save_pretrained(args.output_dir)
    tokenizer.save_pretrained(args.output_dir)
    emit(event="saved", path=os.path.abspath(args.output_dir))


if __name__ == "__main__":
    main(sys.argv[1:])
